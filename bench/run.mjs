// Runs every benchmark and prints its figures side by side with its baseline (see the README's
// "Performance" section for the numbers on the reference machine). Nothing is asserted.

import { benchCaptureBigKey } from './capture-big-key.mjs';
import { benchCaptureTcp } from './capture-tcp.mjs';
import { benchFindings } from './findings.mjs';
import { benchReport } from './report.mjs';
import { benchReportTargets } from './report-targets.mjs';
import { benchTuiBurst, benchTuiLatency } from './tui.mjs';
import { benchWatchFleet } from './watch-fleet.mjs';
import { table } from './lib.mjs';

const benches = [
  benchCaptureTcp,
  benchCaptureBigKey,
  benchTuiBurst,
  benchTuiLatency,
  benchReport,
  benchReportTargets,
  benchFindings,
  benchWatchFleet,
];
for (const bench of benches) {
  const { title, rows } = await bench();
  console.log(`\n## ${title}\n\n${table(rows)}\n`);
}
