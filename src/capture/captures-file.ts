// DIR/captures.json: what `capture` collected, per key, with enough to find each capture again in
// the raw log (byte range) and the cast (times). Stable names; `schema` bumps on breaking change.

import type { KeyCapture } from '../console/key-runner.js';
import type { InputTarget } from '../console/input-target.js';

export interface CapturesDocument {
  schema: 'xenkeys.captures/1';
  tool: { name: 'xenkeys'; version: string };
  console: { transport: string; description: string; conswitch: string };
  startedAt: string;
  files: { cast: string; raw: string };
  input: { found: InputTarget; final: InputTarget; restored: boolean };
  outcome: { exitCode: number; error: string | null; interrupted: string | null };
  warnings: string[];
  captures: Array<KeyCapture & { complete: boolean }>;
}

export function capturesDocument(
  fields: Omit<CapturesDocument, 'schema' | 'captures'> & { captures: KeyCapture[] },
): CapturesDocument {
  return {
    schema: 'xenkeys.captures/1',
    ...fields,
    captures: fields.captures.map((c) => ({ ...c, complete: c.endReason === 'quiet' })),
  };
}
