import { describe, expect, it } from 'vitest';
import { guardInput, type GuardContext } from '../../src/console/input-guard.js';
import { bytes } from '../helpers/sim-console.js';

const dangerous = new Set(['R', 'C', 'N', '*']);
const at = (target: GuardContext['target']): GuardContext => ({
  target,
  switchCode: 1,
  isDangerous: (k) => dangerous.has(k),
});
const allowed = (v: ReturnType<typeof guardInput>) => Buffer.from(v.allowed).toString('latin1');

describe('input guard', () => {
  it('never forwards a cursor key or a cursor-position report to Xen', () => {
    // ESC [ C holds `C` (crash dump); a CPR ends in `R` (reboot).
    expect(guardInput(bytes('\x1b[C'), 'keyboard', at('xen')).refusal?.reason).toBe('escape-sequence');
    expect(guardInput(bytes('\x1b[24;80R'), 'terminal-reply', at('xen')).refusal?.reason).toBe(
      'terminal-reply',
    );
    expect(guardInput(bytes('\x1b[24;80R'), 'keyboard', at('xen')).allowed).toHaveLength(0);
  });

  it('holds back terminal replies and escapes while the target is unknown, but lets typing through', () => {
    expect(guardInput(bytes('\x1b[1;1R'), 'terminal-reply', at('unknown')).allowed).toHaveLength(0);
    expect(guardInput(bytes('\x1bOA'), 'keyboard', at('unknown')).allowed).toHaveLength(0);
    expect(allowed(guardInput(bytes('ls\r'), 'keyboard', at('unknown')))).toBe('ls\r');
  });

  it('lets everything through to dom0, terminal replies included', () => {
    expect(allowed(guardInput(bytes('\x1b[24;80R'), 'terminal-reply', at('dom0')))).toBe('\x1b[24;80R');
    expect(allowed(guardInput(bytes('R'), 'keyboard', at('dom0')))).toBe('R');
  });

  it('sends one safe key to Xen, refuses several at once, control bytes and high bytes', () => {
    expect(allowed(guardInput(bytes('q'), 'debug-key', at('xen')))).toBe('q');
    expect(guardInput(bytes('qr'), 'paste', at('xen')).refusal?.reason).toBe('several-keys');
    expect(guardInput(bytes('\r'), 'keyboard', at('xen')).refusal?.reason).toBe('control-byte');
    // 0xD2 & 0x7f is 'R': Xen strips bit 7.
    expect(guardInput(new Uint8Array([0xd2]), 'keyboard', at('xen')).refusal?.reason).toBe('non-ascii');
  });

  it('refuses dangerous keys at Xen unless confirmed for this write', () => {
    expect(guardInput(bytes('R'), 'keyboard', at('xen')).refusal?.reason).toBe('dangerous-key');
    expect(allowed(guardInput(bytes('R'), 'keyboard', { ...at('xen'), confirmed: new Set(['R']) }))).toBe(
      'R',
    );
  });

  it('always passes the switch bytes, and only them, as a switch', () => {
    expect(allowed(guardInput(new Uint8Array([1, 1, 1]), 'switch', at('xen')))).toBe('\x01\x01\x01');
    expect(allowed(guardInput(new Uint8Array([1]), 'keyboard', at('xen')))).toBe('\x01');
    expect(guardInput(new Uint8Array([1, 0x52]), 'switch', at('dom0')).allowed).toHaveLength(0);
  });
});
