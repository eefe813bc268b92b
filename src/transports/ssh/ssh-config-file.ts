// Where `--ssh [USER@]HOST[:PORT]` leads once ~/.ssh/config's host aliases (HostName, User, Port,
// IdentityFile) are applied, read with the `ssh-config` package so `--ssh db07-bmc` means what
// `ssh db07-bmc` means. Include and Match exec are not followed: no commands run from a config file.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import { XenkeysError } from '../../core/errors.js';
import { parseSshAddress } from './ssh-target.js';

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
}

export interface ResolvedSshTarget {
  host: string;
  port: number;
  username: string;
  /** In the order to try them: -i files (explicit), then IdentityFile lines or ssh's default names. */
  identityFiles: { path: string; explicit: boolean }[];
}

/** `[USER@]HOST[:PORT]` with ~/.ssh/config applied the way ssh applies it: the address wins. */
export function resolveSshTarget(
  address: string,
  context: { home: string; localUser: string; configFile: string | null; identityFiles: readonly string[] },
): ResolvedSshTarget {
  const { home, localUser } = context;
  const given = parseSshAddress(address);
  const config = sshHostConfig(context.configFile, given.host, home, localUser);
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(home, '.ssh', f));
  return {
    host: config.hostName ?? given.host,
    port: given.port ?? config.port ?? 22,
    username: given.user ?? config.user ?? localUser,
    identityFiles: [
      // `~/` too: paths from the config file never went through a shell.
      ...context.identityFiles.map((f) => ({ path: expandPath(f, home), explicit: true })),
      // As ssh: IdentityFile lines replace the default key names.
      ...(config.identityFiles.length > 0 ? config.identityFiles : defaults).map((f) => ({
        path: f,
        explicit: false,
      })),
    ],
  };
}

/** What the config says for `alias`; empty when the file is missing. */
export function sshHostConfig(
  file: string | null,
  alias: string,
  home: string,
  localUser: string,
): SshHostConfig {
  if (file === null) return { identityFiles: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { identityFiles: [] };
    throw new XenkeysError('usage', `cannot read ${file}: ${(error as Error).message}`);
  }
  const computed = SSHConfig.parse(text).compute(alias, { ignoreCase: true, matchExec: false });
  const one = (name: string): string | undefined => {
    const v = computed[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const hostName = one('hostname');
  const user = one('user');
  const portText = one('port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new XenkeysError('usage', `${file}: bad Port "${portText}" for ${alias}`);
  }
  const files = computed['identityfile'];
  const host = hostName === undefined ? alias : expandTokens(hostName, { h: alias, d: home, u: localUser });
  const remoteUser = user ?? localUser;
  const identityFiles = (Array.isArray(files) ? files : files === undefined ? [] : [files]).map((f) =>
    expandPath(expandTokens(f, { h: host, d: home, u: localUser, r: remoteUser }), home),
  );
  return {
    ...(hostName !== undefined ? { hostName: host } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
    identityFiles,
  };
}

/** ssh_config(5) TOKENS: the few that make sense here (%h host, %d home, %u local user, %r remote user). */
function expandTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.)/g, (all, t: string) => (t === '%' ? '%' : (tokens[t] ?? all)));
}

/** `~/x` as ssh's tilde expansion; other relative paths from the current folder, as ssh leaves them. */
export function expandPath(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return path.resolve(file);
}
