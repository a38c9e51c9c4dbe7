// The pure rules of the log pages: times, the form, ANSI runs and the filter.
import { describe, expect, test } from 'vitest';
import { parseLogTime } from '../../agent/protocol/log-options.ts';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import { compileLogFilter, filterLogFrames } from '../../functions/logs/log-filter.ts';
import { DEFAULT_LOG_FORM, logFormQuery, readLogForm } from '../../functions/logs/log-form.ts';
import { stripAnsi, styledRuns } from '../../views/logs/ansi.ts';

describe('log times', () => {
  test.each([
    ['1700000000', '1700000000'],
    ['1700000000.5', '1700000000.5'],
    ['2026-01-02T03:04:05Z', '1767323045'],
    ['2026-01-02T03:04:05.123456789Z', '1767323045.123456789'],
    ['2026-01-02T05:04:05+02:00', '1767323045'],
    ['2026-01-01T22:34:05-04:30', '1767323045'],
    ['2026-01-02T03:04Z', '1767323040'],
  ])('%s is %s in Docker’s unix form', (input, expected) => {
    expect(parseLogTime(input)).toBe(expected);
  });

  test.each(['yesterday', '2026-02-31T00:00:00Z', '2026-01-02T03:04:05', '2026-01-02T25:00:00Z', '-5', '1e9', '1969-12-31T23:59:59Z'])(
    '%s is refused',
    (input) => {
      expect(parseLogTime(input)).toBeUndefined();
    },
  );
});

describe('the log form', () => {
  const now = Date.UTC(2026, 0, 2, 12, 0, 0);

  test('a bare link gets the defaults; the submitted form reads unticked boxes as off', () => {
    expect(readLogForm({}, now)).toMatchObject({ ok: true, values: DEFAULT_LOG_FORM, options: { stdout: true, stderr: true, tail: 200, follow: false } });
    expect(readLogForm({ opts: '1', stderr: '1' }, now)).toMatchObject({ ok: true, options: { stdout: false, stderr: true, tail: 200 } });
  });

  test('ages resolve against now; an empty tail means all', () => {
    const read = readLogForm({ opts: '1', stdout: '1', since: '1h30m', until: '10s', tail: '' }, now);
    expect(read).toMatchObject({ ok: true, options: { since: String(now / 1000 - 5400), until: String(now / 1000 - 10), tail: 'all' } });
  });

  test('the query reproduces the values', () => {
    const values = { ...DEFAULT_LOG_FORM, stderr: false, follow: true, filter: 'a&b=c', regex: true, since: '10m' };
    expect(readLogForm(Object.fromEntries(new URLSearchParams(logFormQuery(values))), now).values).toEqual(values);
  });
});

describe('ANSI runs', () => {
  test('colours and styles become classes; 256 and 24-bit colours the nearest basic one', () => {
    expect(styledRuns('\u001b[1;31mbold red\u001b[0m \u001b[44mon blue\u001b[0m \u001b[38;5;208morange\u001b[38;2;10;10;240m blue')).toEqual([
      { text: 'bold red', classes: ['ansi-fg-red', 'ansi-bold'] },
      { text: ' ', classes: [] },
      { text: 'on blue', classes: ['ansi-bg-blue'] },
      { text: ' ', classes: [] },
      { text: 'orange', classes: ['ansi-fg-yellow'] },
      { text: ' blue', classes: ['ansi-fg-blue'] },
    ]);
  });

  test('a very long line is coloured in its first 20 000 characters and plain after, its text whole, never cut inside a sequence', () => {
    const pair = '\u001b[31ma\u001b[32mb';
    const line = pair.repeat(100_000);
    const runs = styledRuns(line);
    expect(runs.map((run) => run.text).join('')).toBe('ab'.repeat(100_000));
    const plain = runs.at(-1)!;
    expect(plain.classes).toEqual([]);
    expect(plain.text).toMatch(/^[ab]{100000,}$/);
    expect(runs.slice(0, -1).every((run) => run.classes.length === 1)).toBe(true);
    // Two runs per pair within the first 20 000 characters, then one plain run.
    expect(runs.length).toBeLessThanOrEqual((20_000 / pair.length) * 2 + 1);
  });

  test('other sequences (cursor, erase, titles, hyperlinks, charsets, a stray ESC) are dropped; text is untouched', () => {
    const text = 'a\u001b[2Kb\u001b[1A\u001b]0;title\u0007c\u001b]8;;https://x\u001b\\link\u001b]8;;\u001b\\\u001b(Bd <tag> & "q"\r\u001b';
    expect(styledRuns(text)).toEqual([{ text: 'abclinkd <tag> & "q"\r', classes: [] }]);
    expect(stripAnsi(`\u001b[31m${text}\u001b[0m`)).toBe('abclinkd <tag> & "q"\r');
  });
});

/** A stream of these batches of frames, as the agent's log arrives. */
function batchesOf(batches: LogFrame[][]): ReadableStream<LogFrame[]> {
  return new ReadableStream<LogFrame[]>({
    start(controller) {
      for (const batch of batches) controller.enqueue(batch);
      controller.close();
    },
  });
}

describe('the filter', () => {
  test('no text is no filter; text matches any case; a regex is RE2', () => {
    expect(compileLogFilter({ text: '', regex: true })).toEqual({ ok: true, filter: null });
    const text = compileLogFilter({ text: 'Error', regex: false });
    expect(text.ok && text.filter?.test('\u001b[31mERROR\u001b[0m: x')).toBe(true);
    expect(text.ok && text.filter?.readsChars).toBeNull();
    const regex = compileLogFilter({ text: '^GET .* 5\\d\\d$', regex: true });
    expect(regex.ok && [regex.filter?.test('GET /a 503'), regex.filter?.test('GET /a 200')]).toEqual([true, false]);
  });

  test('backreferences and lookarounds, which RE2 cannot run in linear time, are refused with a message', () => {
    expect(compileLogFilter({ text: '(a)\\1', regex: true })).toMatchObject({ ok: false, message: expect.stringMatching(/^The filter is not a valid regular expression: /) });
    expect(compileLogFilter({ text: 'a(?=b)', regex: true })).toMatchObject({ ok: false });
  });

  test('a pattern whose program is too large to run on every line is refused, saying why', () => {
    expect(compileLogFilter({ text: '.{1000}'.repeat(60), regex: true })).toEqual({
      ok: false,
      message: expect.stringMatching(/^The regular expression is too complex to run on every line \(size 60002, at most 2000\)/),
    });
    expect(compileLogFilter({ text: '.{1000}', regex: true }).ok).toBe(true);
  });

  test('a costly pattern reads only the first part of a very long line; a simple one reads 100k characters and more', () => {
    const costly = compileLogFilter({ text: '.{500}ERROR', regex: true });
    const simple = compileLogFilter({ text: 'ERROR', regex: true });
    const near = `${'a'.repeat(500)}ERROR`;
    const far = `${'a'.repeat(3_000)}ERROR`;
    expect(costly.ok && [costly.filter?.test(near), costly.filter?.test(far)]).toEqual([true, false]);
    expect(simple.ok && simple.filter?.test(`${'a'.repeat(100_000)}ERROR`)).toBe(true);
  });

  test('when a line is longer than the filter reads, the log says so once, in a warning before that line', async () => {
    const compiled = compileLogFilter({ text: '.{500}ERROR', regex: true });
    if (!compiled.ok || !compiled.filter) throw new Error('the filter should compile');
    const readsChars = compiled.filter.readsChars!;
    const long = `${'a'.repeat(readsChars + 10)}ERROR`;
    const frames: LogFrame[] = [
      { stream: 'stdout', line: `${'a'.repeat(500)}ERROR` },
      { stream: 'stdout', line: long },
      { stream: 'stdout', line: long },
      { type: 'end', reason: 'complete' },
    ];
    const out: LogFrame[] = [];
    for await (const batch of batchesOf([frames]).pipeThrough(filterLogFrames(compiled.filter))) out.push(...batch);
    expect(out).toEqual([
      frames[0],
      { type: 'warning', message: `Lines longer than ${readsChars} characters are matched on their first ${readsChars} only: this expression costs too much to read further. A plain-text filter reads whole lines.` },
      frames[3],
    ]);
  });

  test('a filter that spends its time budget ends the log with an error frame saying why', async () => {
    const frames = Array.from({ length: 6 }, (_, i) => ({ stream: 'stdout' as const, line: `line ${i}` }));
    const busy = {
      test: () => {
        const until = performance.now() + 15;
        while (performance.now() < until);
        return true;
      },
      readsChars: null,
    };
    const filtered = batchesOf([frames, [{ type: 'end', reason: 'complete' }]]).pipeThrough(filterLogFrames(busy, 40));
    const out: LogFrame[] = [];
    for await (const batch of filtered) out.push(...batch);
    const last = out.at(-1);
    expect(last).toEqual({ type: 'error', message: expect.stringMatching(/^Stopped: the filter took more than 0\.04 s of the server's time/) });
    // Some lines made it before the budget ran out; not all, and no end frame.
    expect(out.filter((frame) => 'stream' in frame).length).toBeGreaterThan(0);
    expect(out.filter((frame) => 'stream' in frame).length).toBeLessThan(6);
    expect(out.some((frame) => 'type' in frame && frame.type === 'end')).toBe(false);
  });

  test('filtering a batch gives the event loop back, so other requests are served meanwhile', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const order: string[] = [];
    const frames = Array.from({ length: 4 }, (_, i) => ({ stream: 'stdout' as const, line: `line ${i}` }));
    const recording = {
      test: (line: string) => {
        busy(15);
        order.push(line);
        return true;
      },
      readsChars: null,
    };
    const filtered = batchesOf([frames]).pipeThrough(filterLogFrames(recording));
    setTimeout(() => order.push('other request'), 0);
    const batches: LogFrame[][] = [];
    for await (const batch of filtered) batches.push(batch);
    expect(batches.flat()).toEqual(frames);
    // The timer ran between lines, not after the whole batch.
    expect(order.indexOf('other request')).toBeGreaterThan(0);
    expect(order.indexOf('other request')).toBeLessThan(order.length - 1);
  });
});
