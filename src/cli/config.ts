// The xenkeys config file ($XDG_CONFIG_HOME/xenkeys/config.yaml): named targets, each a set of
// connection flags. Parsed with `yaml` keeping line numbers, so every complaint names file and line.
// Secrets never live here: a password/passphrase key is refused in favour of password-env/-file.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import { XenkeysError } from '../core/errors.js';

// The YAML parser is loaded only when a config file is actually read (a named target).
const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= require('yaml') as typeof import('yaml'));

export type ConfigScalar = string | number | boolean;

export interface ConfigValue {
  value: ConfigScalar | ConfigScalar[];
  line: number;
}

export interface TargetConfig {
  name: string;
  line: number;
  /** Keys exactly as written (kebab-case flag names), in file order. */
  values: Map<string, ConfigValue>;
}

export interface XenkeysConfig {
  file: string;
  targets: Map<string, TargetConfig>;
}

/** Keys that would hold a secret; each is refused with the pointer keys to use instead. */
const SECRET_KEY = /^(password|passphrase|passwd|pass|secret|token|.*-password|.*-passphrase)$/;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env['XDG_CONFIG_HOME'];
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, 'xenkeys', 'config.yaml');
}

/** The parsed file, or undefined when it does not exist. */
export function loadConfig(file: string): XenkeysConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new XenkeysError('usage', `cannot read ${file}: ${(error as Error).message}`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): XenkeysConfig {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lines.linePos(node.range[0]).line : 1;
  const fail = (line: number, message: string, hint?: string): never => {
    throw new XenkeysError('usage', `${file}:${line}: ${message}`, {
      hint: hint ?? 'See docs/targets.md for the format.',
    });
  };
  const [first] = doc.errors;
  if (first) fail(lines.linePos(first.pos[0]).line, `not valid YAML: ${first.message.split('\n')[0]}`);

  const targets = new Map<string, TargetConfig>();
  const root = doc.contents;
  if (root === null || (yaml().isScalar(root) && root.value === null)) return { file, targets };
  if (!yaml().isMap(root)) return fail(lineOf(root), 'the file should be a map with a `targets:` key');
  for (const pair of root.items) {
    const key = pair.key as Node;
    if (!yaml().isScalar(key) || key.value !== 'targets') {
      fail(
        lineOf(key),
        `unknown key ${JSON.stringify(yaml().isScalar(key) ? key.value : String(key))}`,
        'The only top-level key is `targets:`.',
      );
    }
    const list = pair.value as Node | null;
    if (list === null || (yaml().isScalar(list) && list.value === null)) continue;
    if (!yaml().isMap(list)) fail(lineOf(list), '`targets:` should map names to their settings');
    for (const entry of (list as unknown as { items: { key: Node; value: Node | null }[] }).items) {
      const name = yaml().isScalar(entry.key) ? String(entry.key.value) : '';
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
        fail(
          lineOf(entry.key),
          `bad target name ${JSON.stringify(name)}`,
          'Names are letters, digits, ".", "_" and "-".',
        );
      }
      targets.set(name, parseTarget(name, entry.key, entry.value, lineOf, fail));
    }
  }
  return { file, targets };
}

function parseTarget(
  name: string,
  keyNode: Node,
  node: Node | null,
  lineOf: (node: Node | null | undefined) => number,
  fail: (line: number, message: string, hint?: string) => never,
): TargetConfig {
  const values = new Map<string, ConfigValue>();
  if (node === null || !yaml().isMap(node))
    return fail(lineOf(node ?? keyNode), `target ${name} should be a map of settings`);
  for (const pair of node.items) {
    const keyItem = pair.key as Node;
    const key = yaml().isScalar(keyItem) ? String(keyItem.value) : '';
    const line = lineOf(keyItem);
    if (SECRET_KEY.test(key)) {
      // The value is never echoed: it may be a real password.
      fail(
        line,
        `target ${name}: "${key}" would store a secret in the config file, which xenkeys refuses`,
        `Point at the secret instead: password-env: VARIABLE (an environment variable) or password-file: PATH (a file only you can read); for SSH, XENKEYS_SSH_PASSWORD or ssh-agent.`,
      );
    }
    const valueNode = pair.value as Node | null;
    const scalar = (n: Node | null): ConfigScalar => {
      const v = n && yaml().isScalar(n) ? n.value : undefined;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return fail(
        lineOf(n ?? keyItem),
        `target ${name}: ${key} needs a value (text, a number, true or false)`,
      );
    };
    const value =
      valueNode && yaml().isSeq(valueNode)
        ? valueNode.items.map((item) => scalar(item as Node))
        : scalar(valueNode);
    values.set(key, { value, line });
  }
  return { name, line: lineOf(keyNode), values };
}
