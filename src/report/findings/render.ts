// Findings as text (`xenkeys report --findings`), Markdown and HTML. Headlines mark code with backticks;
// every piece of console text in them is shown, never obeyed (controls made visible, HTML escaped).

import { esc } from '../html/escape.js';
import { mdCode, mdFence, mdText } from '../markdown.js';
import { showControls } from '../view-model.js';
import { frameLine } from './frames.js';
import type { Evidence, Finding, Severity } from './model.js';

const LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  error: 'ERROR',
  warning: 'WARNING',
  info: 'INFO',
  advice: 'ADVICE',
};

export function evidenceText(e: Evidence): string {
  const where =
    e.capture === null
      ? e.line === null
        ? ''
        : `input line ${e.line}`
      : `capture #${e.capture + 1}${e.key ? ` (${e.key})` : ''}${e.line === null ? '' : ` line ${e.line}`}`;
  return `${where}${where ? ': ' : ''}${e.text}`;
}

/** The lines of one finding, plain text (console text with its controls made visible). */
export function findingLines(f: Finding): string[] {
  const out = [`${LABEL[f.severity]}  ${f.headline}`];
  for (const d of f.detail) out.push(`    ${d}`);
  if (f.rip && f.trace[0]?.address !== f.rip.address) out.push(`    RIP ${frameLine(f.rip)}`);
  if (f.trace.length) out.push('    Call trace:', ...f.trace.map((t) => `      ${frameLine(t)}`));
  for (const e of f.evidence) out.push(`    evidence: ${evidenceText(e)}`);
  if (f.next) out.push(`    next: press ${f.next.key} — ${f.next.why}`);
  return out.map(showControls);
}

export function renderFindingsText(findings: readonly Finding[]): string {
  return findings.map((f) => findingLines(f).join('\n')).join('\n\n') + '\n';
}

/** `like \`this\``: backticked parts as code spans, the rest as text. */
function mdInline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? mdCode(part.slice(1, -1)) : mdText(part)))
    .join('');
}

function htmlInline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? `<code>${esc(part.slice(1, -1))}</code>` : esc(part)))
    .join('');
}

export function findingsMarkdown(findings: readonly Finding[]): string {
  const out = ['## Findings\n'];
  for (const f of findings) {
    const lines = [`- **${LABEL[f.severity]}** ${mdInline(f.headline)}`];
    for (const d of f.detail) lines.push(`  - ${mdInline(d)}`);
    for (const e of f.evidence) lines.push(`  - evidence: ${mdText(evidenceText(e))}`);
    if (f.next) lines.push(`  - next: press ${mdCode(f.next.key)} — ${mdText(f.next.why)}`);
    const trace = [
      ...(f.rip && f.trace[0]?.address !== f.rip.address ? [`RIP ${frameLine(f.rip)}`] : []),
      ...f.trace.map(frameLine),
    ];
    if (trace.length) lines.push('', mdFence(trace.join('\n')).trimEnd().replace(/^/gm, '  '));
    out.push(lines.join('\n'));
  }
  return `${out.join('\n')}\n\n`;
}

const TONE: Record<Severity, string> = {
  critical: 'critical',
  error: 'critical',
  warning: 'warning',
  info: 'info',
  advice: 'advice',
};

export function findingsHtml(findings: readonly Finding[]): string {
  const cards = findings.map((f) => {
    const trace = [
      ...(f.rip && f.trace[0]?.address !== f.rip.address ? [`RIP ${frameLine(f.rip)}`] : []),
      ...f.trace.map(frameLine),
    ];
    const parts = [
      `<h3><span class="sev">${LABEL[f.severity]}</span> ${htmlInline(f.headline)}</h3>`,
      ...f.detail.map((d) => `<p>${htmlInline(d)}</p>`),
      trace.length ? `<pre class="trace">${esc(trace.join('\n'))}</pre>` : '',
      f.evidence.length
        ? `<ul class="evidence">${f.evidence.map((e) => `<li>${esc(evidenceText(e))}</li>`).join('')}</ul>`
        : '',
      f.next ? `<p class="next">Next: press <kbd>${esc(f.next.key)}</kbd> — ${esc(f.next.why)}</p>` : '',
    ];
    return `<article class="event finding ${TONE[f.severity]}">${parts.filter(Boolean).join('\n')}</article>`;
  });
  return `<section class="card" id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>\n${cards.join('\n')}\n</section>\n`;
}
