import { describe, expect, it } from 'vitest';
import {
  initialInputState,
  onBytesSent,
  onReconnect,
  onSwitchMessage,
  parseSwitchMessage,
  switchCodeFor,
  targetLabel,
} from '../../src/console/input-target.js';

const A = 0x01;
const triple = new Uint8Array([A, A, A]);

describe('parseSwitchMessage', () => {
  it('reads the 4.12+ wording, with and without the prompt in front', () => {
    expect(
      parseSwitchMessage("(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)"),
    ).toEqual({
      target: 'xen',
      switchChar: 'a',
      style: 'to',
    });
    expect(
      parseSwitchMessage("/ # (XEN) *** Serial input to DOM0 (type 'CTRL-x' three times to switch input)"),
    ).toEqual({
      target: 'dom0',
      switchChar: 'x',
      style: 'to',
    });
    expect(
      parseSwitchMessage(
        "(XEN) [   44.536708] *** Serial input to DOM3 (type 'CTRL-a' three times to switch input)",
      )?.target,
    ).toBe('dom3');
  });

  it('reads the 4.4–4.11 arrow wording', () => {
    expect(
      parseSwitchMessage("(XEN) *** Serial input -> DOM0 (type 'CTRL-a' three times to switch input to Xen)"),
    ).toEqual({
      target: 'dom0',
      switchChar: 'a',
      style: 'arrow',
    });
    expect(
      parseSwitchMessage("(XEN) *** Serial input -> Xen (type 'CTRL-a' three times to switch input to DOM0)")
        ?.target,
    ).toBe('xen');
  });

  it('notices when switching is disabled (no hint) and ignores other lines', () => {
    expect(parseSwitchMessage('(XEN) *** Serial input to DOM0')?.switchChar).toBeNull();
    expect(parseSwitchMessage('(XEN) Serial input is great')).toBeNull();
  });
});

describe('input state', () => {
  it('says unknown until Xen has spoken', () => {
    expect(initialInputState().target).toBe('unknown');
    expect(targetLabel('unknown')).toBe('?');
    expect(targetLabel('xen')).toBe('XEN');
    expect(targetLabel('dom0')).toBe('DOM0');
  });

  it('learns where input was from the reply to its first switch', () => {
    let s = onBytesSent(initialInputState(), triple, A);
    expect(s.unconfirmedSwitches).toBe(1);
    expect(s.found).toBe('unknown');
    s = onSwitchMessage(s, { target: 'xen', switchChar: 'a', style: 'to' });
    expect(s).toMatchObject({ target: 'xen', found: 'dom0', unconfirmedSwitches: 0 });
  });

  it('remembers a known target as found when it first switches', () => {
    let s = onSwitchMessage(initialInputState(), { target: 'dom0', switchChar: 'a', style: 'to' });
    expect(s.found).toBe('unknown');
    s = onBytesSent(s, triple, A);
    expect(s.found).toBe('dom0');
  });

  it('counts like Xen: no timeout, bit 7 stripped, any other byte resets', () => {
    let s = onBytesSent(initialInputState(), new Uint8Array([A, A]), A);
    expect(s.heldSwitchBytes).toBe(2);
    s = onBytesSent(s, new Uint8Array([0x81]), A); // 0x81 & 0x7f === Ctrl-A
    expect(s).toMatchObject({ heldSwitchBytes: 0, unconfirmedSwitches: 1 });
    s = onBytesSent(s, new Uint8Array([A, A, 0x71]), A);
    expect(s).toMatchObject({ heldSwitchBytes: 0, unconfirmedSwitches: 1 });
    // Six at once: two switches. Four: one switch and one held.
    expect(onBytesSent(initialInputState(), new Uint8Array(6).fill(A), A).unconfirmedSwitches).toBe(2);
    expect(onBytesSent(initialInputState(), new Uint8Array(4).fill(A), A)).toMatchObject({
      unconfirmedSwitches: 1,
      heldSwitchBytes: 1,
    });
  });

  it('infers the rotation: arrow style toggles, 4.12+ rotates through the domains seen', () => {
    let s = onSwitchMessage(initialInputState(), { target: 'dom2', switchChar: 'a', style: 'to' });
    s = onBytesSent(onReconnect(s), triple, A);
    s = onSwitchMessage(s, { target: 'xen', switchChar: 'a', style: 'to' });
    expect(s.found).toBe('dom2');
  });

  it('forgets the target after a reconnect but keeps where input was found', () => {
    let s = onBytesSent(
      onSwitchMessage(initialInputState(), { target: 'dom0', switchChar: 'a', style: 'to' }),
      triple,
      A,
    );
    s = onSwitchMessage(s, { target: 'xen', switchChar: 'a', style: 'to' });
    s = onReconnect(s);
    expect(s).toMatchObject({ target: 'unknown', found: 'dom0', unconfirmedSwitches: 0 });
  });

  it('maps conswitch letters to control codes', () => {
    expect(switchCodeFor('a')).toBe(1);
    expect(switchCodeFor('x')).toBe(0x18);
    expect(() => switchCodeFor('A')).toThrow(/a-z/);
  });
});
