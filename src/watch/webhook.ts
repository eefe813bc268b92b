// `--webhook URL`: each incident written is POSTed as one JSON object. The URL itself is never
// printed (it may carry a token); a failed post is an event, and the watch carries on.

import type { IncidentSummary } from './watched-console.js';

export async function postIncident(
  url: string,
  summary: IncidentSummary & { time: string },
  timeoutMs = 10_000,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'xenkeys-watch' },
    body: JSON.stringify({ type: 'incident', ...summary }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
}

/** The URL without its credentials or query, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the webhook';
  }
}
