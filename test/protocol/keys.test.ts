import { describe, expect, test } from 'vitest';
import { sha256Hex, toBase64url } from '../../agent/protocol/encoding.ts';
import {
  exportPrivateKeyPem,
  generateKeyPair,
  importKeyPair,
  importPublicKey,
  KeyFormatError,
  keyIdOf,
} from '../../agent/protocol/keys.ts';

describe('keys', () => {
  test('a public key is 43 base64url chars and its key id is the first 16 hex chars of its SHA-256', async () => {
    const { publicKey } = await generateKeyPair();
    expect(publicKey.encoded).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey.cryptoKey));
    expect(publicKey.keyId).toBe((await sha256Hex(raw)).slice(0, 16));
    expect(await keyIdOf(publicKey.encoded)).toBe(publicKey.keyId);
  });

  test('a private key survives PEM export and import, and its public half is derived', async () => {
    const pair = await generateKeyPair();
    const pem = await exportPrivateKeyPem(pair.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    const imported = await importKeyPair(pem);
    expect(imported.publicKey.encoded).toBe(pair.publicKey.encoded);
    expect(imported.privateKey.extractable).toBe(false);

    const data = new TextEncoder().encode('hello');
    const signature = await crypto.subtle.sign('Ed25519', imported.privateKey, data);
    expect(await crypto.subtle.verify('Ed25519', pair.publicKey.cryptoKey, signature, data)).toBe(true);
  });

  test('a private key is also accepted as base64url PKCS#8', async () => {
    const pair = await generateKeyPair();
    const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    expect((await importKeyPair(toBase64url(der))).publicKey.keyId).toBe(pair.publicKey.keyId);
  });

  test.each([
    ['empty', ''],
    ['too short', 'AAAA'],
    ['not base64', '!'.repeat(43)],
    ['33 bytes', toBase64url(new Uint8Array(33))],
  ])('a %s public key is refused with KeyFormatError', async (_case, encoded) => {
    await expect(importPublicKey(encoded)).rejects.toBeInstanceOf(KeyFormatError);
  });

  test('garbage private keys are refused with KeyFormatError', async () => {
    await expect(importKeyPair('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).rejects.toBeInstanceOf(
      KeyFormatError,
    );
    await expect(importKeyPair('not a key')).rejects.toBeInstanceOf(KeyFormatError);
  });
});
