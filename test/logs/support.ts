// Shared setup for the log tests: real agents on random ports and real
// busybox containers printing crafted output. Every container is named and
// labelled with this run's id and removed by `cleanup()`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { expect, vi } from 'vitest';
import { createAgentClient, type AgentResult, type HostClient } from '../../agent/client/agent-client.ts';
import type { KeyPair } from '../../agent/protocol/keys.ts';
import { containerLogsPath, LOG_FRAME_MAX_BYTES, type LogOptions } from '../../agent/protocol/log-options.ts';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { createNdjsonParser } from '../../agent/protocol/ndjson.ts';
import { startAgent, type RunningAgent } from '../../agent/server/start-agent.ts';

export const IMAGE = 'berth-test/busybox:latest';
export const docker = new Dockerode();

export const defaultLogOptions: LogOptions = {
  stdout: true,
  stderr: true,
  timestamps: false,
  details: false,
  tail: 'all',
  follow: false,
};

export interface ContainerSpec {
  /** Run by `sh -c`. */
  script: string;
  tty?: boolean;
  logDriver?: string;
  labels?: Record<string, string>;
  /** `--log-opt`s, e.g. `{ labels: 'team' }` so `details` shows that label. */
  logOptions?: Record<string, string>;
  /** Wait until the container has exited (default), or only until it runs. */
  wait?: 'exited' | 'running';
}

export function logTestKit(prefix: string) {
  const runId = crypto.randomUUID().slice(0, 8);
  const containers: Dockerode.Container[] = [];
  const agents: RunningAgent[] = [];
  let tmp: string | undefined;

  /** A container of this run, started, its log written (or, with wait: 'running', being written). */
  async function runContainer(spec: ContainerSpec): Promise<Dockerode.Container> {
    const container = await docker.createContainer({
      name: `berth-test-${prefix}-${runId}-${containers.length}`,
      Image: IMAGE,
      Cmd: ['sh', '-c', spec.script],
      Tty: spec.tty ?? false,
      Labels: { 'berth.test.run': runId, ...spec.labels },
      HostConfig: spec.logDriver || spec.logOptions ? { LogConfig: { Type: spec.logDriver ?? 'json-file', Config: spec.logOptions ?? {} } } : {},
    });
    containers.push(container);
    await container.start();
    if ((spec.wait ?? 'exited') === 'exited') await container.wait();
    else await vi.waitFor(async () => expect((await container.inspect()).State.Running).toBe(true), { timeout: 20_000 });
    return container;
  }

  /** A fresh key-file path in this run's scratch directory (removed by `cleanup()`). */
  async function keyFile(): Promise<string> {
    tmp ??= await mkdtemp(join(tmpdir(), `berth-${prefix}-`));
    return join(tmp, crypto.randomUUID(), 'agent.key');
  }

  /** An agent on a random port that accepts `controlPlane`'s requests. */
  async function startLogAgent(controlPlane: KeyPair, agentDocker: Dockerode = docker): Promise<RunningAgent> {
    const agent = await startAgent({
      controlPlanePublicKey: controlPlane.publicKey.encoded,
      keyFile: await keyFile(),
      listen: { port: 0 },
      docker: agentDocker,
      logger: { error: () => {} },
    });
    agents.push(agent);
    return agent;
  }

  async function cleanup(): Promise<void> {
    await Promise.all(agents.map((agent) => agent.close()));
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => {})));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }

  return { runId, runContainer, startLogAgent, keyFile, cleanup };
}

export function clientFor(agent: RunningAgent, controlPlane: KeyPair, actor = 'alice'): HostClient {
  return createAgentClient({
    privateKey: controlPlane.privateKey,
    publicKey: controlPlane.publicKey.encoded,
    clock: Date.now,
    timeoutMs: 10_000,
  }).forHost({ url: agent.url, agentPublicKey: agent.publicKey.encoded }, actor);
}

/** Opens a container's log through the agent client, frames parsed. */
export async function openFrames(
  client: HostClient,
  containerId: string,
  options: Partial<LogOptions> = {},
): Promise<AgentResult<ReadableStream<LogFrame>>> {
  const result = await client.stream('GET', containerLogsPath(containerId, { ...defaultLogOptions, ...options }));
  if (!result.ok) return result;
  return { ok: true, data: result.data.pipeThrough(createNdjsonParser({ maxLineBytes: LOG_FRAME_MAX_BYTES })) as ReadableStream<LogFrame> };
}

/** Every frame of a log that ends by itself. */
export async function readAllFrames(client: HostClient, containerId: string, options: Partial<LogOptions> = {}): Promise<LogFrame[]> {
  const opened = await openFrames(client, containerId, options);
  if (!opened.ok) throw new Error(`The log did not open: ${opened.kind}: ${opened.message}`);
  const frames: LogFrame[] = [];
  for await (const frame of opened.data) frames.push(frame);
  return frames;
}

export function linesOf(frames: LogFrame[]): { stream: string; line: string }[] {
  return frames.flatMap((frame) => ('stream' in frame ? [{ stream: frame.stream, line: frame.line }] : []));
}
