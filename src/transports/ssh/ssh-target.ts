// What an SSH console is: `[USER@]HOST[:PORT]`, the command that reaches the console on it (a BMC
// preset, a command of the user's, or none for a console server that drops you into it) and the
// raw PTY it runs in. Pure: the CLI, the config file and the transport agree on all three.

import type { PseudoTtyOptions } from 'ssh2';
import { XenkeysError } from '../../core/errors.js';

export interface SshAddress {
  user?: string;
  host: string;
  /** Only when given; the default (22, or ~/.ssh/config's Port) is decided later. */
  port?: number;
}

// What a console needs from the far pty: no echo, no CR/NL mapping, no signals, 8 bits clean
// (cfmakeraw). A BMC's console program sets this itself; a plain `socat -` behind sshd does not,
// and a cooked pty there holds Xen's Ctrl-A switch back until a newline (seen in the lab).
export const CONSOLE_PTY: PseudoTtyOptions = {
  term: 'xterm-256color',
  cols: 80,
  rows: 24,
  // prettier-ignore
  modes: {
    ECHO: 0, ECHOE: 0, ECHOK: 0, ECHONL: 0, ICANON: 0, ISIG: 0, IEXTEN: 0,
    ICRNL: 0, INLCR: 0, IGNCR: 0, ISTRIP: 0, IXON: 0, IXOFF: 0, PARMRK: 0,
    OPOST: 0, ONLCR: 0, OCRNL: 0, CS8: 1, PARENB: 0,
  },
};

/** The console commands BMCs and console servers take (anchors.md §2.8). */
export const BMC_PRESETS = {
  idrac: 'console com2',
  ilo: 'vsp',
  smash: 'start /system1/sol1',
} as const;

export type BmcPreset = keyof typeof BMC_PRESETS | `conserver:${string}`;

/** `admin@bmc`, `bmc:2200`, `admin@[fe80::1]:22`, `[::1]`. Throws a usage error otherwise. */
export function parseSshAddress(spec: string): SshAddress {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  if (user !== undefined && user.includes(':')) {
    // `user:password@host` would put a secret in argv and shell history.
    throw new XenkeysError(
      'usage',
      `--ssh ${user.slice(0, user.indexOf(':'))}:…@${rest}: no passwords here`,
      {
        hint: 'Write USER@HOST; give the password in XENKEYS_SSH_PASSWORD or type it when asked.',
      },
    );
  }
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:[\]@\s]+)(?::(\d+))?$/.exec(rest);
  const host = m?.[1];
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!host || user === '' || (port !== undefined && (port < 1 || port > 65535))) {
    throw new XenkeysError('usage', `bad SSH address "${spec}"`, {
      hint: 'Write [USER@]HOST[:PORT], e.g. admin@bmc.example.net, root@10.0.0.7:2200 or [::1]:2222.',
    });
  }
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}) };
}

/** The remote command for a --bmc preset; throws a usage error naming the presets. */
export function bmcCommand(preset: string): string {
  if (preset in BMC_PRESETS) return BMC_PRESETS[preset as keyof typeof BMC_PRESETS];
  const m = /^conserver:(\S+)$/.exec(preset);
  if (m?.[1]) return `console ${m[1]}`;
  throw new XenkeysError('usage', `--bmc ${preset}: no such preset`, {
    hint: 'Use idrac (console com2), ilo (vsp), smash (start /system1/sol1), conserver:NAME (console NAME), or --ssh-command CMD.',
  });
}

/** `host:port` as OpenSSH writes it in known_hosts: bare for 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}
