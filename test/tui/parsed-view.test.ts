import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import { parsedCaptureView } from '../../src/tui/parsed-view.js';
import { formatView } from '../../src/tui/report-view.js';

const doc = JSON.parse(
  readFileSync(new URL('../../recordings/xen-4.17-boot-and-keys/captures.json', import.meta.url), 'utf8'),
) as CapturesDocument;
const view = (key: string) =>
  formatView(parsedCaptureView(doc.captures.find((c) => c.key === key)!), 100).join('\n');

describe('the side panel on real captures', () => {
  it("shows q's domains with each vCPU's pCPU", () => {
    expect(view('q')).toMatch(/domains \(1; vCPU→pCPU, \* running\)\nd0\s+196608 pages\s+v0→\d\*? v1→\d/);
  });

  it('shows what each CPU runs for r, and where each CPU was for d', () => {
    expect(view('r')).toMatch(/run queues \(credit2\)\nCPU0\s+d\[IDLE\]v0/);
    expect(view('d')).toMatch(/CPUs \(2\)\nCPU0\s+\S+\s+\S*default_idle/);
  });

  it('puts what the findings say is wrong on top, and nothing when nothing is', () => {
    expect(view('w')).toMatch(
      /^key w: .*\n\n▸ findings\nWARNING\s+The console ring wrapped: w replays only its last 315 lines/,
    );
    // A calm `q` (its domains are the section below) and `m`: no findings section at all.
    expect(view('q')).not.toContain('▸ findings');
    expect(view('m')).not.toContain('▸ findings');
  });

  it('keeps the counts and first lines under the parsed view', () => {
    expect(view('m')).toMatch(/▸ memory\nDom heap free\s+\d+ MiB/);
    expect(view('m')).toContain('▸ first lines');
    expect(view('t')).toContain('▸ capture');
  });
});
