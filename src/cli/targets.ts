// Named targets (`xenkeys capture db07`): a target's settings from the config file become flag
// values, checked by the same parsers as the command line, and the command line still wins: config
// values replace commander's defaults, never a flag the user typed.

import { InvalidArgumentError, type Command, type Option } from 'commander';
import { XenkeysError } from '../core/errors.js';
import {
  defaultConfigPath,
  loadConfig,
  type ConfigScalar,
  type TargetConfig,
  type XenkeysConfig,
} from './config.js';

/** Connection flags stored for a name, keyed by commander's attribute names (camelCase). */
export type TargetFlags = Record<string, unknown>;

/** The consoles; a medium named on the command line replaces the target's medium. */
const MEDIA = ['serial', 'tcp', 'telnet', 'conserver', 'spawn', 'ipmi', 'ssh'];

export function addTargetFlags(command: Command): Command {
  return command.option(
    '--config <file>',
    'config file with named targets (default: ~/.config/xenkeys/config.yaml)',
  );
}

/**
 * The settings of target `name`, as flag values. `allowed` are the options a target may set (the
 * connection flags and conswitch); `options` are the running command's, used to parse each value.
 */
export function resolveTarget(
  name: string,
  context: {
    configPath?: string;
    /** An already parsed file (an inventory of many targets), instead of reading configPath. */
    config?: XenkeysConfig;
    allowed: readonly Option[];
    options: readonly Option[];
  },
): TargetFlags {
  const file = context.config?.file ?? context.configPath ?? defaultConfigPath();
  const config = context.config ?? loadConfig(file);
  const target = config?.targets.get(name);
  if (!config || !target) {
    const known = config ? [...config.targets.keys()] : [];
    throw new XenkeysError('usage', `no target called ${name} in ${file}`, {
      hint: !config
        ? `There is no config file there: create it (see docs/targets.md), or give the console with --ssh, --ipmi, --tcp, --telnet, --conserver, --serial or --spawn.`
        : known.length > 0
          ? `Known targets: ${known.join(', ')}.`
          : 'The file names no targets yet (see docs/targets.md).',
    });
  }
  return targetFlags(target, file, context.allowed, context.options);
}

function targetFlags(
  target: TargetConfig,
  file: string,
  allowed: readonly Option[],
  options: readonly Option[],
): TargetFlags {
  const allowedNames = new Set(
    allowed.map((o) => o.long?.replace(/^--/, '')).filter((n) => n && n !== 'config'),
  );
  const flags: TargetFlags = {};
  for (const [key, { value, line }] of target.values) {
    const option = options.find((o) => o.long === `--${key}`);
    if (!allowedNames.has(key) || !option) {
      throw new XenkeysError('usage', `${file}:${line}: target ${target.name}: unknown key "${key}"`, {
        hint: `A target may set: ${[...allowedNames].sort().join(', ')}.`,
      });
    }
    flags[option.attributeName()] = optionValue(
      option,
      value,
      `${file}:${line}: target ${target.name}: ${key}`,
    );
  }
  return flags;
}

/** Runs a config value through the option's own checks, as if typed as `--key value`. */
function optionValue(option: Option, value: ConfigScalar | ConfigScalar[], where: string): unknown {
  if (option.isBoolean()) {
    if (typeof value !== 'boolean') throw new XenkeysError('usage', `${where} should be true or false`);
    return value;
  }
  let result: unknown = undefined;
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === 'boolean') throw new XenkeysError('usage', `${where} needs a value, not ${item}`);
    const text = String(item);
    if (option.argChoices && !option.argChoices.includes(text)) {
      throw new XenkeysError('usage', `${where}: "${text}" is not one of ${option.argChoices.join(', ')}`);
    }
    try {
      result = option.parseArg ? option.parseArg(text, result as never) : text;
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      throw new XenkeysError('usage', `${where}: ${error.message}`);
    }
  }
  return result;
}

/** Target values under the command line: they replace defaults, never what the user typed. */
export function mergeTarget<F extends object>(flags: F, target: TargetFlags, command: Command): F {
  const typed = (key: string): boolean => {
    const source = command.getOptionValueSource(key);
    return source === 'cli' || source === 'env';
  };
  const mediumTyped = MEDIA.some((m) => typed(m) && (flags as Record<string, unknown>)[m] !== undefined);
  const merged: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  for (const [key, value] of Object.entries(target)) {
    if (typed(key) || (mediumTyped && MEDIA.includes(key))) continue;
    merged[key] = value;
  }
  return merged as F;
}
