// Sentinel framing for commands typed at a dom0 shell, pure. The shell's output is untrusted console
// text (guests, Xen and dom0 all write to it), and prompts differ from host to host, so a command's
// output is found only between two lines that carry a random nonce: `XK<nonce> <seq> B` before it and
// `XK<nonce> <seq> E<status>` after it. The typed command never contains them (the shell builds them
// from `_xk`'s arguments), so neither the terminal's echo nor a guest can end a frame early.

/** Characters the probe line may use: none of them is a Xen debug key that changes or stops anything. */
const PROBE_SAFE = /^[a-z0-9 ']*$/;
const DANGER_IN_PROBE = /[nNRC%*+\-GATOSPL]/;

/**
 * The first line typed: harmless even if the line reaches Xen instead of a shell (input switched to
 * Xen on a serial console), where each character is a debug key. Its answer `xk<digits>ok` shows a
 * shell is there. Digits only (1–9) in the nonce: no hex letter to press `d`'s heavy dump twice.
 */
export function probeLine(digits: string): { line: string; answer: string } {
  if (!/^[1-9]{4,}$/.test(digits)) throw new RangeError('probe digits must be 1-9, at least four');
  const line = `echo xk''${digits}''ok`;
  if (!PROBE_SAFE.test(line) || DANGER_IN_PROBE.test(line)) throw new RangeError('unsafe probe line');
  return { line, answer: `xk${digits}ok` };
}

/** Defines `_xk`, which prints a frame line: `_xk 3 B` prints `XK<nonce> 3 B`. */
export function setupLine(nonce: string): string {
  if (!/^[A-Za-z0-9]{8,}$/.test(nonce)) throw new RangeError('nonce must be 8+ letters or digits');
  return `_xk(){ echo "XK${nonce} $@";}`;
}

/** One framed command: `$?` is the command's own status. */
export function framedLine(seq: number, command: string): string {
  return `_xk ${seq} B;${command};_xk ${seq} E$?`;
}

export type FrameSegment =
  /** Received bytes, in order; every byte fed in comes out exactly once. */
  | { kind: 'bytes'; bytes: Uint8Array; part: 'outside' | 'body' }
  /** The begin line has ended: the command's output starts with the next byte. */
  | { kind: 'begin' }
  /** The end line starts here; the command exited with `status`. */
  | { kind: 'end'; status: number };

type State = 'idle' | 'await-begin' | 'body' | 'await-end-line';

/**
 * Cuts the byte stream at the frame lines of the command being waited for. While waiting, a tail
 * that might be the start of a frame line is held back (at most a line's worth), so that a marker
 * can go exactly between the bytes before it and after it.
 */
export class FrameScanner {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = 'idle';
  private begin: Buffer = Buffer.alloc(0);
  private endPrefix: Buffer = Buffer.alloc(0);

  constructor(private readonly nonce: string) {}

  /** Start waiting for frame `seq`'s lines. */
  expect(seq: number): void {
    this.begin = Buffer.from(`XK${this.nonce} ${seq} B`, 'latin1');
    this.endPrefix = Buffer.from(`XK${this.nonce} ${seq} E`, 'latin1');
    this.state = 'await-begin';
  }

  /** Stop waiting (a timeout, say): everything held is released at the next push or flush. */
  cancel(): void {
    this.state = 'idle';
  }

  get waiting(): boolean {
    return this.state !== 'idle';
  }

  push(bytes: Uint8Array): FrameSegment[] {
    this.pending = this.pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.pending, bytes]);
    const out: FrameSegment[] = [];
    for (;;) {
      const [state, held] = [this.state, this.pending.length];
      this.step(out);
      if (this.pending.length === 0 || (this.state === state && this.pending.length === held)) break;
    }
    return out;
  }

  /** Everything still held (at the end of a session). */
  flush(): FrameSegment[] {
    const out: FrameSegment[] = [];
    this.release(out, this.pending.length);
    return out;
  }

  private step(out: FrameSegment[]): void {
    const p = this.pending;
    if (this.state === 'idle') return this.release(out, p.length);
    if (this.state === 'await-begin') {
      const at = p.indexOf(this.begin);
      if (at < 0) return this.release(out, keepFrom(p, this.begin.length));
      const nl = p.indexOf(0x0a, at + this.begin.length);
      // Only `\r` may stand between the token and the line end: anything else is not our line.
      if (nl < 0) return this.release(out, at);
      if (!/^\r*$/.test(p.subarray(at + this.begin.length, nl).toString('latin1'))) {
        return this.release(out, at + 1);
      }
      this.release(out, nl + 1);
      out.push({ kind: 'begin' });
      this.state = 'body';
      return;
    }
    if (this.state === 'body') {
      const at = p.indexOf(this.endPrefix);
      if (at < 0) return this.release(out, keepFrom(p, this.endPrefix.length + 4));
      const m = /^(\d{1,3})\r*\n/.exec(p.subarray(at + this.endPrefix.length).toString('latin1'));
      if (!m) {
        // Not complete yet (or not ours): hold it until its line ends, then judge.
        if (p.indexOf(0x0a, at) < 0) return this.release(out, at);
        return this.release(out, at + 1);
      }
      this.release(out, at);
      out.push({ kind: 'end', status: Number(m[1]) });
      this.state = 'await-end-line';
      return;
    }
    // The end line itself belongs outside the body.
    const nl = p.indexOf(0x0a);
    this.release(out, nl < 0 ? p.length : nl + 1);
    this.state = 'idle';
  }

  private release(out: FrameSegment[], n: number): void {
    if (n <= 0) return;
    const part = this.state === 'body' ? 'body' : 'outside';
    out.push({ kind: 'bytes', bytes: this.pending.subarray(0, n), part });
    this.pending = this.pending.subarray(n);
  }
}

/** How much of `p` can go: all but a tail short enough to be the start of a `len`-byte token. */
function keepFrom(p: Buffer, len: number): number {
  // Hold back only from a possible token start ('X'): ordinary text is not delayed.
  const x = p.indexOf(0x58, Math.max(0, p.length - (len - 1)));
  return x >= 0 ? x : p.length;
}
