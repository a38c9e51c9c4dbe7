// Remembers nonces for as long as their request could still pass the
// timestamp check, so a captured request cannot be replayed inside the window.

export type NonceClaim = 'fresh' | 'replayed' | 'full';

export interface NonceCache {
  /**
   * Records `nonce` until `expiresAt` (ms) and says whether it was fresh.
   * Check-and-insert is one synchronous step, so concurrent requests cannot both win.
   */
  claim(nonce: string, expiresAt: number): NonceClaim;
  readonly size: number;
}

export interface NonceCacheOptions {
  /** Upper bound on live entries; size it for the requests expected in two windows. */
  maxEntries: number;
  clock: () => number;
}

/**
 * A bounded nonce cache. When full of live nonces it refuses new ones rather
 * than evicting: evicting a live nonce would reopen it to replay.
 *
 * @example
 * const nonces = createNonceCache({ maxEntries: 100_000, clock: Date.now });
 * nonces.claim(nonce, timestamp + windowMs); // 'fresh' | 'replayed' | 'full'
 */
export function createNonceCache({ maxEntries, clock }: NonceCacheOptions): NonceCache {
  const expiries = new Map<string, number>();

  function sweep(now: number): void {
    for (const [nonce, expiresAt] of expiries) {
      if (expiresAt < now) expiries.delete(nonce);
    }
  }

  return {
    claim(nonce, expiresAt) {
      const now = clock();
      const known = expiries.get(nonce);
      if (known !== undefined && known >= now) return 'replayed';
      // A full sweep is O(n) but only runs when the cache looks full.
      if (known === undefined && expiries.size >= maxEntries) sweep(now);
      if (known === undefined && expiries.size >= maxEntries) return 'full';
      expiries.set(nonce, expiresAt);
      return 'fresh';
    },
    get size() {
      return expiries.size;
    },
  };
}
