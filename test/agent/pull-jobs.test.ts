import { describe, expect, it } from 'vitest';
import { createPullJobs } from '../../agent/docker/pull-jobs.ts';
import type { PullFrame } from '../../agent/protocol/messages.ts';

function clock(start = 1_000) {
  const now = { ms: start };
  return Object.assign(() => now.ms, { advance: (ms: number) => (now.ms += ms) });
}

async function readAll(stream: ReadableStream<PullFrame>): Promise<PullFrame[]> {
  const frames: PullFrame[] = [];
  for await (const frame of stream as unknown as AsyncIterable<PullFrame>) frames.push(frame);
  return frames;
}

describe('pull jobs', () => {
  it('gives a watcher the state so far, then live updates, then exactly one final frame', async () => {
    const jobs = createPullJobs({ clock: clock() });
    const job = jobs.start('busybox:latest', 'alice')!;
    job.status('Pulling from library/busybox');
    job.layer({ id: 'aaa', status: 'Downloading', current: 10, total: 100 });

    const reader = jobs.watch(job.pullId)!.getReader();
    expect((await reader.read()).value).toMatchObject({ type: 'pull', pull: { reference: 'busybox:latest', actor: 'alice', state: 'running' } });
    expect([(await reader.read()).value, (await reader.read()).value]).toEqual([
      { type: 'status', message: 'Pulling from library/busybox' },
      { type: 'layer', layer: { id: 'aaa', status: 'Downloading', current: 10, total: 100 } },
    ]);
    // Live: the read waits for the next change.
    const next = reader.read();
    job.layer({ id: 'aaa', status: 'Pull complete' });
    expect((await next).value).toEqual({ type: 'layer', layer: { id: 'aaa', status: 'Pull complete' } });
    job.finish('sha256:abc', 'Status: Downloaded newer image for busybox:latest');
    job.fail('ignored: the job already ended');
    expect((await reader.read()).value).toEqual({ type: 'done', imageId: 'sha256:abc', message: 'Status: Downloaded newer image for busybox:latest' });
    expect((await reader.read()).done).toBe(true);
  });

  it("coalesces a slow watcher's backlog to each layer's latest state", async () => {
    const jobs = createPullJobs({ clock: clock() });
    const job = jobs.start('busybox:latest', 'alice')!;
    const stream = jobs.watch(job.pullId)!;
    for (let current = 0; current <= 1000; current += 1) job.layer({ id: 'big', status: 'Downloading', current, total: 1000 });
    job.layer({ id: 'small', status: 'Already exists' });
    job.fail('manifest unknown');
    const frames = await readAll(stream);
    expect(frames.map((frame) => frame.type)).toEqual(['pull', 'layer', 'layer', 'error']);
    expect(frames[1]).toEqual({ type: 'layer', layer: { id: 'big', status: 'Downloading', current: 1000, total: 1000 } });
    expect(frames[3]).toEqual({ type: 'error', message: 'manifest unknown' });
  });

  it('replays a finished job to a late watcher and lists it with its outcome', async () => {
    const jobs = createPullJobs({ clock: clock() });
    const job = jobs.start('x:1', 'bob')!;
    job.layer({ id: 'l1', status: 'Pull complete' });
    job.finish('sha256:def', 'done');
    const frames = await readAll(jobs.watch(job.pullId)!);
    expect(frames[0]).toMatchObject({ type: 'pull', pull: { state: 'done', imageId: 'sha256:def' } });
    expect(frames.slice(1)).toEqual([
      { type: 'layer', layer: { id: 'l1', status: 'Pull complete' } },
      { type: 'done', imageId: 'sha256:def', message: 'done' },
    ]);
    expect(jobs.list()).toEqual([expect.objectContaining({ pullId: job.pullId, state: 'done', message: 'done', actor: 'bob' })]);
  });

  it('is bounded: finished jobs make room (oldest first, or once expired); running ones are never dropped', () => {
    const time = clock();
    const jobs = createPullJobs({ clock: time, maxJobs: 2, keepFinishedMs: 60_000 });
    const first = jobs.start('a', 'u')!;
    const second = jobs.start('b', 'u')!;
    expect(jobs.start('c', 'u')).toBeNull();

    first.fail('x');
    time.advance(1);
    second.fail('y');
    const third = jobs.start('c', 'u')!;
    expect(jobs.watch(first.pullId)).toBeNull();
    expect(jobs.watch(second.pullId)).not.toBeNull();

    time.advance(60_001);
    expect(jobs.list().map((pull) => pull.pullId)).toEqual([third.pullId]);
    expect(jobs.watch('no-such-pull')).toBeNull();
  });
});
