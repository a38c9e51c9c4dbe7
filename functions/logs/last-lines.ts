import type { LogFrame } from '../../agent/protocol/messages.ts';
import type { LogEndNotice, ShownFrame } from '../../views/logs/log-viewer.tsx';
import { endMessage } from '../../views/logs/log-line.tsx';

export interface LastLines {
  /** The last lines (and Docker warnings among them), oldest first. */
  frames: ShownFrame[];
  /** Every line that passed the filter, shown or not. */
  matched: number;
  end: LogEndNotice;
}

/**
 * Reads a log to its end keeping only its last `maxLines` lines (and at most
 * `maxChars` characters of them): a log of any size costs the page, and the
 * server, no more than that.
 */
export async function readLastLines(batches: ReadableStream<LogFrame[]>, maxLines: number, maxChars: number): Promise<LastLines> {
  let kept: (ShownFrame | undefined)[] = [];
  let first = 0;
  let lines = 0;
  let chars = 0;
  let matched = 0;
  let end: LogEndNotice | undefined;
  const size = (frame: ShownFrame) => ('stream' in frame ? frame.line.length : frame.message.length);
  try {
    for await (const batch of batches) {
      for (const frame of batch) {
        if ('type' in frame && frame.type === 'end') end = { kind: 'info', message: endMessage(frame.reason) };
        else if ('type' in frame && frame.type === 'error') end = { kind: 'error', message: frame.message };
        if (end) break;
        const shown = frame as ShownFrame;
        if ('stream' in shown) {
          matched += 1;
          lines += 1;
        }
        kept.push(shown);
        chars += size(shown);
        while (lines > maxLines || chars > maxChars) {
          const oldest = kept[first] as ShownFrame;
          kept[first] = undefined;
          first += 1;
          chars -= size(oldest);
          if ('stream' in oldest) lines -= 1;
        }
      }
      if (end) break;
      // Drop the consumed front now and then, so the array stays about maxLines long.
      if (first > maxLines) {
        kept = kept.slice(first);
        first = 0;
      }
    }
  } catch (error) {
    end = { kind: 'error', message: `The connection to the agent was lost: ${(error as Error).message}` };
  }
  return {
    frames: kept.slice(first) as ShownFrame[],
    matched,
    end: end ?? { kind: 'error', message: 'The agent stopped sending the log before its end.' },
  };
}
