// Console text quoted in our own lines (the capture summary, progress and warnings, error messages)
// reaches the user's terminal spelled out, never as controls the terminal would act on.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KeyCapture } from '../../src/console/key-runner.js';
import { terminalText } from '../../src/core/text-controls.js';
import { createProgress } from '../../src/capture/progress.js';
import { printCaptureSummary } from '../../src/cli/summary.js';

// eslint-disable-next-line no-control-regex
const ACTIVE = /[\x1b\x07\u009b\u202e\r]/;
const HOSTILE = 'dump \x1b]52;c;ZXZpbA==\x07info\x1b[6n \u009b6n \u202eexe.txt\r';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('console text in our own lines', () => {
  it('spells out controls and bidi characters; keeps tabs and newlines', () => {
    expect(terminalText(HOSTILE)).toBe(
      'dump \\x1b]52;c;ZXZpbA==\\x07info\\x1b[6n \\x9b6n \\u202eexe.txt\\x0d',
    );
    expect(terminalText('a\tb\nc')).toBe('a\tb\nc');
  });

  it('the capture summary shows a hostile key description spelled out', () => {
    const out = collect();
    const capture = {
      key: 'q',
      description: HOSTILE,
      lines: 1,
      bytes: 1,
      start: 0,
      end: 1,
      endReason: 'quiet',
    } as unknown as KeyCapture;
    printCaptureSummary(out.stream, [capture], { outDir: '/tmp/x', files: ['session.cast'] });
    expect(out.text()).not.toMatch(ACTIVE);
    expect(out.text()).toContain('\\x1b]52');
  });

  it('progress and warnings do too', async () => {
    const out = collect();
    const progress = await createProgress('always', out.stream as unknown as NodeJS.WriteStream);
    progress.warn(`held back input: ${HOSTILE}`);
    progress.step(HOSTILE);
    expect(out.text()).not.toMatch(ACTIVE);
    expect(out.text()).toContain('xenkeys: warning: held back input: dump \\x1b]52');
  });
});
