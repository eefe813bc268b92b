// Driving the guest lab's dom0 (startXenLab({ guests: true })) from a test: type a command at its
// shell on the serial line and wait for the line that says it finished, as QEMU's log records it.

import { once } from 'node:events';
import { connect } from 'node:net';
import type { XenLab } from './xen-lab.js';

/** Bytes typed at once: well under Xen's 128-byte ring of dom0's serial input. */
const MAX_TYPED = 100;

/**
 * Types `command` at dom0's prompt (serial: 'tcp' only) and resolves with what the log shows from
 * the typing up to `done`. A scenario of initramfs/lab-guests ends with "lab-guests: NAME done" or
 * "... FAILED: why"; the failure rejects at once with its reason instead of running into the timeout.
 */
export async function atDom0(lab: XenLab, command: string, done: RegExp, timeoutMs: number): Promise<string> {
  if (lab.tcpPort === undefined) throw new Error('atDom0 needs a lab with serial: tcp');
  // Xen keeps 128 bytes of serial input for dom0 (drivers/char/console.c, SERIAL_RX_SIZE) and drops
  // what arrives while they are unread: a long command typed at once lost bytes on a busy lab.
  if (command.length + 1 > MAX_TYPED)
    throw new Error(`atDom0: ${command.length} characters; type at most ${MAX_TYPED - 1} per command`);
  const socket = connect(lab.tcpPort, '127.0.0.1');
  try {
    await once(socket, 'connect');
    const from = lab.log().length;
    socket.write(`${command}\r`);
    const end = new RegExp(`${done.source}|lab-guests: .* FAILED: .*`);
    const seen = await lab.waitForLog(end, { from, timeoutMs });
    const text = lab.log().subarray(from, seen.end).toString('latin1');
    if (/FAILED/.test(seen.text)) throw new Error(`dom0: ${seen.text.trim()} (after \`${command}\`)`);
    return text;
  } finally {
    socket.destroy();
  }
}

/** Runs an initramfs/lab-guests scenario to its "done" line. */
export function labGuests(lab: XenLab, scenario: string, timeoutMs = 1_200_000): Promise<string> {
  // `guest NAME …` ends "lab-guests: guest NAME done"; the others "lab-guests: SCENARIO done".
  const [first = scenario, second] = scenario.split(' ');
  const name = first === 'guest' && second ? `guest ${second}` : first;
  return atDom0(lab, `lab-guests ${scenario}`, new RegExp(`lab-guests: ${name} done`), timeoutMs);
}

/** Domain ids by name, from one `xl list` (each xl call takes seconds on a busy lab). */
export async function domainIds(lab: XenLab): Promise<Map<string, number>> {
  const nonce = Math.floor(Math.random() * 1e6);
  const text = await atDom0(
    lab,
    `xl list; echo "ids-${nonce}""-end"`,
    new RegExp(`ids-${nonce}-end\\r`),
    300_000,
  );
  const ids = new Map<string, number>();
  // Name, ID, Mem, VCPUs, State, Time(s).
  for (const m of text.matchAll(/^(\S+)\s+(\d+)\s+\d+\s+\d+\s+[-a-z]{6}\s/gm)) ids.set(m[1]!, Number(m[2]));
  return ids;
}
