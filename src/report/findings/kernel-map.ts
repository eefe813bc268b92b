// Naming dom0's own addresses (its kernel's guest frames in `d` and `0` dumps) from a System.map, or
// from `nm -n` of a vmlinux, which prints the same `address type name` lines; /proc/kallsyms too
// (module symbols carry a `[module]` column). Pure: text in, lookups out.

export interface KernelMap {
  /** Text symbols, ascending. */
  addresses: bigint[];
  names: string[];
}

/** Text symbols further than this past the last one are not that symbol's (past `_etext`). */
const MAX_OFFSET = 0x100000n;

/** Section ends, not functions: an address past one of them is not in the symbol before. */
const MARKERS = new Set(['_etext', '_einittext', '_edata', '_end', '__end_rodata']);

const LINE = /^([0-9a-f]{8,16})\s+([tTwW])\s+(\S+)(?:\s+\[(\S+)\])?\s*$/i;

export function parseSystemMap(text: string): KernelMap {
  const symbols: [bigint, string][] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const address = BigInt(`0x${m[1]}`);
    if (address === 0n) continue;
    symbols.push([address, m[4] ? `${m[3]} [${m[4]}]` : (m[3] as string)]);
  }
  symbols.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { addresses: symbols.map((s) => s[0]), names: symbols.map((s) => s[1]) };
}

/** `name+0x1f/0x40`, as Linux prints a frame; null when no text symbol covers the address. */
export function kernelSymbol(map: KernelMap, address: string): string | null {
  let at: bigint;
  try {
    at = BigInt(`0x${address.replace(/^0x/i, '')}`);
  } catch {
    return null;
  }
  const { addresses, names } = map;
  let lo = 0;
  let hi = addresses.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((addresses[mid] as bigint) <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || MARKERS.has(names[found] as string)) return null;
  const start = addresses[found] as bigint;
  const next = addresses[found + 1];
  const size = next === undefined ? null : next - start;
  const offset = at - start;
  if ((size === null && offset > MAX_OFFSET) || (size !== null && offset >= size)) return null;
  return `${names[found]}+0x${offset.toString(16)}${size === null ? '' : `/0x${size.toString(16)}`}`;
}

/** x86-64 Linux's kernel text and modules (0xffffffff80000000 up): dom0 addresses worth naming. */
export function isKernelAddress(address: string): boolean {
  return /^(?:0x)?ffffffff[89a-f][0-9a-f]{7}$/i.test(address);
}
