// Whether a document honours the fixed part of the report contract (docs/report-contract.md): schema,
// required fields and their types, the per-key `parsed` fields. A report.json read back (`xenkeys diff`)
// may come from anywhere — another version, a hand edit, a truncated copy — so this never throws on any
// JSON value, and says where the first problems are instead of failing deep inside a comparison.

import { REPORT_SCHEMA } from './model.js';

const HEX = /^[0-9a-f]+$/;
const EVENT_TYPES = [
  'panic',
  'fatal-trap',
  'assertion',
  'dom0-crash',
  'watchdog',
  'messages-suppressed',
  'input-switch',
];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const numOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
const boolOrNull = (v: unknown): boolean => v === null || typeof v === 'boolean';
const hex = (v: unknown): boolean => typeof v === 'string' && HEX.test(v);
const hexOrNull = (v: unknown): boolean => v === null || hex(v);
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
/** An object's field; {} for anything that is not an object (its fields then fail their own checks). */
const field = (v: unknown, name: string): unknown => (isObj(v) ? v[name] : undefined);
const numbersOnly = (v: unknown): boolean => isObj(v) && Object.values(v).every(num);

/** Where `report` breaks the contract ("captures[3].parsed.domains"); empty when it honours it. */
export function contractProblems(report: unknown): string[] {
  const p: string[] = [];
  const is = (cond: boolean, what: string): void => void (cond || p.push(what));
  is(field(report, 'schema') === REPORT_SCHEMA, 'schema');
  const source = field(report, 'source');
  is(['live', 'recording', 'log'].includes(field(source, 'kind') as string), 'source.kind');
  is(strOrNull(field(source, 'name')), 'source.name');
  const pl = field(report, 'platform');
  is(isObj(pl), 'platform');
  for (const k of ['xenVersion', 'commandLine', 'scheduler']) is(strOrNull(field(pl, k)), `platform.${k}`);
  for (const k of ['cpus', 'consoleRingKiB']) is(numOrNull(field(pl, k)), `platform.${k}`);
  for (const k of ['iommu', 'hap']) is(boolOrNull(field(pl, k)), `platform.${k}`);
  is([null, 'pv', 'pvh'].includes(field(pl, 'dom0Mode') as string), 'platform.dom0Mode');
  const captures = field(report, 'captures');
  is(Array.isArray(captures), 'captures');
  for (const [i, c] of (Array.isArray(captures) ? captures : []).entries()) {
    const at = `captures[${i}]`;
    const key = field(c, 'key');
    const text = field(c, 'text');
    const parsed = field(c, 'parsed');
    is(typeof key === 'string' && [...key].length === 1, `${at}.key`);
    is(strOrNull(field(c, 'description')), `${at}.description`);
    is(numOrNull(field(c, 'start')), `${at}.start`);
    is(num(field(c, 'lines')), `${at}.lines`);
    is(typeof text === 'string', `${at}.text`);
    if (typeof text === 'string')
      is(
        text === '' ? field(c, 'lines') === 0 : text.split('\n').length === field(c, 'lines'),
        `${at}.lines = text lines`,
      );
    is(parsed === null || isObj(parsed), `${at}.parsed`);
    if (isObj(parsed) && typeof key === 'string') p.push(...parsedProblems(key, parsed, at));
  }
  const events = field(report, 'events');
  is(Array.isArray(events), 'events');
  for (const [i, e] of (Array.isArray(events) ? events : []).entries()) {
    const at = `events[${i}]`;
    const message = field(e, 'message');
    is(EVENT_TYPES.includes(field(e, 'type') as string), `${at}.type`);
    is(numOrNull(field(e, 'cpu')), `${at}.cpu`);
    is(typeof message === 'string' && !message.startsWith('(XEN)'), `${at}.message`);
    is(strOrNull(field(e, 'target')), `${at}.target`);
    is(
      field(e, 'type') !== 'input-switch' || typeof field(e, 'target') === 'string',
      `${at}.target for a switch`,
    );
    const ct = field(e, 'callTrace');
    // dom0's kernel prints no addresses in its traces: there, and only there, the address is ''.
    const dom0Panic = typeof message === 'string' && /^Kernel panic - not syncing: /.test(message);
    is(
      ct === null ||
        (Array.isArray(ct) &&
          ct.every(
            (f) =>
              (hex(field(f, 'address')) || (field(f, 'address') === '' && dom0Panic)) &&
              strOrNull(field(f, 'symbol')),
          )),
      `${at}.callTrace`,
    );
  }
  return p;
}

function parsedProblems(key: string, v: Obj, at: string): string[] {
  const p: string[] = [];
  const is = (cond: boolean, what: string): void => void (cond || p.push(`${at}.parsed.${what}`));
  const arr = (x: unknown, what: string): unknown[] =>
    Array.isArray(x) ? x : (p.push(`${at}.parsed.${what}: not an array`), []);
  const f = field;
  switch (key) {
    case 'h':
      for (const h of arr(v['handlers'], 'handlers'))
        is(typeof f(h, 'key') === 'string' && typeof f(h, 'description') === 'string', 'handlers');
      break;
    case 'q':
      for (const d of arr(v['domains'], 'domains')) {
        is(num(f(d, 'id')) && numOrNull(f(d, 'nrPages')) && numOrNull(f(d, 'maxPages')), 'domains');
        for (const c of arr(f(d, 'vcpus'), 'domains.vcpus'))
          is(num(f(c, 'id')) && numOrNull(f(c, 'cpu')), 'domains.vcpus');
      }
      break;
    case 'u':
      for (const x of arr(v['nodes'], 'nodes'))
        is(num(f(x, 'id')) && numOrNull(f(x, 'sizePages')) && numOrNull(f(x, 'freePages')), 'nodes');
      for (const d of arr(v['domains'], 'domains'))
        is(num(f(d, 'id')) && numOrNull(f(d, 'totalPages')) && numbersOnly(f(d, 'pagesByNode')), 'domains');
      break;
    case 'r':
      is(strOrNull(v['scheduler']), 'scheduler');
      for (const c of arr(v['cpus'], 'cpus')) is(num(f(c, 'cpu')) && strOrNull(f(c, 'current')), 'cpus');
      break;
    case 'd':
      for (const c of arr(v['cpus'], 'cpus')) {
        is(
          num(f(c, 'cpu')) &&
            hexOrNull(f(c, 'rip')) &&
            strOrNull(f(c, 'symbol')) &&
            strOrNull(f(c, 'context')),
          'cpus',
        );
        for (const t of arr(f(c, 'callTrace'), 'cpus.callTrace'))
          is(hexOrNull(f(t, 'address')) && strOrNull(f(t, 'symbol')), 'cpus.callTrace');
      }
      break;
    case '0':
      for (const c of arr(v['vcpus'], 'vcpus'))
        is(num(f(c, 'vcpu')) && hexOrNull(f(c, 'rip')) && strOrNull(f(c, 'context')), 'vcpus');
      break;
    case 'm':
      is(numOrNull(v['domHeapFreeKiB']), 'domHeapFreeKiB');
      is(numbersOnly(v['heapFreeKiB']), 'heapFreeKiB');
      break;
  }
  return p;
}
