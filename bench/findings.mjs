// What findings and symbols cost `xenkeys report`: the same 200 MiB log (the recordings' raw logs,
// repeated) reported on one thread without findings (XENKEYS_NO_FINDINGS=1, the baseline), with them,
// and with them symbolised by the lab's xen-syms (one symboliser process per report, whatever the
// size), all in the same run. Figures are printed, never asserted. XENKEYS_BENCH_XEN_SYMS names the
// xen-syms (default: the lab's, ~/.cache/xenkeys-lab/boot/xen-syms; the row is left out without it).

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { need, table, timed } from './lib.mjs';
import { recordingFiles, writeRepeated } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizeMB = Number(process.env.XENKEYS_BENCH_REPORT_MB ?? 200);
const rounds = Number(process.env.XENKEYS_BENCH_ROUNDS ?? 3);
const BIN = path.join(root, 'bin/xenkeys');
const syms =
  process.env.XENKEYS_BENCH_XEN_SYMS ?? path.join(os.homedir(), '.cache/xenkeys-lab/boot/xen-syms');

export async function benchFindings() {
  need('time');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-findings-'));
  try {
    const log = path.join(dir, 'conserver.log');
    writeRepeated(log, recordingFiles('session.raw'), sizeMB * 1024 * 1024);
    const out = path.join(dir, 'report.json');
    const report = (...extra) => [process.execPath, BIN, 'report', log, '-o', out, ...extra];
    const one = { XENKEYS_REPORT_WORKER: '0' };
    const runs = [
      {
        what: 'no findings (baseline), 1 thread',
        argv: report('--no-xen-syms'),
        env: { ...one, XENKEYS_NO_FINDINGS: '1' },
        baseline: true,
      },
      { what: 'findings, 1 thread', argv: report('--no-xen-syms'), env: one },
      ...(existsSync(syms)
        ? [{ what: 'findings + --xen-syms, 1 thread', argv: report('--xen-syms', syms), env: one }]
        : []),
      {
        what: 'findings, --findings only',
        argv: [process.execPath, BIN, 'report', log, '--findings', '--no-xen-syms', '-o', out],
        env: one,
      },
    ];
    const rows = [];
    for (let round = 1; round <= rounds; round++) {
      let base = null;
      for (const run of runs) {
        const r = await timed(run.argv, { env: run.env });
        if (run.baseline) base = r;
        rows.push({
          round,
          run: run.what,
          'wall s': r.wall.toFixed(2),
          'cpu s': (r.user + r.sys).toFixed(2),
          'peak RSS MiB': (r.rssKiB / 1024).toFixed(0),
          '× baseline (cpu)': base ? ((r.user + r.sys) / (base.user + base.sys)).toFixed(3) : '',
          '× baseline (wall)': base ? (r.wall / base.wall).toFixed(3) : '',
          exit: r.code,
        });
      }
    }
    const bytes = statSync(log).size;
    return {
      title: `findings and symbols: ${(bytes / 1048576).toFixed(0)} MiB log of real Xen console output, ${rounds} rounds`,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await benchFindings();
  console.log(`${title}\n\n${table(rows)}`);
}
