// A real agent process (bin/berth-agent.js), as an operator starts it on a host.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/berth-agent.js');
const START_TIMEOUT_MS = 30_000;

export interface AgentProcess {
  url: string;
  port: number;
  /** What the agent printed as its public key: what an admin enrolls. */
  publicKey: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export interface AgentProcessOptions {
  controlPlaneKey: string;
  keyFile: string;
  dockerSocket: string;
  /** 0 (default) picks a free port; pass the old port to restart an agent where it was. */
  port?: number;
}

/** Starts the agent and waits (bounded) until it has printed its address and key. */
export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  // Keep the caller's BERTH_* settings out of the agent.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BERTH_')));
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--listen', `127.0.0.1:${options.port ?? 0}`,
      // `=`: a base64url key may start with "-", which would read as another flag.
      `--control-plane-key=${options.controlPlaneKey}`,
      '--key-file', options.keyFile,
      '--docker-socket', options.dockerSocket,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = await new Promise<{ url: string; publicKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The agent did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      const publicKey = /agent public key: (\S+)\n/.exec(stdout)?.[1];
      if (url && publicKey) {
        clearTimeout(timer);
        resolve({ url, publicKey });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The agent exited at start: ${stderr}`));
    });
  });
  return { ...started, port: Number(new URL(started.url).port), child, exited };
}

/** Kills the agent at once (no graceful close: a crashed host) and waits until it is gone. */
export async function killAgentProcess(agent: AgentProcess): Promise<void> {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await agent.exited;
}
