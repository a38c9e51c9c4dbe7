import { describe, expect, it } from 'vitest';
import {
  defaultScryptCost,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../functions/auth/password.ts';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 32-byte salt and a 64-byte key, and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple', cheap);
    const [scheme, N, r, p, salt, key] = hash.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '1024', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(32);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(64);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password', cheap)).not.toBe(await hashPassword('same password', cheap));
  });

  it('uses the OWASP cost by default (N=2^17, r=8, p=1) and it runs within the memory bound', async () => {
    expect(defaultScryptCost).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const hash = await hashPassword('a real-cost password');
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await verifyPassword(hash, 'a real-cost password')).toBe(true);
  });

  it('never truncates: a long password and the same one with one more character differ', async () => {
    const long = 'x'.repeat(1023);
    const hash = await hashPassword(long, cheap);
    expect(await verifyPassword(hash, long)).toBe(true);
    expect(await verifyPassword(hash, `${long}y`)).toBe(false);
    expect(await verifyPassword(hash, long.slice(0, 72))).toBe(false);
  });

  it('normalizes Unicode (NFKC): composed and decomposed accents are the same password', async () => {
    const composed = 'caf\u00e9 \u00fcber \u2713';
    const decomposed = 'cafe\u0301 u\u0308ber \u2713';
    const hash = await hashPassword(composed, cheap);
    expect(await verifyPassword(hash, decomposed)).toBe(true);
    expect(await verifyPassword(hash, 'cafe uber \u2713')).toBe(false);
  });

  it('refuses stored values that are not Berth hashes, or that ask for absurd parameters, without throwing', async () => {
    const good = await hashPassword('password1', cheap);
    const [, , , , salt, key] = good.split('$');
    for (const stored of [
      '',
      'test-only:not-a-hash',
      'plain-text-password1',
      `scrypt$1024$8$1$${salt}`,
      `scrypt$1000$8$1$${salt}$${key}`,
      `scrypt$${2 ** 30}$8$1$${salt}$${key}`,
      `scrypt$1024$999$1$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}$${key}AAAA`,
      `argon2id$1024$8$1$${salt}$${key}`,
    ]) {
      expect(await verifyPassword(stored, 'password1'), stored).toBe(false);
    }
  });

  it('knows when a hash was made at another cost', async () => {
    const hash = await hashPassword('password1', cheap);
    expect(needsRehash(hash, cheap)).toBe(false);
    expect(needsRehash(hash, defaultScryptCost)).toBe(true);
    expect(needsRehash('test-only:not-a-hash', cheap)).toBe(true);
  });

  it('has a dummy hash at the configured cost that no password matches', async () => {
    const dummy = dummyPasswordHash(cheap);
    expect(dummy.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(needsRehash(dummy, cheap)).toBe(false);
    for (const guess of ['', 'password', 'x'.repeat(1024)]) expect(await verifyPassword(dummy, guess)).toBe(false);
  });
});
