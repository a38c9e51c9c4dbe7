import { beforeAll, describe, expect, test } from 'vitest';
import { utf8 } from '../../agent/protocol/encoding.ts';
import { generateKeyPair, type KeyPair } from '../../agent/protocol/keys.ts';
import { signResponse, STREAM_DIGEST, verifyResponse, type ResponseToSign } from '../../agent/protocol/response-signing.ts';

let agent: KeyPair;
let stranger: KeyPair;
const response: ResponseToSign = { requestNonce: 'AAAAAAAAAAAAAAAAAAAAAA', status: 200, body: utf8('[{"id":"abc"}]') };

beforeAll(async () => {
  [agent, stranger] = await Promise.all([generateKeyPair(), generateKeyPair()]);
});

describe('response signatures', () => {
  test('a response signed by the agent verifies', async () => {
    const signature = await signResponse(agent.privateKey, response);
    expect(await verifyResponse(agent.publicKey.cryptoKey, signature, response)).toEqual({ ok: true });
  });

  test('a streamed response verifies with the stream marker, and only with it', async () => {
    const streamed = { ...response, body: STREAM_DIGEST } as const;
    const signature = await signResponse(agent.privateKey, streamed);
    expect((await verifyResponse(agent.publicKey.cryptoKey, signature, streamed)).ok).toBe(true);
    expect((await verifyResponse(agent.publicKey.cryptoKey, signature, { ...streamed, body: utf8('stream') })).ok).toBe(false);
  });

  test('a missing signature is reported as such', async () => {
    expect(await verifyResponse(agent.publicKey.cryptoKey, null, response)).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
  });

  test.each<[string, Partial<ResponseToSign>]>([
    ['status', { status: 201 }],
    ['body', { body: utf8('[{"id":"abd"}]') }],
    ['request nonce', { requestNonce: 'AAAAAAAAAAAAAAAAAAAAAB' }],
  ])('a changed %s fails', async (_component, change) => {
    const signature = await signResponse(agent.privateKey, response);
    expect(await verifyResponse(agent.publicKey.cryptoKey, signature, { ...response, ...change })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('a signature by another key fails', async () => {
    const signature = await signResponse(stranger.privateKey, response);
    expect((await verifyResponse(agent.publicKey.cryptoKey, signature, response)).ok).toBe(false);
  });

  test('a garbled signature fails', async () => {
    expect((await verifyResponse(agent.publicKey.cryptoKey, 'not base64!', response)).ok).toBe(false);
  });
});
