// `xenkeys report FILE…`: turn recordings (.cast), raw logs, plain text or stdin (`-`) into the report
// document (report-contract.md), rendered by a named renderer (json, md, html), to stdout or -o OUT.
// Several files are read as one log, in order (a rotated conserver log, say).

import { InvalidArgumentError } from 'commander';
import { XenkeysError } from '../../core/errors.js';
import type { FindingsDigest } from '../../report/findings/digest.js';
import { renderFindingsText } from '../../report/findings/render.js';
import type { Report } from '../../report/model.js';
import {
  getRenderer,
  isBuiltIn,
  rendererNames,
  type Renderer,
  type ReportStreamRenderer,
} from '../../report/renderers.js';
import { streamOf } from '../../capture/report-stream.js';
import { openTextSpill } from '../../capture/text-spill.js';
import type { CommandContext } from '../command-context.js';
import { EXIT, SIGNAL_EXIT } from '../exit-codes.js';
import { isAbort, trapSignals } from '../signals.js';
import { refuseOutputOverInput } from '../output-guard.js';
import { reportFromInputs } from '../report-input.js';
import { canUseWorker, startReportPipe } from '../../capture/report-pipe.js';
import type { WorkerInit } from '../../capture/report-worker.js';
import { writeBundle } from '../bundle.js';
import { loadDom0Map, nameDom0Frames } from '../dom0-map.js';
import { SYMS_DIRS, startSymbols, symbolise, type SymsOptions } from '../xen-syms.js';
import {
  fileOutput,
  streamOutput,
  writeChunksAtomically,
  writeChunksToStdout,
} from '../../capture/report-output.js';

interface ReportFlags {
  format: string;
  output?: string;
  /** Print only the findings, as text. */
  findings?: boolean;
  /** --xen-syms FILE, or false for --no-xen-syms; unset: look for a matching one. */
  xenSyms?: string | false;
  /** dom0's System.map or vmlinux, to name its guest frames. */
  dom0Map?: string;
  /** Write a mail-ready bug-report folder here (text + raw log copies) instead of a report. */
  bundle?: string;
}

function formatOption(value: string): string {
  if (!getRenderer(value)) throw new InvalidArgumentError(`formats: ${rendererNames().join(', ')}.`);
  return value;
}

export function register({ program, exit, reportError }: CommandContext): void {
  program
    .command('report')
    .argument('<files...>', 'recordings (.cast), raw logs, plain text (xl dmesg, a pasted log); - for stdin')
    .description('parse captured Xen console output into a structured report')
    .option(
      '--format <name>',
      `output format: ${rendererNames().join(', ')} (default: json, or what -o's extension names)`,
      formatOption,
    )
    .option('-o, --output <file>', 'write the report here instead of stdout')
    .option('--findings', 'print only the findings (what is wrong, ranked), as text')
    .option(
      '--xen-syms <file>',
      `resolve Xen addresses with this xen-syms (build id checked); default: a matching one in ${SYMS_DIRS.join(' or ')}`,
    )
    .option('--no-xen-syms', 'do not look for a xen-syms file')
    .option(
      '--dom0-map <file>',
      "name dom0's guest frames (`0` and `d` dumps) with its kernel's System.map or vmlinux",
    )
    .option(
      '--bundle <dir>',
      'write a bug-report folder: xen-report.txt (plain text for a mail) and the raw log',
    )
    .action(async (files: string[], flags: Partial<ReportFlags>) => {
      // Ctrl-C stops the reading; the half-written report's temp file and the spill are removed. A
      // second one does not wait for that.
      const signals = trapSignals((name, count) => {
        if (count > 1) process.exit(SIGNAL_EXIT[name as keyof typeof SIGNAL_EXIT]);
      });
      try {
        const format = flags.format ?? formatOfFile(flags.output);
        exit(await runReport(files, { ...flags, format }, { signal: signals.signal }));
      } catch (error) {
        if (signals.received && isAbort(error)) {
          process.stderr.write(`xenkeys: ${signals.received}: stopped; no report written\n`);
          exit(SIGNAL_EXIT[signals.received as keyof typeof SIGNAL_EXIT]);
        } else exit(reportError(error));
      } finally {
        signals.dispose();
      }
    });
}

/** `-o r.html` means HTML: a renderer whose extension the file has, else the contract's JSON. */
function formatOfFile(file: string | undefined): string {
  const ext = file === undefined ? '' : (/\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase() ?? '');
  return rendererNames().find((n) => getRenderer(n)?.extension === ext) ?? 'json';
}

export async function runReport(
  files: readonly string[],
  flags: ReportFlags,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream; signal?: AbortSignal } = {},
): Promise<number> {
  const renderer = getRenderer(flags.format);
  if (!renderer) throw new InvalidArgumentError(`unknown format ${flags.format}`);
  refuseOutputOverInput(flags.output, files);
  const stdin = io.stdin ?? process.stdin;
  const dom0Map = flags.dom0Map === undefined ? null : await loadDom0Map(flags.dom0Map);
  const symsOptions: SymsOptions = { file: flags.xenSyms, warn: (m) => process.stderr.write(`${m}\n`) };
  const named = (report: Report, digest: FindingsDigest | null): void => {
    if (dom0Map) nameDom0Frames(report, digest, dom0Map);
  };
  // Benchmarks only: the baseline a report's findings and symbols are measured against.
  const findings = process.env['XENKEYS_NO_FINDINGS'] !== '1';
  if (flags.bundle !== undefined) {
    if (flags.output !== undefined || flags.findings)
      throw new XenkeysError('usage', '--bundle writes its own files (xen-report.txt and the raw log)', {
        hint: 'Drop -o/--findings, or make the report in a second run.',
      });
    const syms = async (report: Report, digest: FindingsDigest | null): Promise<void> => {
      await symbolise(report, digest, symsOptions);
      named(report, digest);
    };
    const done = await writeBundle(flags.bundle, files, stdin, syms);
    process.stderr.write(`xenkeys: bug-report bundle in ${done.dir}: ${done.files.join(', ')}\n`);
    return EXIT.ok;
  }
  // The symboliser starts on the dumps' addresses while the input is still being read.
  const symbols = startSymbols(symsOptions);
  try {
    return await reportWithSymbols(
      files,
      flags,
      { ...io, stdin },
      {
        renderer,
        findings,
        ...(io.signal ? { signal: io.signal } : {}),
        onXenAddress: (a) => symbols.add(a),
        syms: async (report, digest) => {
          await symbols.finish(report, digest);
          named(report, digest);
        },
      },
    );
  } finally {
    symbols.stop();
  }
}

interface Run {
  renderer: Renderer;
  /** false: the benchmark's baseline, no findings. */
  findings: boolean;
  /** Ctrl-C: reading stops, and what was written so far is removed (temp file, spill). */
  signal?: AbortSignal;
  onXenAddress: (address: string) => void;
  /** The report is read: symbolise it (and name dom0's frames) from the digest its findings came from. */
  syms: (report: Report, digest: FindingsDigest | null) => Promise<void>;
}

async function reportWithSymbols(
  files: readonly string[],
  flags: ReportFlags,
  io: { stdin: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream },
  { renderer, findings, signal, onXenAddress, syms: symsOf }: Run,
): Promise<number> {
  const stdin = io.stdin;
  let digest: FindingsDigest | null = null;
  const onDigest = (d: FindingsDigest): void => void (digest = d);
  const syms = (report: Report): Promise<void> => symsOf(report, digest);
  if (flags.findings) {
    // Captures stream past (kept only as the findings' digest): a huge log costs no more than a report.
    const spill = openTextSpill();
    const report = await reportFromInputs(files, stdin, {
      onCapture: () => undefined,
      spill,
      findings,
      signal,
      onXenAddress,
      onDigest,
    }).finally(() => spill.dispose());
    await syms(report);
    const text = renderFindingsText(report.findings);
    if (flags.output !== undefined && flags.output !== '-') await writeChunksAtomically(flags.output, [text]);
    else await writeChunksToStdout(io.stdout ?? process.stdout, [text]);
    return EXIT.ok;
  }
  if (!renderer.stream && !renderer.spooled) {
    // Renderers that need the whole report (a summary up front, say) get it whole.
    const whole = await reportFromInputs(files, stdin, { findings, signal, onXenAddress, onDigest });
    await syms(whole);
    const chunks = renderer.render(whole);
    if (flags.output !== undefined && flags.output !== '-') await writeChunksAtomically(flags.output, chunks);
    else await writeChunksToStdout(io.stdout ?? process.stdout, chunks);
    return EXIT.ok;
  }
  const toFile = flags.output !== undefined && flags.output !== '-';
  if (toFile && canUseWorker() && isBuiltIn(flags.format)) {
    const init = {
      outputs: [{ path: flags.output as string, format: flags.format, replace: true }],
      findings,
    };
    await reportOnTwoThreads(files, stdin, init, { signal, onXenAddress, syms: symsOf });
    return EXIT.ok;
  }
  const out = toFile ? await fileOutput(flags.output as string) : streamOutput(io.stdout ?? process.stdout);
  const spooled = streamOf(renderer);
  const spill = openTextSpill();
  try {
    // Captures are written (or put aside) as they complete and then forgotten; the rest follows at the end.
    let stream: ReportStreamRenderer | null = null;
    const report = await reportFromInputs(files, stdin, {
      onCapture: (capture, source) => out.writeAll((stream ??= spooled.start(() => source)).capture(capture)),
      pause: () => out.flush(),
      spill,
      findings,
      signal,
      onXenAddress,
      onDigest,
    });
    await syms(report);
    // After the captures' pieces, which stdout may not have taken yet: in order, as it drains.
    out.writeAll((stream ??= spooled.start(() => report.source)).end(report));
    await out.close();
  } catch (error) {
    await out.abort();
    throw error;
  } finally {
    spooled.dispose();
    spill.dispose();
  }
  return EXIT.ok;
}

/**
 * Reading on this thread, parsing and writing on a worker (report-pipe.ts): a second core takes half the
 * work of a big log. Same report, same file, as the one-thread path.
 */
async function reportOnTwoThreads(
  files: readonly string[],
  stdin: NodeJS.ReadableStream,
  init: WorkerInit,
  { signal, onXenAddress, syms }: Pick<Run, 'signal' | 'onXenAddress' | 'syms'>,
): Promise<void> {
  const pipe = startReportPipe(init, onXenAddress);
  // Written here, read by the worker (by each capture's own file and range) before pipe.end resolves.
  const spill = openTextSpill();
  try {
    let digest: FindingsDigest | null = null;
    const report = await reportFromInputs(files, stdin, {
      drafts: { onDraft: (draft, source) => pipe.draft(draft, source), drafted: () => pipe.drafted() },
      pause: () => pipe.pause(),
      spill,
      findings: init.findings,
      signal,
      onDigest: (d) => (digest = d),
    });
    await syms(report, digest);
    await pipe.end(report);
  } catch (error) {
    await pipe.abort();
    throw error;
  } finally {
    spill.dispose();
  }
}
