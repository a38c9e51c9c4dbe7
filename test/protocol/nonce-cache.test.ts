import { describe, expect, test } from 'vitest';
import { createNonceCache } from '../../agent/protocol/nonce-cache.ts';

function cacheAt(start: number, maxEntries = 3) {
  const clock = { now: start };
  const cache = createNonceCache({ maxEntries, clock: () => clock.now });
  return { clock, cache };
}

describe('nonce cache', () => {
  test('a nonce is fresh once, then replayed until it expires', () => {
    const { clock, cache } = cacheAt(1_000);
    expect(cache.claim('a', 2_000)).toBe('fresh');
    expect(cache.claim('a', 2_000)).toBe('replayed');
    clock.now = 2_000;
    expect(cache.claim('a', 3_000)).toBe('replayed');
    clock.now = 2_001;
    expect(cache.claim('a', 3_000)).toBe('fresh');
  });

  test('when full of live nonces it refuses new ones instead of evicting', () => {
    const { cache } = cacheAt(1_000);
    for (const nonce of ['a', 'b', 'c']) expect(cache.claim(nonce, 5_000)).toBe('fresh');
    expect(cache.claim('d', 5_000)).toBe('full');
    // The live ones are all still remembered.
    for (const nonce of ['a', 'b', 'c']) expect(cache.claim(nonce, 5_000)).toBe('replayed');
    expect(cache.size).toBe(3);
  });

  test('expired nonces make room again', () => {
    const { clock, cache } = cacheAt(1_000);
    cache.claim('a', 1_500);
    cache.claim('b', 9_000);
    cache.claim('c', 1_500);
    clock.now = 2_000;
    expect(cache.claim('d', 9_000)).toBe('fresh');
    expect(cache.size).toBe(2);
  });
});
