// A container's log from Docker as a stream of frames, read only as fast as
// the consumer reads: nothing here ever holds more than a piece and a line.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogOptions } from '../protocol/log-options.ts';
import type { LogEndReason, LogFrame } from '../protocol/messages.ts';
import { createLogDemuxer, rawLogPieces } from './log-demux.ts';
import { createLogLineSplitter } from './log-lines.ts';

/** Docker's refusal carries its status, its message, and the container's logging driver (for a driver that cannot be read). */
export type OpenedLogs =
  | { ok: true; frames: ReadableStream<LogFrame[]> }
  | { ok: false; statusCode: number; message: string; logDriver: string };

/** Longest Docker error body read (they are one JSON sentence). */
const MAX_ERROR_BYTES = 64 * 1024;
/** After a followed stream ends, how long Docker may take to report the container as stopped. */
const SETTLE_TRIES = 20;
const SETTLE_INTERVAL_MS = 100;

/**
 * Opens the log: inspects the container first (TTY → raw stream, otherwise
 * multiplexed), then streams batches of frames (one per chunk Docker sent)
 * ending with `{type:'end'}` or `{type:'error'}`. Cancelling the returned stream closes the Docker request.
 * A missing container throws (dockerode's 404, a `not-found` for the agent's
 * error handler).
 *
 * @example
 * const opened = await openContainerLogs(docker, id, { ...options, follow: true });
 * if (opened.ok) return new Response(opened.frames.pipeThrough(createNdjsonBatchSerializer()));
 */
export async function openContainerLogs(docker: Dockerode, containerId: string, options: LogOptions): Promise<OpenedLogs> {
  const container = docker.getContainer(containerId);
  const info = await container.inspect();
  const response = await dialLogs(docker, info.Id, options);
  if (response.statusCode !== 200) {
    const message = await readDockerMessage(response);
    return { ok: false, statusCode: response.statusCode ?? 500, message, logDriver: info.HostConfig.LogConfig?.Type ?? 'unknown' };
  }
  const tty = info.Config.Tty;
  const lines = (Readable.toWeb(response) as ReadableStream<Uint8Array>)
    .pipeThrough(tty ? rawLogPieces() : createLogDemuxer())
    .pipeThrough(createLogLineSplitter({ timestamps: options.timestamps, details: options.details, prefixAt: tty ? 'line' : 'message' }));
  return { ok: true, frames: withLastFrame(lines, () => endReason(container, options)) };
}

function dialLogs(docker: Dockerode, id: string, options: LogOptions): Promise<IncomingMessage> {
  const query: Record<string, string | number | boolean> = {
    stdout: options.stdout,
    stderr: options.stderr,
    timestamps: options.timestamps,
    details: options.details,
    follow: options.follow,
    tail: options.tail,
  };
  if (options.since !== undefined) query.since = options.since;
  if (options.until !== undefined) query.until = options.until;
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        // Always a stream: for a log that is not followed dockerode would otherwise gather the whole body.
        isStream: true,
        // Every answer comes back as the response, so Docker's own message can be read from it.
        statusCodes: { 200: true, 400: true, 404: true, 409: true, 500: true, 501: true },
        options: query,
      },
      (error, response) => (error ? reject(error) : resolve(response as IncomingMessage)),
    );
  });
}

async function readDockerMessage(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_ERROR_BYTES) {
      response.destroy();
      break;
    }
  }
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: Docker's text as it is.
  }
  return text.trim() || `HTTP ${response.statusCode}`;
}

/**
 * Why the log ended. Docker ends a followed log when the container stops,
 * possibly a moment before inspect reports it stopped: wait for that briefly.
 */
async function endReason(container: Dockerode.Container, options: LogOptions): Promise<LogEndReason> {
  if (!options.follow) return 'complete';
  for (let attempt = 0; attempt < SETTLE_TRIES; attempt += 1) {
    let state: Dockerode.ContainerInspectInfo['State'];
    try {
      state = (await container.inspect()).State;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return 'container-removed';
      throw error;
    }
    // A forced removal stops the container first: the stream ends while it is being removed.
    if (state.Status === 'removing') return 'container-removed';
    if (!state.Running) return 'container-exited';
    // A follow bounded by `until` ends while the container runs on.
    if (options.until !== undefined) return 'complete';
    await new Promise((resolve) => setTimeout(resolve, SETTLE_INTERVAL_MS));
  }
  return 'complete';
}

/** The lines, then one last frame: `end` with its reason, or `error` if reading broke off. */
function withLastFrame(lines: ReadableStream<LogFrame[]>, reason: () => Promise<LogEndReason>): ReadableStream<LogFrame[]> {
  const reader = lines.getReader();
  return new ReadableStream<LogFrame[]>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!done) {
            controller.enqueue(value);
            return;
          }
          controller.enqueue([{ type: 'end', reason: await reason() }]);
        } catch (error) {
          controller.enqueue([{ type: 'error', message: `Reading the log from Docker failed: ${(error as Error).message}` }]);
        }
        controller.close();
      },
      cancel: (why) => reader.cancel(why),
    },
    // Pull one batch at a time: the consumer's pace is Docker's pace.
    { highWaterMark: 0 },
  );
}
