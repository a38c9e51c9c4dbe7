// Shared setup for the container tests: a Berth app on a real database with a
// real agent on the local Docker engine, three users, and cleanup of
// everything the test made (other test files share the engine).
import { and, eq } from 'drizzle-orm';
import Dockerode from 'dockerode';
import type { AgentClient } from '../../agent/client/agent-client.ts';
import { auditEvents, resources } from '../../db/schema.ts';
import { startTestAgentHost, type TestAgentHost } from '../support/agent-host.ts';
import { createSignedInUser, createTestApp, testAgentClient } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

export const IMAGE = 'berth-test/busybox:latest';
/** Runs until stopped and stops at once on SIGTERM (a bare `sleep` as PID 1 ignores it for Docker's 10 s). */
export const STOPPABLE = `sh -c "trap 'exit 0' TERM; while true; do sleep 1; done"`;
export const STOPPABLE_ARGV = ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"];

export type Fields = Record<string, string>;
type SignedIn = Awaited<ReturnType<typeof createSignedInUser>>;

export interface ContainersTestbed {
  db: TestDatabase;
  /** The control plane's signed client, for another app on the same host (e.g. a real server for a browser). */
  agents: AgentClient;
  local: TestAgentHost;
  docker: Dockerode;
  /** Unique per test file: every container and image name starts with it. */
  prefix: string;
  imageId: string;
  alice: SignedIn;
  bob: SignedIn;
  admin: SignedIn;
  request: Awaited<ReturnType<typeof createTestApp>>['request'];
  postForm: Awaited<ReturnType<typeof createTestApp>>['postForm'];
  /** POST /containers as `user` (htmx), defaults: our image, the stoppable command, started. */
  create(user: SignedIn, fields?: Fields): Promise<Response>;
  /** A container made with the Docker API directly, outside Berth, running. */
  createOutside(name: string, options?: { labels?: Record<string, string>; env?: string[] }): Promise<string>;
  /** Docker's view of a container, or null once it is gone. */
  inspect(id: string): Promise<Dockerode.ContainerInspectInfo | null>;
  /** The container ids in the /containers page as `user` sees it. */
  listedIds(user: SignedIn): Promise<string[]>;
  auditFor(targetId: string): Promise<(typeof auditEvents.$inferSelect)[]>;
  auditNamed(targetName: string): Promise<(typeof auditEvents.$inferSelect)[]>;
  resourceRow(kind: 'container' | 'image', dockerId: string): Promise<typeof resources.$inferSelect | null>;
  close(): Promise<void>;
}

/** The container id in a rendered row. */
export function idFromRow(html: string): string {
  const match = /data-container-id="([0-9a-f]{64})"/.exec(html);
  if (!match?.[1]) throw new Error(`No container row in: ${html.slice(0, 500)}`);
  return match[1];
}

export async function startContainersTestbed(name: string): Promise<ContainersTestbed> {
  const docker = new Dockerode();
  // The test setup checked that the image exists.
  const imageId = (await docker.getImage(IMAGE).inspect()).Id;
  const prefix = `berth-t-${name}-${crypto.randomUUID().slice(0, 8)}`;
  const db = await createTestDatabase();
  const { keys, agents } = await testAgentClient();
  const local = await startTestAgentHost({ db, agents, keys, name: 'local' });
  const { request, postForm } = await createTestApp({ db, agents });
  const [alice, bob, admin] = await Promise.all([
    createSignedInUser(db, 'alice'),
    createSignedInUser(db, 'bob'),
    createSignedInUser(db, 'root', 'admin'),
  ]);

  async function inspect(id: string) {
    try {
      return await docker.getContainer(id).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  return {
    db,
    agents,
    local,
    docker,
    prefix,
    imageId,
    alice,
    bob,
    admin,
    request,
    postForm,
    create: async (user, fields = {}) =>
      postForm('/containers', { host: 'local', image: imageId, command: STOPPABLE, start: '1', restart: 'no', ...fields }, { cookie: user.cookie, htmx: true }),
    async createOutside(containerName, { labels = {}, env = [] } = {}) {
      const container = await docker.createContainer({ name: containerName, Image: IMAGE, Cmd: STOPPABLE_ARGV, Labels: labels, Env: env });
      await container.start();
      return container.id;
    },
    inspect,
    async listedIds(user) {
      const response = await request('/containers', { cookie: user.cookie });
      if (response.status !== 200) throw new Error(`GET /containers answered ${response.status}`);
      return [...(await response.text()).matchAll(/data-container-id="([0-9a-f]{64})"/g)].map((match) => match[1] ?? '');
    },
    auditFor: (targetId) => db.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(auditEvents.id),
    auditNamed: (targetName) => db.db.select().from(auditEvents).where(eq(auditEvents.targetName, targetName)).orderBy(auditEvents.id),
    async resourceRow(kind, dockerId) {
      const [row] = await db.db
        .select()
        .from(resources)
        .where(and(eq(resources.hostId, local.host.id), eq(resources.kind, kind), eq(resources.dockerId, dockerId)));
      return row ?? null;
    },
    async close() {
      const ours = await docker.listContainers({ all: true, filters: { name: [prefix] } });
      await Promise.all(ours.map((container) => docker.getContainer(container.Id).remove({ force: true }).catch(() => {})));
      const images = await docker.listImages({ filters: { reference: [`${prefix}/*`, `${prefix}/*:*`] } });
      await Promise.all(images.map((image) => docker.getImage(image.Id).remove({ force: true }).catch(() => {})));
      await local.close();
      await db.drop();
    },
  };
}

export { textOf } from '../support/text-of.ts';
