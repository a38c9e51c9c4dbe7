// Ed25519 keys for the signed channel, on Web Crypto only.
// Public keys travel as base64url of the raw 32 bytes (short enough for a
// flag or an env var); private keys are PKCS#8, stored as PEM.
import { decodeBase64, sha256Hex, toBase64, toBase64url } from './encoding.ts';

const ED25519 = { name: 'Ed25519' } as const;

export interface PublicKey {
  /** base64url of the raw 32-byte key: what operators copy and hosts store. */
  encoded: string;
  /** First 16 hex chars of SHA-256 of the raw key: names the key in headers. */
  keyId: string;
  cryptoKey: CryptoKey;
}

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: PublicKey;
}

/** Thrown for malformed key material: a configuration error, not a runtime outcome. */
export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

/** Key id of a raw public key, e.g. `await keyIdOf(publicKey.encoded)`. */
export async function keyIdOf(encodedPublicKey: string): Promise<string> {
  return keyIdOfRaw(decodeRawPublicKey(encodedPublicKey));
}

async function keyIdOfRaw(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  return (await sha256Hex(raw)).slice(0, 16);
}

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: await importPublicKey(toBase64url(raw)) };
}

/** Imports a base64url raw Ed25519 public key; throws KeyFormatError when it is not one. */
export async function importPublicKey(encoded: string): Promise<PublicKey> {
  const raw = decodeRawPublicKey(encoded);
  try {
    const cryptoKey = await crypto.subtle.importKey('raw', raw, ED25519, true, ['verify']);
    return { encoded: toBase64url(raw), keyId: await keyIdOfRaw(raw), cryptoKey };
  } catch (error) {
    throw new KeyFormatError(`Not a valid Ed25519 public key: ${String(error)}`);
  }
}

/** PKCS#8 PEM of an extractable private key (as made by generateKeyPair). */
export async function exportPrivateKeyPem(privateKey: CryptoKey): Promise<string> {
  const der = toBase64(new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey)));
  const lines = der.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PRIVATE KEY-----', ...lines, '-----END PRIVATE KEY-----', ''].join('\n');
}

/**
 * Imports a PKCS#8 Ed25519 private key given as PEM or as base64url DER, and
 * derives its public key (Web Crypto has no direct way, the JWK form carries it).
 * The returned private key is not extractable.
 */
export async function importKeyPair(pkcs8: string): Promise<KeyPair> {
  const der = decodePkcs8(pkcs8);
  let extractable: CryptoKey;
  try {
    extractable = await crypto.subtle.importKey('pkcs8', der, ED25519, true, ['sign']);
  } catch (error) {
    throw new KeyFormatError(`Not a valid Ed25519 PKCS#8 private key: ${String(error)}`);
  }
  const jwk = await crypto.subtle.exportKey('jwk', extractable);
  if (typeof jwk.x !== 'string') throw new KeyFormatError('Private key carries no public half.');
  const privateKey = await crypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign']);
  return { privateKey, publicKey: await importPublicKey(jwk.x) };
}

function decodeRawPublicKey(encoded: string): Uint8Array<ArrayBuffer> {
  const raw = decodeBase64(encoded.trim());
  if (raw?.length !== 32) {
    throw new KeyFormatError('An Ed25519 public key is 32 bytes written as base64url (43 characters).');
  }
  return raw;
}

function decodePkcs8(text: string): Uint8Array<ArrayBuffer> {
  const pem = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(text);
  const der = decodeBase64(pem ? (pem[1] ?? '').replace(/\s+/g, '') : text.trim());
  if (!der || der.length === 0) {
    throw new KeyFormatError('A private key is PKCS#8, written as PEM or as base64url.');
  }
  return der;
}
