// `xenkeys switch --to xen|dom0`: move Xen's serial input and leave it there (recovery after an
// interrupted session, or before handing the console to another tool).

import { systemClock } from '../../core/clock.js';
import { XenkeysError } from '../../core/errors.js';
import { switchTo } from '../../console/switcher.js';
import { XenConsole } from '../../console/xen-console.js';
import type { Transport } from '../../transports/transport.js';

export async function runSwitch(
  transport: Transport,
  options: { to: string; conswitch: string; confirmTimeoutMs: number },
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!/^(xen|dom\d+)$/.test(options.to)) {
    throw new XenkeysError('usage', `--to ${options.to}: say xen, dom0 or dom<N>`);
  }
  const console = new XenConsole(transport, { clock: systemClock, conswitch: options.conswitch });
  await transport.open();
  try {
    await switchTo(console, options.to as 'xen' | `dom${number}`, {
      confirmTimeoutMs: options.confirmTimeoutMs,
    });
    stdout.write(`input: ${console.input.target.toUpperCase()}\n`);
    return 0;
  } finally {
    await transport.close('switch done');
    console.dispose();
  }
}
