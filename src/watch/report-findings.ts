// How many findings an incident's report holds, for the event line and the webhook.

import { readFileSync } from 'node:fs';

export function countFindings(reportJson: string): number {
  try {
    const report = JSON.parse(readFileSync(reportJson, 'utf8')) as { findings?: unknown };
    return Array.isArray(report.findings) ? report.findings.length : 0;
  } catch {
    return 0;
  }
}
