// The parser of each debug key, by key: what a capture's `parsed` holds. A key without one here is
// reported with `parsed: null` and its text kept. `ParsedByKey` names each result type for renderers.

import { type AllKeysParsed, parseAllKeys } from './keys/all-keys.js';
import { type ClocksParsed, parseClocks } from './keys/clocks.js';
import { type ConsoleRingParsed, parseConsoleRing } from './keys/console-ring.js';
import { type CxParsed, parseCx } from './keys/cx.js';
import { type Dom0RegistersParsed, parseDom0Registers } from './keys/dom0-registers.js';
import { type DomainsParsed, parseDomains } from './keys/domains.js';
import { type EvtchnParsed, parseEvtchn } from './keys/evtchn.js';
import { type GrantParsed, parseGrant } from './keys/grant.js';
import { type HandlerListParsed, parseHandlerList } from './keys/handler-list.js';
import { type HeapParsed, parseHeap } from './keys/heap.js';
import { type HvmIrqParsed, parseHvmIrq } from './keys/hvm-irq.js';
import { type IoApicParsed, parseIoApic } from './keys/ioapic.js';
import { type IrqsParsed, parseIrqs } from './keys/irqs.js';
import { type LivepatchParsed, parseLivepatch } from './keys/livepatch.js';
import { type MemoryParsed, parseMemory } from './keys/memory.js';
import { type MsiParsed, parseMsi } from './keys/msi.js';
import { type NmiParsed, parseNmi } from './keys/nmi.js';
import { type NumaParsed, parseNuma } from './keys/numa.js';
import { type PciParsed, parsePci } from './keys/pci.js';
import { type RegistersParsed, parseRegisters } from './keys/registers.js';
import { type RunqParsed, parseRunq } from './keys/runq.js';
import { type SoftTscParsed, parseSoftTsc } from './keys/softtsc.js';
import { type TimersParsed, parseTimers } from './keys/timers.js';
import { type VmcsParsed, parseVmcs } from './keys/vmcs.js';
import type { NormLine } from './prefix.js';

export interface ParsedByKey {
  h: HandlerListParsed;
  q: DomainsParsed;
  u: NumaParsed;
  r: RunqParsed;
  d: RegistersParsed;
  '0': Dom0RegistersParsed;
  m: MemoryParsed;
  H: HeapParsed;
  e: EvtchnParsed;
  i: IrqsParsed;
  a: TimersParsed;
  t: ClocksParsed;
  z: IoApicParsed;
  M: MsiParsed;
  Q: PciParsed;
  g: GrantParsed;
  c: CxParsed;
  n: NmiParsed;
  s: SoftTscParsed;
  w: ConsoleRingParsed;
  x: LivepatchParsed;
  I: HvmIrqParsed;
  v: VmcsParsed;
  '*': AllKeysParsed;
}

export type ParsedKey = ParsedByKey[keyof ParsedByKey];

type Parsers = {
  [K in keyof ParsedByKey]: (lines: readonly string[], norms?: readonly NormLine[]) => ParsedByKey[K];
};

const PARSERS: Parsers = {
  h: parseHandlerList,
  q: parseDomains,
  u: parseNuma,
  r: parseRunq,
  d: parseRegisters,
  '0': parseDom0Registers,
  m: parseMemory,
  H: parseHeap,
  e: parseEvtchn,
  i: parseIrqs,
  a: parseTimers,
  t: parseClocks,
  z: parseIoApic,
  M: parseMsi,
  Q: parsePci,
  g: parseGrant,
  c: parseCx,
  n: parseNmi,
  s: parseSoftTsc,
  w: parseConsoleRing,
  x: parseLivepatch,
  I: parseHvmIrq,
  v: parseVmcs,
  '*': (lines, norms) => parseAllKeys(lines, parseKey, norms),
};

export function hasParser(key: string): key is keyof ParsedByKey {
  return Object.prototype.hasOwnProperty.call(PARSERS, key);
}

/**
 * The key's structure, or null for a key no parser knows. Never throws: a parser bug leaves null.
 * `norms`: the lines normalised, when the caller has them (else the parser normalises them).
 */
export function parseKey(
  key: string,
  lines: readonly string[],
  norms?: readonly NormLine[],
): ParsedKey | null {
  if (!hasParser(key)) return null;
  try {
    return PARSERS[key](lines, norms);
  } catch {
    return null;
  }
}
