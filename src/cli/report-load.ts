// One input of `xenkeys diff` as a Report: a report.json (the contract document, read back as it was
// written) or anything `xenkeys report` reads (a cast, a raw log, plain text, `-`), built on the fly.
// A capture's folder gives its report.json, or its session when it was written without one.

import { open, readFile } from 'node:fs/promises';
import { XenkeysError } from '../core/errors.js';
import { contractProblems } from '../report/contract-check.js';
import { REPORT_SCHEMA, type Report } from '../report/model.js';
import { reportFromInputs } from './report-input.js';
import { reportFileOf } from './session-folder.js';

const SNIFF = 4096;
/** A report document opens `{` with its schema near the top; a cast opens with its own header object. */
const SCHEMA = /^\s*\{[\s\S]*?"schema"\s*:\s*"xenkeys\.report\//;

export async function loadReport(given: string, stdin?: NodeJS.ReadableStream): Promise<Report> {
  const input = await reportFileOf(given);
  if (input !== '-' && (await looksLikeReport(input))) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(input, 'utf8'));
    } catch (error) {
      throw new XenkeysError('bad-input', `${input} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const schema = (doc as { schema?: unknown } | null)?.schema;
    if (schema !== REPORT_SCHEMA)
      throw new XenkeysError(
        'bad-input',
        `${input} is a report of schema ${String(schema)}; this xenkeys reads ${REPORT_SCHEMA}`,
      );
    // Read back from anywhere (another version, an edit, a cut copy): checked before it is compared.
    const problems = contractProblems(doc);
    if (problems.length > 0)
      throw new XenkeysError(
        'bad-input',
        `${input} does not hold a whole ${REPORT_SCHEMA} report: ${problems.slice(0, 3).join(', ')}` +
          (problems.length > 3 ? ` and ${problems.length - 3} more` : ''),
        {
          hint: 'Give the report.json xenkeys wrote, or the session it was made from (its folder, .cast or .raw).',
        },
      );
    return doc as Report;
  }
  return reportFromInputs([input], stdin);
}

async function looksLikeReport(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new XenkeysError('bad-input', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(SNIFF);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF, 0);
    return SCHEMA.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}
