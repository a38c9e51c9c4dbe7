import type Dockerode from 'dockerode';
import type { ContainerAction, ContainerActionResult } from '../protocol/messages.ts';
import { findContainerSummary } from './containers.ts';

const DONE: Record<ContainerAction, string> = {
  start: 'Started.',
  stop: 'Stopped.',
  kill: 'Killed.',
  restart: 'Restarted.',
  pause: 'Paused.',
  unpause: 'Unpaused.',
};

/**
 * Which refusals mean "already in the wanted state". Docker answers 304 for
 * start/stop; pause, unpause and kill answer 409 (unpause 500 on older
 * engines), so for those the container's state decides.
 */
const ALREADY: Partial<
  Record<ContainerAction, { statuses: number[]; when?: (state: Dockerode.ContainerInspectInfo['State']) => boolean; message: string }>
> = {
  start: { statuses: [304], message: 'The container was already running; nothing changed.' },
  stop: { statuses: [304], message: 'The container was already stopped; nothing changed.' },
  pause: { statuses: [409, 500], when: (state) => state.Paused, message: 'The container was already paused; nothing changed.' },
  unpause: { statuses: [409, 500], when: (state) => state.Running && !state.Paused, message: 'The container was not paused; nothing changed.' },
  kill: { statuses: [409, 500], when: (state) => !state.Running, message: 'The container was not running; nothing changed.' },
};

/** Runs one action; Docker's "already so" is a no-op result, every other failure is thrown. */
export async function runContainerAction(docker: Dockerode, id: string, action: ContainerAction): Promise<ContainerActionResult> {
  const container = docker.getContainer(id);
  let changed = true;
  let message = DONE[action];
  const run: Record<ContainerAction, () => Promise<unknown>> = {
    start: () => container.start(),
    stop: () => container.stop(),
    kill: () => container.kill(),
    restart: () => container.restart(),
    pause: () => container.pause(),
    unpause: () => container.unpause(),
  };
  try {
    await run[action]();
  } catch (error) {
    const already = ALREADY[action];
    if (!already || !already.statuses.includes(statusOf(error) ?? 0)) throw error;
    if (already.when && !already.when((await container.inspect()).State)) throw error;
    changed = false;
    message = already.message;
  }
  return { changed, message, container: await findContainerSummary(docker, id) };
}

/** Removes the container; without `force` Docker refuses a running one (409, its own message). */
export async function removeContainer(docker: Dockerode, id: string, force: boolean): Promise<ContainerActionResult> {
  await docker.getContainer(id).remove({ force });
  return { changed: true, message: force ? 'Removed (forced).' : 'Removed.', container: null };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
