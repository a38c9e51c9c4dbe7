/**
 * Password hashing with scrypt (OWASP: N=2^17, r=8, p=1). The stored string
 * carries its own parameters — `scrypt$N$r$p$salt$hash`, salt and hash in
 * unpadded base64 — so the cost can be raised later and old hashes still
 * verify (and are rehashed at the next login, see `needsRehash`).
 *
 * Passwords are normalized to Unicode NFKC before hashing, as NIST SP 800-63B
 * advises: the same password typed on two keyboards (composed or decomposed
 * accents, full-width letters) then hashes the same. Nothing is truncated.
 *
 * `node:crypto` is available on Workers through `nodejs_compat`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's first choice: 128 MiB of memory per hash. */
export const defaultScryptCost: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const saltBytes = 32;
const keyBytes = 64;

/** Parameters a stored hash may carry; anything else is refused rather than run. */
const bounds = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16 };

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; leave room above it (node refuses at its 32 MiB default).
  const maxmem = Math.max(256 * 1024 * 1024, 2 * 128 * cost.N * cost.r * cost.p);
  return new Promise((resolve, reject) => {
    scrypt(normalizePassword(password), salt, keyBytes, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function encode(cost: ScryptCost, salt: Buffer, key: Buffer): string {
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function decode(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((n) => (/^[0-9]{1,8}$/.test(n ?? '') ? Number(n) : NaN)) as [number, number, number];
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < bounds.minLogN || logN > bounds.maxLogN) return null;
  if (!(r >= 1 && r <= bounds.maxR && p >= 1 && p <= bounds.maxP)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 16 || key.length !== keyBytes) return null;
  return { cost: { N, r, p }, salt, key };
}

/** Hashes a new password with a fresh random salt. */
export async function hashPassword(password: string, cost: ScryptCost = defaultScryptCost): Promise<string> {
  const salt = randomBytes(saltBytes);
  return encode(cost, salt, await derive(password, salt, cost));
}

/**
 * True when `password` matches `stored`, compared in constant time. A stored
 * value that is not a Berth hash (or asks for absurd parameters) never matches.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const decoded = decode(stored);
  if (!decoded) return false;
  const key = await derive(password, decoded.salt, decoded.cost);
  return timingSafeEqual(key, decoded.key);
}

/** True when a hash was made with other parameters than `cost` (or is no hash at all). */
export function needsRehash(stored: string, cost: ScryptCost = defaultScryptCost): boolean {
  const decoded = decode(stored);
  return !decoded || decoded.cost.N !== cost.N || decoded.cost.r !== cost.r || decoded.cost.p !== cost.p;
}

/**
 * A hash no password matches (its key is all zeros, which scrypt does not
 * produce in practice), with the given cost. Verifying against it when a
 * username is unknown costs the same time as for a real account, so the
 * answer's timing does not tell whether the account exists.
 */
export function dummyPasswordHash(cost: ScryptCost = defaultScryptCost): string {
  return encode(cost, Buffer.alloc(saltBytes, 0x42), Buffer.alloc(keyBytes, 0));
}
