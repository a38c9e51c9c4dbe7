// The pull outcome trusts only a signed answer: the image claimed as public
// is the one a signed inspect names, never the id in the (unsigned) pull
// stream, and never an image a user's workspace holds. A real agent, real
// Docker and MySQL; only the pull stream is forged, as a man in the middle of
// a non-TLS agent connection could.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostClient } from '../../agent/client/agent-client.ts';
import type { PullFrame } from '../../agent/protocol/messages.ts';
import { claimResource } from '../../db/queries/resources.ts';
import { auditEvents, resources } from '../../db/schema.ts';
import { recordPullOutcome } from '../../functions/images/pull-outcome.ts';
import { startTestAgentHost, type TestAgentHost } from '../support/agent-host.ts';
import { testAgentClient, testLogger } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { commitImage, removeOurImages, uniquePrefix } from './support.ts';

const prefix = uniquePrefix('pull-outcome');
let db: TestDatabase;
let local: TestAgentHost;
/** Alice's private image, with its row in her workspace. */
let privateId: string;
const privateReference = `${prefix}-private:1`;
/** An image no workspace holds yet, standing for a freshly pulled one. */
let pulledId: string;
const pulledReference = `${prefix}-pulled:1`;

const logger = testLogger();

async function rowOf(imageId: string) {
  const [row] = await db.db
    .select()
    .from(resources)
    .where(and(eq(resources.hostId, local.host.id), eq(resources.kind, 'image'), eq(resources.dockerId, imageId)));
  return row ?? null;
}

/** The real signed client, except that the pull stream says `done` with `imageId`. */
function forgedStream(imageId: string): HostClient {
  const real = local.client('alice');
  const frame: PullFrame = { type: 'done', imageId, message: 'Pulled.' };
  return {
    ...real,
    request: real.request.bind(real),
    stream: async () => ({ ok: true, data: new Response(`${JSON.stringify(frame)}\n`).body! }),
  };
}

async function outcome(reference: string, imageId: string, pullId: string) {
  await recordPullOutcome(
    { db: db.db, clock: Date.now, logger, retryDelaysMs: [] },
    { actor: { type: 'user', id: 1, name: 'bob' }, clientIp: null, requestId: pullId },
    local.host,
    forgedStream(imageId),
    { pullId, reference },
  );
  expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  return db.db.select().from(auditEvents).where(eq(auditEvents.requestId, pullId));
}

beforeAll(async () => {
  privateId = await commitImage(`${prefix}-private`, '1', { owner: 'alice' });
  pulledId = await commitImage(`${prefix}-pulled`, '1');
  db = await createTestDatabase();
  const { keys, agents } = await testAgentClient();
  local = await startTestAgentHost({ db, agents, keys, name: 'local' });
  await claimResource(db.db, {
    hostId: local.host.id,
    kind: 'image',
    dockerId: privateId,
    workspace: 'alice',
    origin: 'platform',
    createdBy: 'alice',
    name: privateReference,
    createdAt: new Date(),
  });
});
afterAll(async () => {
  await removeOurImages([prefix]);
  await local?.close();
  await db?.drop();
});

it("claims the image a signed inspect of the reference names, not the stream's image id", async () => {
  const records = await outcome(pulledReference, privateId, crypto.randomUUID());
  expect(await rowOf(pulledId)).toMatchObject({ workspace: 'public', origin: 'platform', createdBy: 'bob', name: pulledReference });
  expect(await rowOf(privateId)).toMatchObject({ workspace: 'alice' });
  expect(records).toMatchObject([{ action: 'image.pull', outcome: 'success', targetId: pulledId, targetName: pulledReference }]);
});

it("never makes an image a user's workspace holds public", async () => {
  const records = await outcome(privateReference, privateId, crypto.randomUUID());
  expect(await rowOf(privateId)).toMatchObject({ workspace: 'alice', createdBy: 'alice' });
  expect(records).toMatchObject([{ action: 'image.pull', outcome: 'success', targetId: privateId }]);
  expect(records[0]?.message).toContain('belongs to a private workspace and stays there');
});

it('records a failure, and claims nothing, when the reference names no image on the host', async () => {
  const records = await outcome(`${prefix}-absent:1`, privateId, crypto.randomUUID());
  expect(await rowOf(privateId)).toMatchObject({ workspace: 'alice' });
  expect(records).toMatchObject([{ action: 'image.pull', outcome: 'failure', targetId: null }]);
  expect(records[0]?.message).toContain('nothing was made public');
});
