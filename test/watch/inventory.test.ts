// --inventory FILE is a config file: every target must name one console, a missing or empty file
// says what to write, and a shard keeps the file's order and refuses to be empty.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/cli/config.js';
import { loadInventory } from '../../src/cli/inventory-file.js';
import { resolveTarget } from '../../src/cli/targets.js';
import { addTransportFlags } from '../../src/cli/transport-options.js';
import { inventoryFrom } from '../../src/watch/inventory.js';
import { shardOf } from '../../src/watch/shard.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'xk-inventory-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fleet = (n: number): string =>
  `targets:\n${Array.from({ length: n }, (_, i) => `  host-${i}:\n    tcp: 127.0.0.1:${5000 + i}\n`).join('')}`;

describe('inventory', () => {
  it('takes the config file format and keeps the file order', () => {
    const file = path.join(dir, 'fleet.yaml');
    writeFileSync(file, fleet(5));
    const { inventory } = loadInventory(file);
    expect(inventory.targets.map((t) => t.name)).toEqual(['host-0', 'host-1', 'host-2', 'host-3', 'host-4']);
  });

  it('gives each shard its targets, and resolves their flags from the file already read', () => {
    const file = path.join(dir, 'fleet.yaml');
    writeFileSync(file, fleet(40));
    const shares = [0, 1, 2].map((index) => loadInventory(file, { index, count: 3 }));
    const names = shares.flatMap((s) => s.inventory.targets.map((t) => t.name));
    expect(names.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `host-${i}`).sort());
    for (const [index, share] of shares.entries())
      for (const t of share.inventory.targets) expect(shardOf(t.name, 3)).toBe(index);
    const command = addTransportFlags(new Command());
    const first = shares[0]!.inventory.targets[0]!.name;
    rmSync(file); // resolving must not read the file again
    const flags = resolveTarget(first, {
      config: shares[0]!.config,
      allowed: command.options,
      options: command.options,
    });
    expect(flags['tcp']).toBe(`127.0.0.1:${5000 + Number(first.slice(5))}`);
  });

  it('refuses a target with no console or two, naming the line', () => {
    const none = parseConfig('targets:\n  a:\n    tcp: h:1\n  b:\n    baud: 9600\n', 'inv.yaml');
    expect(() => inventoryFrom(none, 'inv.yaml')).toThrow('inv.yaml:4: target b names no console');
    const two = parseConfig('targets:\n  a:\n    tcp: h:1\n    ssh: root@h\n', 'inv.yaml');
    expect(() => inventoryFrom(two, 'inv.yaml')).toThrow('inv.yaml:2: target a names 2 consoles (tcp, ssh)');
  });

  it('says what to do with a missing or empty file, an empty shard, and a secret in it', () => {
    expect(() => loadInventory(path.join(dir, 'missing.yaml'))).toThrow(/no inventory at .*missing.yaml/);
    const empty = path.join(dir, 'empty.yaml');
    writeFileSync(empty, 'targets:\n');
    expect(() => loadInventory(empty)).toThrow(/names no targets/);
    const one = path.join(dir, 'one.yaml');
    writeFileSync(one, fleet(1));
    const owner = shardOf('host-0', 2);
    expect(() => loadInventory(one, { index: 1 - owner, count: 2 })).toThrow(/none of the 1 targets/);
    const secret = path.join(dir, 'secret.yaml');
    writeFileSync(secret, 'targets:\n  r740:\n    ipmi: 10.0.0.7\n    password: hunter2\n');
    expect(() => loadInventory(secret)).toThrow(/would store a secret/);
  });
});
