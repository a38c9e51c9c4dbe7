import { describe, expect, it } from 'vitest';
import { attemptedName, checkNewPassword, checkUsername } from '../../functions/auth/credentials.ts';
import { afterFailure, loginThrottleKeys, loginThrottlePolicy } from '../../functions/auth/login-throttle.ts';

describe('username rule', () => {
  it.each([
    ['abc', true],
    ['Alice.B_c-9', true],
    ['a'.repeat(32), true],
    ['ab', false],
    ['a'.repeat(33), false],
    ['', false],
    ['a'.repeat(10_000), false],
    ['bad name', false],
    ['tab\there', false],
    ['nul\u0000x', false],
    ['new\nline', false],
    ['<script>alert(1)</script>', false],
    ['"quoted"', false],
    ['caf\u00e9', false],
    ['deleted:bob', false],
  ])('%j → %s', (name, ok) => {
    const checked = checkUsername(name);
    expect(checked.ok).toBe(ok);
    if (!checked.ok) expect(checked.message).toMatch(/username/i);
  });
});

describe('password rule', () => {
  it.each([
    ['1234567', false, /at least 8/],
    ['12345678', true, null],
    ['\u{1F511}'.repeat(7), false, /at least 8/], // 7 code points though 14 UTF-16 units
    ['\u{1F511}'.repeat(8), true, null],
    ['x'.repeat(1024), true, null],
    ['x'.repeat(1025), false, /at most 1024/],
    ['x'.repeat(10_000), false, /at most 1024/],
    ['', false, /Enter a password/],
    ['        ', true, null], // no composition rules
    ['pässwörd ✓ 密码', true, null],
  ])('%#: %s chars → %s', (password, ok, message) => {
    const checked = checkNewPassword(password);
    expect(checked.ok).toBe(ok);
    if (!checked.ok) expect(checked.message).toMatch(message!);
  });

  it('keeps a tried name whole up to 64 characters and cuts a longer one for the audit record', () => {
    expect(attemptedName('alice')).toBe('alice');
    expect([...attemptedName('\u{1F511}'.repeat(100))]).toHaveLength(64);
  });
});

describe('login throttle rule', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const { windowMs, firstBlockMs, maxBlockMs } = loginThrottlePolicy;

  function fail(times: number, start: number, step: number, max = 5) {
    let state = null as ReturnType<typeof afterFailure> | null;
    for (let i = 0; i < times; i++) state = afterFailure(state, start + i * step, max);
    return state!;
  }

  it('counts failures and blocks at the fifth for 30 s', () => {
    expect(fail(4, t0, 1000).blockedUntil).toBeNull();
    const fifth = fail(5, t0, 1000);
    expect(fifth.failures).toBe(5);
    expect(fifth.blockedUntil!.getTime()).toBe(t0 + 4000 + firstBlockMs);
  });

  it('doubles the block with each further failure, up to 15 minutes', () => {
    let state = fail(5, t0, 0);
    let now = t0;
    const blocks: number[] = [];
    for (let i = 0; i < 8; i++) {
      now = state.blockedUntil!.getTime();
      state = afterFailure(state, now, 5);
      blocks.push(state.blockedUntil!.getTime() - now);
    }
    expect(blocks.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(Math.max(...blocks)).toBe(maxBlockMs);
  });

  it('forgets failures older than the window, and a block a window after it ended', () => {
    expect(afterFailure(fail(4, t0, 1000), t0 + windowMs + 3000, 5)).toMatchObject({ failures: 1, blockedUntil: null });
    const blocked = fail(5, t0, 0);
    expect(afterFailure(blocked, blocked.blockedUntil!.getTime() + 1000, 5).failures).toBe(6);
    expect(afterFailure(blocked, blocked.blockedUntil!.getTime() + windowMs, 5)).toMatchObject({ failures: 1, blockedUntil: null });
  });

  it('keys a valid name by its lower case and always the address; an impossible name only by address', () => {
    expect(loginThrottleKeys('Alice', '192.0.2.7')).toEqual(['user:alice', 'ip:192.0.2.7']);
    expect(loginThrottleKeys('<b>'.repeat(5000), '192.0.2.7')).toEqual(['ip:192.0.2.7']);
    expect(loginThrottleKeys('alice', null)).toEqual(['user:alice']);
    expect(loginThrottleKeys('alice', 'x'.repeat(500))[1]!.length).toBeLessThanOrEqual(128);
  });
});
