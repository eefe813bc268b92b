// A stand-in `ipmitool` for hermetic tests: a real program on PATH, run under the real pty, that
// prints ipmitool's own lines (verbatim) for one scripted situation, handles escapes the way
// ipmitool does, and records its argv and whether a password reached it through the environment.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FakeMode =
  | 'ok' // banner, then echo what arrives (hex lines), `ESC .` quits, `ESC B` prints BREAK
  | 'cipher' // "Unable to Get Channel Cipher Suites", then banner and console bytes in one write
  | 'busy'
  | 'auth'
  | 'prompt'
  | 'closed' // banner, a line, then "SOL session closed by BMC"
  | 'keepalive'; // banner, then "No response to keepalive"

const SCRIPT = String.raw`
const fs = require('node:fs');
const args = process.argv.slice(2);
const mode = process.env.FAKE_IPMITOOL_MODE;
fs.appendFileSync(process.env.FAKE_IPMITOOL_RECORD, JSON.stringify({
  args,
  envPassword: process.env.IPMITOOL_PASSWORD ?? process.env.IPMI_PASSWORD ?? null,
}) + '\n');
const out = (s) => process.stdout.write(s);
if (args.at(-1) === 'deactivate') {
  if (process.env.FAKE_DEACTIVATE === 'inactive') { process.stderr.write('Info: SOL payload already de-activated\n'); process.exit(1); }
  process.exit(0);
}
const e = args[args.indexOf('-e') + 1] ?? '~';
const banner = '[SOL Session operational.  Use ' + e + '? for help]\n';
if (mode === 'busy') { process.stderr.write('Info: SOL payload already active on another session\n'); process.exit(1); }
if (mode === 'auth') { process.stderr.write('Error: Unable to establish IPMI v2 / RMCP+ session\n'); process.exit(1); }
if (mode === 'prompt') { process.stderr.write('Password: '); setInterval(() => {}, 1000); }
if (mode === 'cipher') { process.stderr.write('Unable to Get Channel Cipher Suites\n'); out(banner + '(XEN) first\r\n'); }
else if (mode !== 'prompt') out(banner);
if (mode === 'closed') { out('bye\r\n'); setTimeout(() => { process.stderr.write('SOL session closed by BMC\n'); process.exit(1); }, 50); }
if (mode === 'keepalive') { process.stderr.write('Error: No response to keepalive - Terminating session\n'); process.exit(1); }
process.on('SIGINT', () => { out('\nSIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface\n'); process.exit(255); });
// ipmitool's processSolUserInput(): the escape is a command only right after CR or LF.
let pending = false, lastWasCr = true;
process.stdin.on('data', (chunk) => {
  const sent = [];
  for (const ch of chunk) {
    if (pending) {
      pending = false;
      if (ch === 0x2e) { out(e + '. [terminated ipmitool]\n'); process.exit(0); }
      if (ch === 0x42) { out(e + 'B [send break]\n'); out('BREAK\n'); continue; }
      if (ch !== e.charCodeAt(0)) sent.push(e.charCodeAt(0));
      sent.push(ch);
    } else if (lastWasCr && ch === e.charCodeAt(0)) { pending = true; continue; }
    else sent.push(ch);
    lastWasCr = ch === 13 || ch === 10;
  }
  if (sent.length) out('rx ' + Buffer.from(sent).toString('hex') + '\n');
});
`;

export interface FakeIpmitool {
  /** Directory holding `ipmitool`: put it first on PATH. */
  dir: string;
  env(mode: FakeMode, extra?: Record<string, string>): Record<string, string>;
  /** Each run's argv and the password it found in its environment (null: none). */
  runs(): { args: string[]; envPassword: string | null }[];
  remove(): void;
}

export function installFakeIpmitool(): FakeIpmitool {
  const dir = mkdtempSync(join(tmpdir(), 'xk-fake-ipmitool-'));
  const record = join(dir, 'runs.jsonl');
  writeFileSync(record, '');
  const file = join(dir, 'ipmitool');
  writeFileSync(file, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(file, 0o755);
  return {
    dir,
    env: (mode, extra = {}) => ({
      PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      FAKE_IPMITOOL_MODE: mode,
      FAKE_IPMITOOL_RECORD: record,
      ...extra,
    }),
    runs: () =>
      readFileSync(record, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { args: string[]; envPassword: string | null }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
