// Demuxed pieces in, log lines out: one UTF-8 decoder per stream (so a
// character split across pieces — even with the other stream's pieces in
// between — comes out whole), Docker's timestamp/details prefix taken off
// into fields, lines split on "\n" ("\r" stays part of the line).
import { concatBytes } from '../protocol/encoding.ts';
import { LOG_MAX_LINE_CHARS, LOG_MAX_PREFIX_BYTES } from '../protocol/log-options.ts';
import type { LogFrame, LogLineFrame } from '../protocol/messages.ts';
import type { LogPiece, LogSource } from './log-demux.ts';

export interface LogLineOptions {
  /** Docker puts `<RFC3339Nano> ` before every message. */
  timestamps: boolean;
  /** Docker puts `<attributes> ` before every message (after the timestamp). */
  details: boolean;
  /**
   * Where Docker's prefixes are: at each message start (multiplexed: one
   * frame per message, a long line coming as several partial messages), or
   * at each line start (TTY: no message boundaries in a raw stream).
   */
  prefixAt: 'message' | 'line';
  maxLineChars?: number;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** One stream's line being assembled. */
class LineAssembler {
  readonly decoder = new TextDecoder();
  parts: string[] = [];
  chars = 0;
  /** Whether bytes of the current line arrived (an empty line is a line too). */
  started = false;
  ts: string | undefined;
  details: string | undefined;
  /** Bytes of a prefix not complete yet, and how many of its fields are still to come. */
  prefix: Uint8Array[] = [];
  prefixBytes = 0;
  prefixFieldsLeft = 0;

  constructor(readonly source: LogSource) {}
}

/**
 * Batches of pieces in, batches of frames out (a batch per input batch).
 *
 * @example
 * pieces.pipeThrough(createLogLineSplitter({ timestamps: true, details: false, prefixAt: 'message' }))
 */
export function createLogLineSplitter(options: LogLineOptions): TransformStream<LogPiece[], LogFrame[]> {
  const maxLineChars = options.maxLineChars ?? LOG_MAX_LINE_CHARS;
  const prefixFields = (options.timestamps ? 1 : 0) + (options.details ? 1 : 0);
  const assemblers = new Map<LogSource, LineAssembler>();

  function assemblerFor(source: LogSource): LineAssembler {
    let assembler = assemblers.get(source);
    if (!assembler) {
      assembler = new LineAssembler(source);
      // A TTY stream starts at a line start, so with its prefix.
      if (options.prefixAt === 'line' && source !== 'system') assembler.prefixFieldsLeft = prefixFields;
      assemblers.set(source, assembler);
    }
    return assembler;
  }

  function frame(assembler: LineAssembler, line: string, continued: boolean): LogFrame {
    if (assembler.source === 'system') return { type: 'warning', message: line };
    // Built field by field (no spreads): this runs once per line of the log.
    const result = { stream: assembler.source } as LogLineFrame;
    if (assembler.ts !== undefined) result.ts = assembler.ts;
    if (assembler.details) result.details = assembler.details;
    result.line = line;
    if (continued) result.continued = true;
    return result;
  }

  function append(assembler: LineAssembler, bytes: Uint8Array, out: LogFrame[]): void {
    assembler.started = true;
    const text = assembler.decoder.decode(bytes, { stream: true });
    if (text === '') return;
    assembler.parts.push(text);
    assembler.chars += text.length;
    while (assembler.chars > maxLineChars) {
      const joined = assembler.parts.join('');
      let cut = maxLineChars;
      // Never cut between the two halves of a surrogate pair.
      const last = joined.charCodeAt(cut - 1);
      if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
      out.push(frame(assembler, joined.slice(0, cut), true));
      const rest = joined.slice(cut);
      assembler.parts = [rest];
      assembler.chars = rest.length;
    }
  }

  function endLine(assembler: LineAssembler, out: LogFrame[]): void {
    const tail = assembler.decoder.decode();
    if (tail !== '') assembler.parts.push(tail);
    out.push(frame(assembler, assembler.parts.join(''), false));
    assembler.parts = [];
    assembler.chars = 0;
    assembler.started = false;
    assembler.ts = undefined;
    assembler.details = undefined;
  }

  /** Consumes prefix bytes from `offset`; returns where the line's content starts (bytes.length if the prefix goes on). */
  function takePrefix(
    assembler: LineAssembler,
    bytes: Uint8Array,
    offset: number,
    out: LogFrame[],
  ): number {
    let index = offset;
    while (index < bytes.length && assembler.prefixFieldsLeft > 0) {
      const space = bytes.indexOf(SPACE, index);
      if (space === -1) {
        index = bytes.length;
        break;
      }
      assembler.prefixFieldsLeft -= 1;
      index = space + 1;
    }
    assembler.prefix.push(bytes.slice(offset, index));
    assembler.prefixBytes += index - offset;
    if (assembler.prefixFieldsLeft > 0) {
      // Not a prefix Docker would write: keep the bytes as the line's content.
      if (assembler.prefixBytes > LOG_MAX_PREFIX_BYTES) abandonPrefix(assembler, out);
      return index;
    }
    const fields = new TextDecoder().decode(concatBytes(assembler.prefix)).split(' ');
    assembler.prefix = [];
    assembler.prefixBytes = 0;
    // A long line comes as several partial messages, each with a prefix; the line keeps its first.
    if (!assembler.started) {
      if (options.timestamps) assembler.ts = fields.shift();
      if (options.details) assembler.details = fields.shift();
    }
    return index;
  }

  function abandonPrefix(assembler: LineAssembler, out: LogFrame[]): void {
    const content = concatBytes(assembler.prefix);
    assembler.prefix = [];
    assembler.prefixBytes = 0;
    assembler.prefixFieldsLeft = 0;
    if (content.length > 0) append(assembler, content, out);
  }

  function split({ source, bytes, messageStart }: LogPiece, out: LogFrame[]): void {
    const assembler = assemblerFor(source);
    if (messageStart && options.prefixAt === 'message' && source !== 'system') {
      if (assembler.prefixFieldsLeft > 0) abandonPrefix(assembler, out);
      assembler.prefixFieldsLeft = prefixFields;
    }
    let offset = 0;
    while (offset < bytes.length) {
      if (assembler.prefixFieldsLeft > 0) {
        offset = takePrefix(assembler, bytes, offset, out);
        continue;
      }
      const newline = bytes.indexOf(NEWLINE, offset);
      const end = newline === -1 ? bytes.length : newline;
      if (end > offset) append(assembler, bytes.subarray(offset, end), out);
      if (newline === -1) return;
      endLine(assembler, out);
      offset = newline + 1;
      if (options.prefixAt === 'line' && source !== 'system') assembler.prefixFieldsLeft = prefixFields;
    }
  }

  return new TransformStream({
    transform(pieces, controller) {
      const out: LogFrame[] = [];
      for (const piece of pieces) split(piece, out);
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      // A last line without "\n" still counts.
      const out: LogFrame[] = [];
      for (const assembler of assemblers.values()) {
        if (assembler.prefixFieldsLeft > 0) abandonPrefix(assembler, out);
        if (assembler.started) endLine(assembler, out);
      }
      if (out.length > 0) controller.enqueue(out);
    },
  });
}
