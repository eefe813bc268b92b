import { describe, expect, it } from 'vitest';
import {
  expirePending,
  initialInputState,
  isBootBanner,
  onBootBanner,
  onBytesSent,
  onReconnect,
  onSwitchMessage,
  parseSwitchMessage,
  switchCodeFor,
  targetLabel,
  unconfirmedSwitches,
  type InputState,
  type KnownTarget,
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
    // Dom0's output landing in the middle of Xen's line cuts the hint off: that proves nothing.
    expect(parseSwitchMessage("(XEN) *** Serial input to Xen (XEN) key 'q'")?.switchChar).toBe('');
    expect(parseSwitchMessage('(XEN) Serial input is great')).toBeNull();
  });
});

const W = 5_000; // the confirm window
const msg = (target: KnownTarget, style: 'to' | 'arrow' = 'to') => ({ target, switchChar: 'a', style });
/** A switch message seen at time `now`: the new state. */
const said = (s: InputState, target: KnownTarget, now = 10, style: 'to' | 'arrow' = 'to') =>
  onSwitchMessage(s, msg(target, style), now, W).state;
const sent = (s: InputState, bytes: Uint8Array = triple, now = 0) => onBytesSent(s, bytes, A, now);
/** A verified target, input having been found at dom0. */
function verifiedAt(target: 'xen' | 'dom0'): InputState {
  const atXen = said(sent(initialInputState()), 'xen');
  return target === 'xen' ? atXen : said(sent(atXen), 'dom0');
}

describe('input state', () => {
  it('says unknown until Xen has spoken', () => {
    expect(initialInputState().target).toBe('unknown');
    expect(targetLabel('unknown')).toBe('?');
    expect(targetLabel('xen')).toBe('XEN');
    expect(targetLabel('dom0')).toBe('DOM0');
  });

  it('learns where input was from the reply to its first switch', () => {
    let s = sent(initialInputState());
    expect(unconfirmedSwitches(s)).toBe(1);
    expect(s.found).toBe('unknown');
    const step = onSwitchMessage(s, msg('xen'), 30, W);
    expect(step.verdict).toBe('confirmed');
    s = step.state;
    expect(s).toMatchObject({ target: 'xen', found: 'dom0', unverified: null });
    expect(unconfirmedSwitches(s)).toBe(0);
  });

  it('remembers a verified target as found when it first switches', () => {
    const s = verifiedAt('dom0');
    expect(s.found).toBe('dom0');
    expect(sent(s).found).toBe('dom0');
  });

  it('counts like Xen: no timeout, bit 7 stripped, any other byte resets', () => {
    let s = sent(initialInputState(), new Uint8Array([A, A]));
    expect(s.heldSwitchBytes).toBe(2);
    s = sent(s, new Uint8Array([0x81])); // 0x81 & 0x7f === Ctrl-A
    expect(s.heldSwitchBytes).toBe(0);
    expect(unconfirmedSwitches(s)).toBe(1);
    s = sent(s, new Uint8Array([A, A, 0x71]));
    expect(s.heldSwitchBytes).toBe(0);
    expect(unconfirmedSwitches(s)).toBe(1);
    // Six at once: two switches. Four: one switch and one held.
    expect(unconfirmedSwitches(sent(initialInputState(), new Uint8Array(6).fill(A)))).toBe(2);
    const four = sent(initialInputState(), new Uint8Array(4).fill(A));
    expect([unconfirmedSwitches(four), four.heldSwitchBytes]).toEqual([1, 1]);
  });

  it('predicts each triple from the verified target and believes only an answer that agrees', () => {
    const atDom0 = verifiedAt('dom0');
    const ok = onSwitchMessage(sent(atDom0, triple, 100), msg('xen'), 120, W);
    expect(ok).toMatchObject({ verdict: 'confirmed', state: { target: 'xen' } });
    const wrong = onSwitchMessage(sent(atDom0, triple, 100), msg('dom0'), 120, W);
    expect(wrong.verdict).toBe('unverified');
    expect(wrong.state.target).toBe('unknown');
    expect(wrong.reason).toMatch(/rotation gives XEN/);
  });

  it('treats a switch message nobody asked for as unverified, whatever it says', () => {
    const atXen = verifiedAt('xen');
    // dom0 (or `xl dmesg`) printing Xen's words while input is at Xen.
    const forged = onSwitchMessage(atXen, msg('dom0'), 9_000, W);
    expect(forged.verdict).toBe('unverified');
    expect(forged.state).toMatchObject({ target: 'unknown', found: 'dom0' });
    expect(forged.state.unverified).toMatch(/no switch of ours was waiting/);
    // Even one that agrees with the truth: a second answer to one switch is not believed.
    const again = onSwitchMessage(atXen, msg('xen'), 9_000, W);
    expect(again.verdict).toBe('unverified');
  });

  it('does not believe an answer that comes after the window (a queued or replayed one)', () => {
    const s = sent(verifiedAt('dom0'), triple, 1_000);
    const late = onSwitchMessage(s, msg('xen'), 1_000 + W + 1, W);
    expect(late.verdict).toBe('unverified');
    expect(late.state.unanswered).toBe(1);
    expect(expirePending(s, 1_000 + W + 1, W).unverified).toMatch(/did not answer a switch/);
  });

  it('predicts several triples in flight and re-predicts them once the first is answered', () => {
    let s = sent(initialInputState(), new Uint8Array(6).fill(A));
    s = said(s, 'xen');
    expect(s.target).toBe('unknown'); // one answer still owed
    expect(s.found).toBe('dom0');
    const second = onSwitchMessage(s, msg('dom0'), 20, W);
    expect(second).toMatchObject({ verdict: 'confirmed', state: { target: 'dom0' } });
    expect(onSwitchMessage(s, msg('xen'), 20, W).verdict).toBe('unverified');
  });

  it('believes Xen’s end-of-boot hand-over after the banner, once, and only when nothing was verified', () => {
    expect(isBootBanner('(XEN) Xen version 4.17.7 (Debian 4.17.7+13) (pkg-xen-devel@…) debug=n')).toBe(true);
    expect(isBootBanner('[    1.064100] Xen version: 4.17.7 (preserve-AD)')).toBe(false);
    const booting = onBootBanner(initialInputState());
    const handOver = onSwitchMessage(booting, msg('dom0'), 10, W);
    expect(handOver).toMatchObject({ verdict: 'boot', state: { target: 'dom0', unverified: null } });
    expect(onSwitchMessage(handOver.state, msg('dom0'), 11, W).verdict).toBe('unverified');
    // A banner in a verified session may be dom0 printing one: re-verify instead of believing it.
    const fake = onBootBanner(verifiedAt('xen'));
    expect(fake.unverified).toMatch(/boot banner/);
    expect(onSwitchMessage(fake, msg('dom0'), 10, W).verdict).toBe('unverified');
  });

  it('infers the rotation: arrow style toggles, 4.12+ rotates through the domains confirmed', () => {
    // Arm dom0less: Xen → DOM0 → DOM1 → Xen. DOM1 is news at first (unverified), then re-learnt.
    let s = said(sent(initialInputState()), 'dom0');
    expect(onSwitchMessage(sent(s), msg('dom1'), 20, W).verdict).toBe('unverified');
    s = said(sent(said(sent(s), 'dom1')), 'dom1');
    expect(s).toMatchObject({ target: 'dom1', maxDomSeen: 1 });
    expect(onSwitchMessage(sent(s), msg('xen'), 20, W).verdict).toBe('confirmed');
    // 4.4–4.11 toggles.
    const arrow = said(sent(initialInputState()), 'dom0', 10, 'arrow');
    expect(onSwitchMessage(sent(arrow), msg('xen', 'arrow'), 20, W).verdict).toBe('confirmed');
  });

  it('forgets the target after a reconnect but keeps where input was found', () => {
    const s = onReconnect(said(sent(verifiedAt('dom0')), 'xen'));
    expect(s).toMatchObject({ target: 'unknown', found: 'dom0' });
    expect(s.unverified).toMatch(/connection dropped/);
    expect(unconfirmedSwitches(s)).toBe(0);
  });

  it('takes back where input was found when a second answer follows the first one it was inferred from', () => {
    // Truth: dom0. Our triple moves input to Xen; a forged "to DOM0" lands first, Xen's answer second.
    let s = sent(initialInputState(), triple, 0);
    s = said(s, 'dom0', 5); // forged, believed for now: found would be Xen
    expect(s.found).toBe('xen');
    const second = onSwitchMessage(s, msg('xen'), 8, W); // Xen's own answer
    expect(second.verdict).toBe('unverified');
    expect(second.state).toMatchObject({ found: 'unknown', foundStepsBack: 1 });
    // Re-learning counts back through both triples: found is dom0 again.
    s = said(sent(second.state, triple, 700), 'dom0', 710);
    expect(s).toMatchObject({ target: 'dom0', found: 'dom0' });
  });

  it('cannot say where input was once a triple went unanswered (its bytes may arrive any time)', () => {
    const s = expirePending(sent(initialInputState(), triple, 0), W + 1, W);
    expect(s).toMatchObject({ found: 'unknown', foundStepsBack: null, unanswered: 1, triplesSent: 1 });
  });

  it('maps conswitch letters to control codes', () => {
    expect(switchCodeFor('a')).toBe(1);
    expect(switchCodeFor('x')).toBe(0x18);
    expect(() => switchCodeFor('A')).toThrow(/a-z/);
  });
});
