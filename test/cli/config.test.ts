// The config file: where it lives (XDG), what it may hold, and that every complaint names the file
// and line — secrets above all are refused without their value ever being echoed.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfigPath, loadConfig, parseConfig } from '../../src/cli/config.js';

const EXAMPLE = `# xenkeys targets
targets:
  db07:
    ssh: admin@db07-bmc.example.net
    bmc: idrac
  lab:
    tcp: 127.0.0.1:4555
    conswitch: a
  multi:
    identity:
      - ~/.ssh/a
      - ~/.ssh/b
    accept-new: true
    baud: 9600
`;

function configError(text: string): Error & { code?: string; hint?: string } {
  try {
    parseConfig(text, '/etc/xk.yaml');
  } catch (error) {
    return error as Error;
  }
  throw new Error('parseConfig accepted it');
}

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('config file', () => {
  it('lives in $XDG_CONFIG_HOME/xenkeys or ~/.config/xenkeys', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x/conf' }, '/home/u')).toBe('/x/conf/xenkeys/config.yaml');
    expect(defaultConfigPath({}, '/home/u')).toBe('/home/u/.config/xenkeys/config.yaml');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe(
      '/home/u/.config/xenkeys/config.yaml',
    );
  });

  it('reads targets with their keys, values and lines', () => {
    const config = parseConfig(EXAMPLE, 'c.yaml');
    expect([...config.targets.keys()]).toEqual(['db07', 'lab', 'multi']);
    const db07 = config.targets.get('db07')!;
    expect(db07.line).toBe(3);
    expect(Object.fromEntries(db07.values)).toEqual({
      ssh: { value: 'admin@db07-bmc.example.net', line: 4 },
      bmc: { value: 'idrac', line: 5 },
    });
    expect(config.targets.get('multi')!.values.get('identity')).toEqual({
      value: ['~/.ssh/a', '~/.ssh/b'],
      line: 10,
    });
    expect(config.targets.get('multi')!.values.get('baud')?.value).toBe(9600);
    expect(parseConfig('', 'c.yaml').targets.size).toBe(0);
    expect(parseConfig('targets:\n', 'c.yaml').targets.size).toBe(0);
  });

  it('refuses a stored secret, by file and line, without echoing it', () => {
    for (const key of ['password', 'passphrase', 'ipmi-password']) {
      const error = configError(`targets:\n  r740:\n    ipmi: 10.0.0.7\n    ${key}: hunter2\n`);
      expect(error).toMatchObject({ code: 'usage' });
      expect(error.message).toContain(`/etc/xk.yaml:4: target r740: "${key}" would store a secret`);
      expect(`${error.message} ${error.hint}`).not.toContain('hunter2');
      expect(error.hint).toContain('password-env');
      expect(error.hint).toContain('password-file');
    }
    // Pointers to a secret are fine (whether a flag takes them is the target check's business).
    expect(() =>
      parseConfig('targets:\n  r:\n    password-env: R_PW\n    password-file: ~/p\n', 'c'),
    ).not.toThrow();
  });

  it('names the line of bad YAML, unknown top-level keys, bad names and empty values', () => {
    expect(configError('targets:\n  a: [\n').message).toMatch(/^\/etc\/xk\.yaml:\d+: not valid YAML/);
    expect(configError('targets:\n  a:\n    ssh: x\n  a:\n    ssh: y\n').message).toMatch(
      /xk\.yaml:4: not valid YAML/,
    );
    expect(configError('hosts:\n  a: {}\n').message).toBe('/etc/xk.yaml:1: unknown key "hosts"');
    expect(configError('targets:\n  -bad:\n    ssh: x\n').message).toContain(':2: bad target name "-bad"');
    expect(configError('targets:\n  a:\n    ssh:\n').message).toContain(':3: target a: ssh needs a value');
    expect(configError('targets:\n  a: ssh\n').message).toContain(':2: target a should be a map');
    expect(configError('- a\n').message).toContain(':1: the file should be a map');
  });

  it('loads from disk, and a missing file is no config', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-config-'));
    const file = path.join(dir, 'config.yaml');
    expect(loadConfig(file)).toBeUndefined();
    writeFileSync(file, EXAMPLE);
    expect(loadConfig(file)?.targets.get('lab')?.values.get('tcp')?.value).toBe('127.0.0.1:4555');
  });
});
