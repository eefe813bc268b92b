// Sizes and durations as people write them on a command line: `256MiB`, `64k`, `10m`, `14d`. Pure.

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Bytes from `256MiB`, `64k`, `1GB`, `4096`; null when it is not a size. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Milliseconds from `10m`, `14d`, `1h30m`, `500ms`, `90s`; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const parts = /^\s*((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\s*)+)$/i.exec(text);
  if (!parts) return null;
  let total = 0;
  for (const m of (parts[1] ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gi)) {
    total += Number(m[1]) * (DURATION_UNITS[(m[2] ?? '').toLowerCase()] ?? NaN);
  }
  return Number.isFinite(total) && total > 0 ? Math.round(total) : null;
}

/** `1.5 MiB`, `12 KiB`, `300 B`: for messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}
