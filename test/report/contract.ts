// Checks a report against the fixed part of report-contract.md (schema, required fields and their
// types, per-key `parsed` fields). Returns the problems found; an empty list means it honours it.

const HEX = /^[0-9a-f]+$/;

type Obj = Record<string, unknown>;

export function contractProblems(report: unknown): string[] {
  const p: string[] = [];
  const r = report as Obj;
  const is = (cond: boolean, what: string): void => void (cond || p.push(what));
  const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
  const numOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
  const boolOrNull = (v: unknown): boolean => v === null || typeof v === 'boolean';
  is(r['schema'] === 'xenkeys.report/1', 'schema');
  const source = r['source'] as Obj;
  is(['live', 'recording', 'log'].includes(source?.['kind'] as string), 'source.kind');
  is(strOrNull(source?.['name']), 'source.name');
  const pl = r['platform'] as Obj;
  for (const k of ['xenVersion', 'commandLine', 'scheduler']) is(strOrNull(pl?.[k]), `platform.${k}`);
  for (const k of ['cpus', 'consoleRingKiB']) is(numOrNull(pl?.[k]), `platform.${k}`);
  for (const k of ['iommu', 'hap']) is(boolOrNull(pl?.[k]), `platform.${k}`);
  is(
    pl?.['dom0Mode'] === null || pl?.['dom0Mode'] === 'pv' || pl?.['dom0Mode'] === 'pvh',
    'platform.dom0Mode',
  );
  is(Array.isArray(r['captures']), 'captures');
  for (const [i, c] of ((r['captures'] as Obj[]) ?? []).entries()) {
    const at = `captures[${i}]`;
    is(typeof c['key'] === 'string' && [...(c['key'] as string)].length === 1, `${at}.key`);
    is(strOrNull(c['description']), `${at}.description`);
    is(numOrNull(c['start']), `${at}.start`);
    is(typeof c['lines'] === 'number', `${at}.lines`);
    is(typeof c['text'] === 'string', `${at}.text`);
    is(
      c['text'] === '' ? c['lines'] === 0 : (c['text'] as string).split('\n').length === c['lines'],
      `${at}.lines = text lines`,
    );
    is(c['parsed'] === null || typeof c['parsed'] === 'object', `${at}.parsed`);
    if (c['parsed']) p.push(...parsedProblems(c['key'] as string, c['parsed'] as Obj, at));
  }
  is(Array.isArray(r['events']), 'events');
  const types = [
    'panic',
    'fatal-trap',
    'assertion',
    'dom0-crash',
    'watchdog',
    'messages-suppressed',
    'input-switch',
  ];
  for (const [i, e] of ((r['events'] as Obj[]) ?? []).entries()) {
    const at = `events[${i}]`;
    is(types.includes(e['type'] as string), `${at}.type`);
    is(numOrNull(e['cpu']), `${at}.cpu`);
    is(typeof e['message'] === 'string' && !(e['message'] as string).startsWith('(XEN)'), `${at}.message`);
    is(strOrNull(e['target']), `${at}.target`);
    is(e['type'] !== 'input-switch' || typeof e['target'] === 'string', `${at}.target for a switch`);
    const ct = e['callTrace'];
    is(
      ct === null ||
        (Array.isArray(ct) &&
          ct.every(
            (f: Obj) =>
              // dom0's kernel prints no addresses in its traces: there, and only there, the address is ''.
              (HEX.test(f['address'] as string) ||
                (f['address'] === '' && /^Kernel panic - not syncing: /.test(e['message'] as string))) &&
              strOrNull(f['symbol']),
          )),
      `${at}.callTrace`,
    );
  }
  return p;
}

function parsedProblems(key: string, v: Obj, at: string): string[] {
  const p: string[] = [];
  const is = (cond: boolean, what: string): void => void (cond || p.push(`${at}.parsed.${what}`));
  const n = (x: unknown): boolean => x === null || typeof x === 'number';
  const s = (x: unknown): boolean => x === null || typeof x === 'string';
  const hex = (x: unknown): boolean => x === null || (typeof x === 'string' && HEX.test(x));
  const arr = (x: unknown): Obj[] =>
    Array.isArray(x) ? (x as Obj[]) : (p.push(`${at}.parsed: not an array`), []);
  switch (key) {
    case 'h':
      for (const h of arr(v['handlers']))
        is(typeof h['key'] === 'string' && typeof h['description'] === 'string', 'handlers');
      break;
    case 'q':
      for (const d of arr(v['domains'])) {
        is(typeof d['id'] === 'number' && n(d['nrPages']) && n(d['maxPages']), 'domains');
        for (const c of arr(d['vcpus'])) is(typeof c['id'] === 'number' && n(c['cpu']), 'domains.vcpus');
      }
      break;
    case 'u':
      for (const x of arr(v['nodes']))
        is(typeof x['id'] === 'number' && n(x['sizePages']) && n(x['freePages']), 'nodes');
      for (const d of arr(v['domains'])) {
        const byNode = d['pagesByNode'] as Obj;
        is(
          typeof d['id'] === 'number' &&
            n(d['totalPages']) &&
            Object.values(byNode).every((x) => typeof x === 'number'),
          'domains',
        );
      }
      break;
    case 'r':
      is(s(v['scheduler']), 'scheduler');
      for (const c of arr(v['cpus'])) is(typeof c['cpu'] === 'number' && s(c['current']), 'cpus');
      break;
    case 'd':
      for (const c of arr(v['cpus'])) {
        is(typeof c['cpu'] === 'number' && hex(c['rip']) && s(c['symbol']) && s(c['context']), 'cpus');
        for (const f of arr(c['callTrace'])) is(hex(f['address']) && s(f['symbol']), 'cpus.callTrace');
      }
      break;
    case '0':
      for (const c of arr(v['vcpus']))
        is(typeof c['vcpu'] === 'number' && hex(c['rip']) && s(c['context']), 'vcpus');
      break;
    case 'm':
      is(n(v['domHeapFreeKiB']), 'domHeapFreeKiB');
      is(
        Object.values(v['heapFreeKiB'] as Obj).every((x) => typeof x === 'number'),
        'heapFreeKiB',
      );
      break;
  }
  return p;
}
