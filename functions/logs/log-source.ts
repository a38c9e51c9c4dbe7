// A container's log as frames from its host's agent, optionally filtered.
import type { AgentResult, HostClient } from '../../agent/client/agent-client.ts';
import { containerLogsPath, LOG_FRAME_MAX_BYTES, type LogOptions } from '../../agent/protocol/log-options.ts';
import type { LogEndReason, LogFrame } from '../../agent/protocol/messages.ts';
import { createNdjsonBatchParser } from '../../agent/protocol/ndjson.ts';
import { filterLogFrames, type LineFilter } from './log-filter.ts';

/**
 * Opens the log through the agent, as batches of frames (one per chunk the
 * agent sent: a big log is thousands of steps, not millions). The stream
 * errors if the agent goes away or sends something that is not a log frame;
 * it ends after the agent's own `end`/`error` frame. Cancelling it closes the agent request (and the agent
 * then closes Docker's).
 *
 * @example
 * const opened = await openLogFrames(hostClient(c, host), id, options, compiled.filter);
 * if (opened.ok) for await (const frames of opened.data) …
 */
export async function openLogFrames(
  client: HostClient,
  containerId: string,
  options: LogOptions,
  filter: LineFilter | null,
): Promise<AgentResult<ReadableStream<LogFrame[]>>> {
  const opened = await client.stream('GET', containerLogsPath(containerId, options));
  if (!opened.ok) return opened;
  // The parser's bound is set for log frames: one may carry a line of LOG_MAX_LINE_CHARS.
  const frames = opened.data.pipeThrough(createNdjsonBatchParser({ maxLineBytes: LOG_FRAME_MAX_BYTES })).pipeThrough(checkFrames());
  return { ok: true, data: filter ? frames.pipeThrough(filterLogFrames(filter)) : frames };
}

function checkFrames(): TransformStream<unknown[], LogFrame[]> {
  return new TransformStream({
    transform(values, controller) {
      if (!values.every(isLogFrame)) throw new Error('The agent sent something that is not a log frame.');
      controller.enqueue(values);
    },
  });
}

const END_REASONS: unknown[] = ['complete', 'container-exited', 'container-removed'] satisfies LogEndReason[];
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

function isLogFrame(value: unknown): value is LogFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Record<string, unknown>;
  if (frame.stream === 'stdout' || frame.stream === 'stderr') {
    return typeof frame.line === 'string' && optionalString(frame.ts) && optionalString(frame.details);
  }
  if (frame.type === 'end') return END_REASONS.includes(frame.reason);
  return (frame.type === 'error' || frame.type === 'warning') && typeof frame.message === 'string';
}
