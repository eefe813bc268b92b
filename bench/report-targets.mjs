// issue 10's report targets, each beside its baseline in the same run (figures printed, never asserted):
// - peak RSS of `xenkeys report -o` in JSON, Markdown and HTML on the same SIZE MiB log (target: all
//   under 200 MB), beside `grep -c '(XEN)'` reading it;
// - one key section of KEY MiB and one line of LINE MiB (target: under 256 MB each);
// - a conserver-style log — mostly dom0 and guest lines, a few key dumps, built from the recordings —
//   in MB/s (target: 150) beside grep.

import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { need, timed } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin/xenkeys');
const MiB = 1024 * 1024;
const sizeMB = Number(process.env.XENKEYS_BENCH_REPORT_MB ?? 200);
// The sizes: a section past the parse window is parsed from the window and the rest of its
// text spilled to a file (src/report/text-rest.ts), so memory no longer grows with them.
const keyMB = Number(process.env.XENKEYS_BENCH_SECTION_MB ?? 500);
const lineMB = Number(process.env.XENKEYS_BENCH_LINE_MB ?? 100);
const conserverMB = Number(process.env.XENKEYS_BENCH_CONSERVER_MB ?? 200);

export async function benchReportTargets() {
  need('time');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-targets-'));
  try {
    const raws = recordings().map((p) => readFileSync(p));
    const inputs = {
      log: write(dir, 'repeated.log', sizeMB * MiB, (i) => raws[i % raws.length]),
      section: writeSection(dir, keyMB * MiB),
      line: write(dir, 'line.log', lineMB * MiB, (i, total) =>
        i === 0
          ? Buffer.from("(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n(XEN) ")
          : chunkOf('x', total),
      ),
      conserver: writeConserver(dir, conserverMB * MiB, raws),
    };
    const out = (ext) => path.join(dir, `report.${ext}`);
    const grep = (file) => ['sh', '-c', `grep -c '(XEN)' "${file}" > "${path.join(dir, 'count')}"`];
    const report = (file, ext) => [process.execPath, BIN, 'report', file, '-o', out(ext)];
    const runs = [
      { what: 'grep -c (XEN)', input: 'log', argv: grep(inputs.log), target: 'baseline' },
      {
        what: 'report -o .json',
        input: 'log',
        argv: report(inputs.log, 'json'),
        target: '≥ 60 MB/s, < 200 MB',
      },
      { what: 'report -o .md', input: 'log', argv: report(inputs.log, 'md'), target: '< 200 MB' },
      { what: 'report -o .html', input: 'log', argv: report(inputs.log, 'html'), target: '< 200 MB' },
      { what: 'one key section', input: 'section', argv: report(inputs.section, 'json'), target: '< 256 MB' },
      { what: 'one line', input: 'line', argv: report(inputs.line, 'json'), target: '< 256 MB' },
      { what: 'grep -c (XEN)', input: 'conserver', argv: grep(inputs.conserver), target: 'baseline' },
      {
        what: 'report -o .json',
        input: 'conserver',
        argv: report(inputs.conserver, 'json'),
        target: '≥ 150 MB/s',
      },
    ];
    const rows = [];
    for (const run of runs) {
      // The inputs and the last run's report are written back to disk first: a gigabyte of dirty
      // pages flushed by the kernel during a run is CPU taken from it on a two-core machine.
      for (const ext of ['json', 'md', 'html']) rmSync(out(ext), { force: true });
      spawnSync('sync');
      const started = performance.now();
      const r = await timed(run.argv);
      r.wall = Math.max(r.wall, (performance.now() - started) / 1000);
      const bytes = statSync(inputs[run.input]).size;
      rows.push({
        input: `${run.input} (${(bytes / MiB).toFixed(0)} MiB)`,
        run: run.what,
        'MB/s': (bytes / 1e6 / r.wall).toFixed(0),
        'wall s': r.wall.toFixed(2),
        'peak RSS MB': ((r.rssKiB * 1024) / 1e6).toFixed(0),
        target: run.target,
        exit: r.code,
      });
    }
    return {
      title: 'report targets (issue 10): memory for every format and input, conserver-style log',
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function recordings() {
  const dir = path.join(root, 'recordings');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name, 'session.raw'))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/** A file of `size` bytes or a little more, from part(i, bytesSoFar) in turn. */
function write(dir, name, size, part) {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  for (let total = 0, i = 0; total < size; i++) total += writeSync(fd, part(i, total));
  closeSync(fd);
  return file;
}

const chunks = new Map();
function chunkOf(ch) {
  if (!chunks.has(ch)) chunks.set(ch, Buffer.alloc(4 * MiB, ch));
  return chunks.get(ch);
}

/** One `q` section of `size` bytes: the smp8 recording's domain block, repeated under one header. */
function writeSection(dir, size) {
  const body = Buffer.from(
    Array.from(
      { length: 4096 },
      (_, i) => `(XEN)     VCPU${i % 64}: CPU${i % 8} [has=F] poll=0 upcall_pend=00 upcall_mask=00 \r\n`,
    ).join(''),
  );
  return write(dir, 'section.log', size, (i) =>
    i === 0
      ? Buffer.from(
          "(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n(XEN) General information for domain 0:\r\n",
        )
      : body,
  );
}

/**
 * Mostly dom0 and guest lines (every recording line not from Xen, round and round), and one whole
 * recording — boot log and key dumps — every 20 MiB: what a console server logs for months. A line
 * with Xen's prefix anywhere is Xen's: the recordings have key headers printed after dom0's prompt
 * (`/ # (XEN) 'h' pressed …`), which, repeated without their bodies, each opened a key section that
 * took in the dom0 lines after it (until this was excluded, two thirds of the "chatter" was in captures).
 */
function writeConserver(dir, size, raws) {
  const chatter = Buffer.from(
    raws
      .flatMap((r) => r.toString('latin1').split('\n'))
      .filter((l) => l !== '' && !l.includes('(XEN)'))
      .map((l) => `${l}\n`)
      .join(''),
    'latin1',
  );
  let next = 0;
  return write(dir, 'conserver.log', size, (i, total) => {
    if (total < next) return chatter;
    next += 20 * MiB;
    return raws[i % raws.length];
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await import('./lib.mjs');
  const { title, rows } = await benchReportTargets();
  console.log(`${title}\n\n${table(rows)}`);
}
