/**
 * A second Docker engine on this machine, standing in for a second host.
 *
 * It lives in a network namespace of its own (`berth-h2`), as another machine
 * would: `ip netns add berth-h2`, `lo` up, then `dockerd` started under
 * `nsenter --net=/var/run/netns/berth-h2` with its own socket, data root,
 * exec root and pid file, logging to /run/berth-h2/dockerd.log. Two traps:
 * `ip netns exec` hides the cgroup mounts (dockerd refuses to start), and
 * `--bridge none` outside its own namespace would delete the main engine's
 * `docker0`. With no bridge there, containers on this engine use `--network none`.
 *
 * Needs root. Idempotent: a running engine is reused across test files and
 * runs (it is left running); two callers racing to start it both end up with
 * the one engine, since dockerd refuses a second start on the same pid file.
 * The main engine is never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';

const run = promisify(execFile);

export const SECOND_ENGINE_NETNS = 'berth-h2';
const RUN_DIR = `/run/${SECOND_ENGINE_NETNS}`;
export const SECOND_ENGINE_SOCKET = `${RUN_DIR}/docker.sock`;
const LOG_FILE = `${RUN_DIR}/dockerd.log`;
const START_TIMEOUT_MS = 60_000;
const TEST_IMAGE = 'berth-test/busybox:latest';

export interface SecondEngine {
  socket: string;
  docker: Dockerode;
}

let ready: Promise<SecondEngine> | undefined;

/** The second engine, started if needed, with the test busybox image loaded. Once per test file. */
export function secondEngine(): Promise<SecondEngine> {
  ready ??= startSecondEngine();
  return ready;
}

async function startSecondEngine(): Promise<SecondEngine> {
  const docker = new Dockerode({ socketPath: SECOND_ENGINE_SOCKET });
  if (!(await answers(docker))) {
    await ensureNamespace();
    await mkdir(RUN_DIR, { recursive: true });
    spawnDockerd();
    await waitUntilAnswers(docker);
  }
  await loadTestImage(docker);
  return { socket: SECOND_ENGINE_SOCKET, docker };
}

async function answers(docker: Dockerode): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

async function ensureNamespace(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']);
  const exists = stdout.split('\n').some((line) => line.split(' ')[0] === SECOND_ENGINE_NETNS);
  if (!exists) {
    try {
      await run('ip', ['netns', 'add', SECOND_ENGINE_NETNS]);
    } catch (error) {
      // Another test file may have added it a moment ago.
      if (!String((error as { stderr?: string }).stderr).includes('File exists')) throw error;
    }
  }
  await run('ip', ['-n', SECOND_ENGINE_NETNS, 'link', 'set', 'lo', 'up']);
}

function spawnDockerd(): void {
  const log = openSync(LOG_FILE, 'a');
  const child = spawn(
    'nsenter',
    [
      `--net=/var/run/netns/${SECOND_ENGINE_NETNS}`,
      'dockerd',
      '--host', `unix://${SECOND_ENGINE_SOCKET}`,
      '--data-root', `/var/lib/${SECOND_ENGINE_NETNS}`,
      '--exec-root', `${RUN_DIR}/exec`,
      '--pidfile', `${RUN_DIR}/docker.pid`,
      // Safe only because it runs inside its own namespace (see the top of this file).
      '--bridge', 'none',
      '--iptables=false',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  // It outlives this test run on purpose: the next file or run reuses it.
  child.unref();
  closeSync(log);
}

async function waitUntilAnswers(docker: Dockerode): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (existsSync(SECOND_ENGINE_SOCKET) && (await answers(docker))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The second Docker engine did not answer on ${SECOND_ENGINE_SOCKET} within ${START_TIMEOUT_MS / 1000} s; see ${LOG_FILE}.`);
}

/** Copies the locally built busybox image from the main engine, unless it is there already. */
async function loadTestImage(docker: Dockerode): Promise<void> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch {
    // Not there yet: load it below.
  }
  const main = new Dockerode();
  const tar = await main.getImage(TEST_IMAGE).get();
  const loading = await docker.loadImage(tar);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(loading, (error) => (error ? reject(error) : resolve())));
}
