// `xenkeys diff A [B]`: what changed between two reports (report.json files, or recordings and logs
// turned into reports on the fly), or with one input, between the first and last dumps within it.
// Human text by default; --format md or json. The comparing itself is pure: report/diff.ts.

import { InvalidArgumentError } from 'commander';
import { jsonTerminalSafe } from '../../core/text-controls.js';
import { diffReports } from '../../report/diff.js';
import { renderDiffMarkdown, renderDiffText } from '../../report/diff-render.js';
import type { CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { refuseOutputOverInput } from '../output-guard.js';
import { loadReport } from '../report-load.js';
import { writeChunksAtomically, writeChunksToStdout } from '../../capture/report-output.js';

const FORMATS = ['text', 'md', 'json'] as const;
type DiffFormat = (typeof FORMATS)[number];

interface DiffFlags {
  format: DiffFormat;
  output?: string;
}

function formatOption(value: string): DiffFormat {
  if (!(FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`formats: ${FORMATS.join(', ')}.`);
  return value as DiffFormat;
}

export function register({ program, exit, reportError }: CommandContext): void {
  program
    .command('diff')
    .argument(
      '<a>',
      'the earlier report: report.json, a capture folder, a recording (.cast), a raw log or text; - for stdin',
    )
    .argument('[b]', 'the later one; without it, the first and last dumps within A are compared')
    .description('compare two reports: domains, memory, vCPUs stuck on one pCPU, CPUs whose RIP did not move')
    .option('--format <name>', `output format: ${FORMATS.join(', ')}`, formatOption, 'text')
    .option('-o, --output <file>', 'write the comparison here instead of stdout')
    .action(async (a: string, b: string | undefined, flags: DiffFlags) => {
      try {
        exit(await runDiff(a, b ?? null, flags));
      } catch (error) {
        exit(reportError(error));
      }
    });
}

export async function runDiff(
  a: string,
  b: string | null,
  flags: DiffFlags,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {},
): Promise<number> {
  if (a === '-' && b === '-') throw new InvalidArgumentError('only one of A and B can be stdin (-)');
  refuseOutputOverInput(flags.output, b === null ? [a] : [a, b]);
  const ra = await loadReport(a, io.stdin);
  const rb = b === null ? null : await loadReport(b, io.stdin);
  const diff = diffReports(ra, rb, { a, ...(b === null ? {} : { b }) });
  const text =
    flags.format === 'json'
      ? `${jsonTerminalSafe(JSON.stringify(diff, null, 2))}\n`
      : flags.format === 'md'
        ? renderDiffMarkdown(diff)
        : renderDiffText(diff);
  if (flags.output !== undefined && flags.output !== '-') await writeChunksAtomically(flags.output, [text]);
  else await writeChunksToStdout(io.stdout ?? process.stdout, [text]);
  return EXIT.ok;
}
