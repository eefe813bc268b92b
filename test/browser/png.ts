// Just enough PNG for the browser test: decode Chromium's screenshots (8-bit RGB or RGBA, not
// interlaced) into pixels with node:zlib, so "the page rendered" can be checked without a dependency.

import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(file: Buffer): Image {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length;) {
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (out[x - channels] ?? 0) : 0;
      const b = up[x] ?? 0;
      const c = x >= channels ? (up[x - channels] ?? 0) : 0;
      const v = line[x] ?? 0;
      out[x] = (v + predict(filter ?? 0, a, b, c)) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function predict(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`bad PNG filter ${filter}`);
  }
}

/** The share of pixels that differ (by more than a little) from the colour of the top-left pixel. */
export function shareUnlike(image: Image, background = pixelAt(image, 0, 0), tolerance = 24): number {
  let unlike = 0;
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) {
    const o = i * image.channels;
    const d =
      Math.abs((image.pixels[o] ?? 0) - background[0]) +
      Math.abs((image.pixels[o + 1] ?? 0) - background[1]) +
      Math.abs((image.pixels[o + 2] ?? 0) - background[2]);
    if (d > tolerance) unlike++;
  }
  return unlike / n;
}

export function pixelAt(image: Image, x: number, y: number): [number, number, number] {
  const o = (y * image.width + x) * image.channels;
  return [image.pixels[o] ?? 0, image.pixels[o + 1] ?? 0, image.pixels[o + 2] ?? 0];
}
