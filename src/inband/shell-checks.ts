// What a dom0 shell's answers mean, pure: the probe (`id -u`, `command -v xl`) and a failed `xl`
// command, turned into errors that say what to do.

import { XenkeysError } from '../core/errors.js';

export const PROBE_COMMAND = 'id -u;command -v xl||echo xk-no-xl';

/** Checks the probe's output: xl must be there, and we must be root (xl needs /dev/xen/privcmd). */
export function checkProbe(lines: readonly string[]): { uid: number | null; xl: string } {
  const text = lines.map((l) => l.trim()).filter((l) => l !== '');
  const uidLine = text.find((l) => /^\d+$/.test(l));
  const uid = uidLine === undefined ? null : Number(uidLine);
  if (text.includes('xk-no-xl')) {
    throw new XenkeysError('tool-missing', "xl is not installed on this host (no `xl` in the shell's PATH)", {
      hint: "In-band capture needs dom0 with Xen's toolstack (xl, e.g. Debian's xen-utils). Is this shell on dom0?",
    });
  }
  const xl = text.find((l) => l.startsWith('/') || l === 'xl') ?? 'xl';
  if (uid !== null && uid !== 0) {
    throw new XenkeysError('auth-failed', `the dom0 shell runs as uid ${uid}, and xl needs root`, {
      hint: "Log in as root (--ssh root@dom0), or start a root shell in --spawn (e.g. --spawn 'ssh -t dom0 sudo -i').",
    });
  }
  return { uid, xl };
}

/** A failed `xl …`: its own words, and a hint for the usual causes. */
export function xlError(command: string, status: number, lines: readonly string[]): XenkeysError {
  const said = lines
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 3)
    .join(' / ');
  const text = lines.join('\n');
  let hint = 'Run the same command on dom0 by hand to see why.';
  if (/permission denied|not permitted/i.test(text)) hint = 'xl needs root on dom0.';
  else if (/privcmd|No such file or directory|xenstore|is xenstored running/i.test(text))
    hint = 'Is this dom0, with xenfs mounted and xenstored running? xl does not work in a guest.';
  else if (/unknown command|Usage/i.test(text))
    hint = 'This xl has no such subcommand (xl debug-keys needs Xen 4.1+).';
  const code = /permission denied|not permitted/i.test(text) ? 'auth-failed' : 'tool-missing';
  return new XenkeysError(code, `\`${command}\` failed (exit ${status})${said ? `: ${said}` : ''}`, { hint });
}
