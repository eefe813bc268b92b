// What findings and symbols cost `xenkeys report`: the same 200 MiB log (the recordings' raw logs,
// repeated) reported on one thread without findings (XENKEYS_NO_FINDINGS=1, the baseline), with them,
// with them symbolised by the lab's xen-syms (one symboliser process per report, whatever the size), and
// `--findings` alone, all in the same run. Figures are printed, never asserted.
//
// On a shared machine one report's time swings with its neighbours' load, so each round brackets every
// run between two baseline runs (B A B F B S B O B) and compares its CPU time (user + system, the
// symboliser's included) with the mean of those two: a load that drifts within a round touches both
// sides. The per-round ratios are printed, and their median; A, the baseline again, shows the noise. XENKEYS_BENCH_ROUNDS,
// XENKEYS_BENCH_REPORT_MB and XENKEYS_BENCH_XEN_SYMS (default: the lab's,
// ~/.cache/xenkeys-lab/boot/xen-syms; its row is left out without it) change it.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { need, table, timed } from './lib.mjs';
import { recordingFiles, writeRepeated } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizeMB = Number(process.env.XENKEYS_BENCH_REPORT_MB ?? 200);
const rounds = Number(process.env.XENKEYS_BENCH_ROUNDS ?? 3);
const syms =
  process.env.XENKEYS_BENCH_XEN_SYMS ?? path.join(os.homedir(), '.cache/xenkeys-lab/boot/xen-syms');

export async function benchFindings() {
  return benchFindingsOf([{ name: '', bin: path.join(root, 'bin/xenkeys') }]);
}

/**
 * The same bench for several builds (`bin`: their bin/xenkeys) in one run, each against its own
 * baseline: an old build beside a new one, measured under the same load.
 */
export async function benchFindingsOf(builds) {
  need('time');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-findings-'));
  try {
    const log = path.join(dir, 'conserver.log');
    writeRepeated(log, recordingFiles('session.raw'), sizeMB * 1024 * 1024);
    const out = path.join(dir, 'report.json');
    const one = { XENKEYS_REPORT_WORKER: '0' };
    const plan = builds.map(({ name, bin }) => {
      const report = (...extra) => [process.execPath, bin, 'report', log, '-o', out, ...extra];
      const what = (w) => (name ? `${name}: ${w}` : w);
      return {
        baseline: {
          what: what('no findings (baseline), 1 thread'),
          argv: report('--no-xen-syms'),
          env: { ...one, XENKEYS_NO_FINDINGS: '1' },
        },
        runs: [
          // The baseline against itself: how far apart two runs of the same thing land here.
          {
            what: what('no findings again (A/A: the noise)'),
            argv: report('--no-xen-syms'),
            env: { ...one, XENKEYS_NO_FINDINGS: '1' },
          },
          { what: what('findings, 1 thread'), argv: report('--no-xen-syms'), env: one },
          ...(existsSync(syms)
            ? [{ what: what('findings + --xen-syms, 1 thread'), argv: report('--xen-syms', syms), env: one }]
            : []),
          { what: what('--findings only, 1 thread'), argv: report('--findings', '--no-xen-syms'), env: one },
        ],
      };
    });
    const seen = new Map();
    const note = (what, r, ratio) => {
      const s = seen.get(what) ?? { cpu: [], wall: [], rss: 0, ratios: [], wallRatios: [], codes: new Set() };
      s.cpu.push(cpuOf(r));
      s.wall.push(r.wall);
      s.rss = Math.max(s.rss, r.rssKiB);
      s.codes.add(r.code);
      if (ratio) {
        s.ratios.push(ratio.cpu);
        s.wallRatios.push(ratio.wall);
      }
      seen.set(what, s);
    };
    for (let round = 1; round <= rounds; round++) {
      for (const { baseline, runs } of plan) {
        let before = await timed(baseline.argv, { env: baseline.env });
        note(baseline.what, before);
        for (const run of runs) {
          const r = await timed(run.argv, { env: run.env });
          const after = await timed(baseline.argv, { env: baseline.env });
          note(baseline.what, after);
          const base = { cpu: (cpuOf(before) + cpuOf(after)) / 2, wall: (before.wall + after.wall) / 2 };
          note(run.what, r, { cpu: cpuOf(r) / base.cpu, wall: r.wall / base.wall });
          before = after;
        }
      }
    }
    const rows = [...seen].map(([what, s]) => ({
      run: what,
      'cpu s (median)': median(s.cpu).toFixed(2),
      'cpu s range': `${Math.min(...s.cpu).toFixed(2)}–${Math.max(...s.cpu).toFixed(2)}`,
      'wall s (median)': median(s.wall).toFixed(2),
      'peak RSS MiB': (s.rss / 1024).toFixed(0),
      '× baseline cpu, per round': s.ratios.length ? s.ratios.map((x) => x.toFixed(3)).join(' ') : '1',
      '× baseline cpu, median': s.ratios.length ? median(s.ratios).toFixed(3) : '1',
      '× baseline wall, median': s.wallRatios.length ? median(s.wallRatios).toFixed(3) : '1',
      exit: [...s.codes].join(' '),
    }));
    const bytes = statSync(log).size;
    const load = os.loadavg()[0].toFixed(1);
    return {
      title: `findings and symbols: ${(bytes / 1048576).toFixed(0)} MiB log of real Xen console output, ${rounds} rounds (each run between two baseline runs; load average ${load} at the end)`,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cpuOf = (r) => r.user + r.sys;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await benchFindings();
  console.log(`${title}\n\n${table(rows)}`);
}
