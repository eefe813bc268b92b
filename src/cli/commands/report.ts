// `xenkeys report FILE…`: turn recordings (.cast), raw logs, plain text or stdin (`-`) into the report
// document (report-contract.md), rendered by a named renderer (json today), to stdout or -o OUT.
// Several files are read as one log, in order (a rotated conserver log, say).

import { InvalidArgumentError } from 'commander';
import { getRenderer, rendererNames } from '../../report/renderers.js';
import type { CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { reportFromInputs } from '../report-input.js';
import { writeChunksAtomically, writeChunksToStdout } from '../report-output.js';

interface ReportFlags {
  format: string;
  output?: string;
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
    .option('--format <name>', `output format: ${rendererNames().join(', ')}`, formatOption, 'json')
    .option('-o, --output <file>', 'write the report here instead of stdout')
    .action(async (files: string[], flags: ReportFlags) => {
      try {
        exit(await runReport(files, flags));
      } catch (error) {
        exit(reportError(error));
      }
    });
}

export async function runReport(
  files: readonly string[],
  flags: ReportFlags,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {},
): Promise<number> {
  const renderer = getRenderer(flags.format);
  if (!renderer) throw new InvalidArgumentError(`unknown format ${flags.format}`);
  const report = await reportFromInputs(files, io.stdin ?? process.stdin);
  const chunks = renderer.render(report);
  if (flags.output !== undefined && flags.output !== '-') await writeChunksAtomically(flags.output, chunks);
  else await writeChunksToStdout(io.stdout ?? process.stdout, chunks);
  return EXIT.ok;
}
