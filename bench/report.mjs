// `xenkeys report` on a big log beside `grep -c '(XEN)'` reading the same file, in the same run: wall
// time, MB/s, CPU and peak RSS. The log is the recordings' raw logs (boot logs and every key's output,
// real Xen 4.17) repeated to SIZE MiB, as an engineer's conserver log would hold them; the cast is the
// recordings' casts strung together the same way. Figures are printed, never asserted.

import {
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
  closeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { need, table, timed } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizeMB = Number(process.env.XENKEYS_BENCH_REPORT_MB ?? 200);
const castMB = Number(process.env.XENKEYS_BENCH_REPORT_CAST_MB ?? 100);
const rounds = Number(process.env.XENKEYS_BENCH_ROUNDS ?? 3);
const BIN = path.join(root, 'bin/xenkeys');

export async function benchReport() {
  need('time');
  need('grep');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-report-'));
  try {
    const log = path.join(dir, 'conserver.log');
    const cast = path.join(dir, 'sessions.cast');
    writeRepeated(log, recordingFiles('session.raw'), sizeMB * 1024 * 1024);
    writeCast(cast, recordingFiles('session.cast'), castMB * 1024 * 1024);
    const out = path.join(dir, 'report.json');
    // GNU grep stops at the first match when its output is /dev/null: give it a file to count into.
    const grep = (file) => ['sh', '-c', `grep -c '(XEN)' "${file}" > "${path.join(dir, 'count')}"`];
    const runs = [
      { what: 'grep -c (XEN)', file: log, argv: grep(log), baseline: true },
      { what: 'xenkeys report', file: log, argv: [process.execPath, BIN, 'report', log, '-o', out] },
      {
        what: 'xenkeys report, 1 thread',
        file: log,
        argv: [process.execPath, BIN, 'report', log, '-o', out],
        env: { XENKEYS_REPORT_WORKER: '0' },
      },
      {
        what: 'xenkeys report > stdout',
        file: log,
        argv: ['sh', '-c', `"${process.execPath}" "${BIN}" report "${log}" > "${out}"`],
      },
      { what: 'grep -c (XEN) (cast)', file: cast, argv: grep(cast), baseline: true },
      { what: 'xenkeys report (cast)', file: cast, argv: [process.execPath, BIN, 'report', cast, '-o', out] },
    ];
    const rows = [];
    for (let round = 1; round <= rounds; round++) {
      let grepWall = null;
      for (const run of runs) {
        const started = performance.now();
        const r = await timed(run.argv, { env: run.env });
        // GNU time's wall clock has 10 ms steps, too coarse for grep: the spawn is timed here too.
        r.wall = Math.max(r.wall, (performance.now() - started) / 1000);
        const bytes = statSync(run.file).size;
        if (run.baseline) grepWall = r.wall;
        const wrote = run.baseline ? null : statSync(out, { throwIfNoEntry: false })?.size;
        rows.push({
          round,
          run: run.what,
          'input MiB': (bytes / 1048576).toFixed(0),
          'MB/s': (bytes / 1e6 / r.wall).toFixed(0),
          'wall s': r.wall.toFixed(3),
          'cpu s': (r.user + r.sys).toFixed(2),
          'peak RSS MiB': (r.rssKiB / 1024).toFixed(0),
          '× grep': grepWall ? (r.wall / grepWall).toFixed(1) : '',
          'report MiB': wrote === undefined || wrote === null ? '' : (wrote / 1048576).toFixed(0),
          exit: r.code,
        });
      }
    }
    return {
      title: `report: ${sizeMB} MiB log and ${castMB} MiB cast of real Xen console output (recordings/, repeated)`,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function recordingFiles(name) {
  const dir = path.join(root, 'recordings');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name, name))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** The files' bytes, one after another, round and round, to at least `size` bytes. */
export function writeRepeated(file, sources, size) {
  const parts = sources.map((p) => readFileSync(p));
  const fd = openSync(file, 'w');
  for (let total = 0, i = 0; total < size; i++) {
    const part = parts[i % parts.length];
    writeSync(fd, part);
    total += part.length;
  }
  closeSync(fd);
}

/** One v2 cast: the first file's header, then every file's events in turn, times running on. */
function writeCast(file, sources, size) {
  const casts = sources.map((p) => {
    const [header, ...lines] = readFileSync(p, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const events = lines.map((l) => {
      const comma = l.indexOf(',');
      return { t: Number(l.slice(1, comma)), rest: l.slice(comma) };
    });
    return { header, events, length: events.at(-1)?.t ?? 0 };
  });
  const fd = openSync(file, 'w');
  let total = writeSync(fd, `${casts[0].header}\n`);
  for (let i = 0, offset = 0; total < size; i++) {
    const cast = casts[i % casts.length];
    const text = cast.events.map((e) => `[${(e.t + offset).toFixed(6)}${e.rest}\n`).join('');
    total += writeSync(fd, text);
    offset += cast.length + 1;
  }
  closeSync(fd);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await benchReport();
  console.log(`${title}\n\n${table(rows)}`);
}
