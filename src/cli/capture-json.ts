// `capture --json`: one JSON object on stdout for scripts — captures.json's summary (every field but
// the captured text, which stays in the files) and the absolute paths of what was written.

import path from 'node:path';
import type { CapturesDocument } from '../capture/captures-file.js';

export interface CaptureJson {
  schema: 'xenkeys.capture-result/1';
  /** The session folder, absolute; null when nothing was kept (the connect failed). */
  dir: string | null;
  /** Absolute paths of the files written, by role; a role missing was not written. */
  paths: Partial<Record<'cast' | 'raw' | 'captures' | 'reportJson' | 'reportMarkdown', string>>;
  exitCode: number;
  summary: Omit<CapturesDocument, 'captures'> & {
    captures: Array<Omit<CapturesDocument['captures'][number], 'text'>>;
  };
}

const ROLES: Record<string, keyof CaptureJson['paths']> = {
  'session.cast': 'cast',
  'session.raw': 'raw',
  'captures.json': 'captures',
  'report.json': 'reportJson',
  'report.md': 'reportMarkdown',
};

export function captureJson(
  doc: CapturesDocument,
  dir: string | null,
  written: readonly string[],
): CaptureJson {
  const paths: CaptureJson['paths'] = {};
  if (dir !== null) {
    for (const name of written) {
      const role = ROLES[name];
      if (role) paths[role] = path.join(dir, name);
    }
  }
  const captures = doc.captures.map((c) => {
    const { text: _text, ...rest } = c as typeof c & { text?: string };
    return rest;
  });
  return {
    schema: 'xenkeys.capture-result/1',
    dir,
    paths,
    exitCode: doc.outcome.exitCode,
    summary: { ...doc, captures },
  };
}
