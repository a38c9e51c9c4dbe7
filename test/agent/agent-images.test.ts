// The agent's image operations against the real Docker engine and the local registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostClient } from '../../agent/client/agent-client.ts';
import {
  AGENT_PATHS,
  imagePath,
  imageTagPath,
  pullPath,
  type ImageDetail,
  type PullFrame,
  type PullStarted,
  type PullSummary,
  type RemoveImageResult,
} from '../../agent/protocol/messages.ts';
import { createNdjsonParser } from '../../agent/protocol/ndjson.ts';
import { commitImage, docker, inspectImage, pushFreshImage, REGISTRY, removeOurImages, uniquePrefix, waitForBaseImage } from '../images/support.ts';
import { appWithClient } from './support.ts';

const prefix = uniquePrefix('agent-images');
const pushedName = `${prefix}-pull`;
let client: HostClient;
let baseId: string;

async function startPull(reference: string): Promise<PullStarted> {
  const started = await client.request<PullStarted>('POST', AGENT_PATHS.pulls, { reference });
  if (!started.ok) throw new Error(`POST /v1/pulls failed: ${started.message}`);
  return started.data;
}

async function framesOf(pullId: string): Promise<PullFrame[]> {
  const opened = await client.stream('GET', pullPath(pullId));
  if (!opened.ok) throw new Error(`GET ${pullPath(pullId)} failed: ${opened.message}`);
  const frames: PullFrame[] = [];
  for await (const frame of opened.data.pipeThrough(createNdjsonParser()) as unknown as AsyncIterable<PullFrame>) frames.push(frame);
  return frames;
}

beforeAll(async () => {
  baseId = await waitForBaseImage();
  ({ client } = await appWithClient({ app: { docker } }));
});

afterAll(async () => {
  await removeOurImages([prefix, `${REGISTRY}/berth-test/${pushedName}`]);
});

describe('pull jobs', () => {
  it('pulls from the local registry with per-layer progress, then a final done frame with the image id', async () => {
    const reference = await pushFreshImage(pushedName);
    expect(await inspectImage(reference)).toBeNull();

    const started = await startPull(`${REGISTRY}/berth-test/${pushedName}`);
    expect(started.reference).toBe(reference);
    const frames = await framesOf(started.pullId);

    expect(frames[0]).toMatchObject({ type: 'pull', pull: { pullId: started.pullId, reference, actor: 'alice' } });
    const layers = frames.flatMap((frame) => (frame.type === 'layer' ? [frame.layer] : []));
    // The fresh layer was downloaded (bytes known), the base layer was already there.
    expect(layers.some((layer) => layer.total !== undefined && layer.total > 0)).toBe(true);
    expect(layers.some((layer) => layer.status === 'Pull complete')).toBe(true);
    expect(layers.some((layer) => layer.status === 'Already exists')).toBe(true);
    const final = frames.at(-1);
    const pulled = await inspectImage(reference);
    expect(final).toEqual({ type: 'done', imageId: pulled?.Id, message: `Status: Downloaded newer image for ${reference}` });
    expect(frames.filter((frame) => frame.type === 'done' || frame.type === 'error')).toHaveLength(1);

    // Watched again later (a page reload): the same outcome, from the state kept by the agent.
    const again = await framesOf(started.pullId);
    expect(again[0]).toMatchObject({ type: 'pull', pull: { state: 'done', imageId: pulled?.Id } });
    expect(again.at(-1)).toEqual(final);

    const list = await client.request<PullSummary[]>('GET', AGENT_PATHS.pulls);
    expect(list.ok && list.data.find((pull) => pull.pullId === started.pullId)).toMatchObject({ state: 'done', actor: 'alice', reference });
  });

  it('pulls by digest', async () => {
    const reference = `${REGISTRY}/berth-test/${pushedName}`;
    const digest = (await inspectImage(`${reference}:latest`))?.RepoDigests[0]?.split('@')[1];
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const frames = await framesOf((await startPull(`${reference}@${digest}`)).pullId);
    expect(frames.at(-1)).toMatchObject({ type: 'done', imageId: (await inspectImage(`${reference}:latest`))?.Id });
  });

  it("fails a pull of a missing image with the registry's message", async () => {
    const frames = await framesOf((await startPull(`${REGISTRY}/berth-test/${prefix}-missing:latest`)).pullId);
    expect(frames.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('manifest unknown') });
    expect(frames.some((frame) => frame.type === 'done')).toBe(false);
  });

  it('refuses an invalid reference, an unexpected field and an unknown pull', async () => {
    const bad = await client.request('POST', AGENT_PATHS.pulls, { reference: 'UPPER/x' });
    expect(bad).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('"UPPER" has capital letters') });
    const extra = await client.request('POST', AGENT_PATHS.pulls, { reference: 'busybox', fromSrc: '-' });
    expect(extra).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('Unknown field fromSrc') });
    const missing = await client.stream('GET', pullPath(crypto.randomUUID()));
    expect(missing).toMatchObject({ ok: false, status: 404 });
  });
});

describe('image operations', () => {
  it('inspects an image by full id only', async () => {
    const detail = await client.request<ImageDetail>('GET', imagePath(baseId));
    expect(detail.ok && detail.data).toMatchObject({ id: baseId, repoTags: expect.arrayContaining(['berth-test/busybox:latest']) });
    const short = await client.request('GET', imagePath(baseId.slice(7, 19)));
    expect(short).toMatchObject({ ok: false, status: 400 });
  });

  it('tags, refuses an existing tag, and untags only the tag of the expected image', async () => {
    const id = await commitImage(`${prefix}-tagme`, 'one');
    const tagged = await client.request('POST', imagePath(id, 'tag'), { reference: `${prefix}-tagme:two` });
    expect(tagged).toEqual({ ok: true, data: { reference: `${prefix}-tagme:two` } });
    expect((await inspectImage(id))?.RepoTags.sort()).toEqual([`${prefix}-tagme:one`, `${prefix}-tagme:two`]);

    const onOther = await client.request('POST', imagePath(id, 'tag'), { reference: 'berth-test/busybox:latest' });
    expect(onOther).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('already exists; choose another tag') });
    expect((await inspectImage('berth-test/busybox:latest'))?.Id).toBe(baseId);

    const wrongImage = await client.request('DELETE', imageTagPath('berth-test/busybox:latest', id));
    expect(wrongImage).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('names another image') });

    const untagged = await client.request<RemoveImageResult>('DELETE', imageTagPath(`${prefix}-tagme:two`, id));
    expect(untagged).toEqual({ ok: true, data: { untagged: [`${prefix}-tagme:two`], deleted: [] } });
  });

  it('maps Docker refusals to 404 and 409 with its message', async () => {
    const gone = await client.request('DELETE', imagePath(`sha256:${'0'.repeat(64)}`));
    expect(gone).toMatchObject({ ok: false, status: 404, message: expect.stringContaining('No such image') });
    const badFlag = await client.request('DELETE', `${imagePath(baseId)}?force=yes`);
    expect(badFlag).toMatchObject({ ok: false, status: 400, message: 'force must be 1 or 0.' });
  });
});
