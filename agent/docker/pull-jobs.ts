import type { PullFrame, PullLayer, PullSummary } from '../protocol/messages.ts';

export interface PullJobsOptions {
  clock: () => number;
  /** Jobs kept at once, running and finished; default 50. */
  maxJobs?: number;
  /** How long a finished job stays watchable (a page reload, a late watcher); default 30 minutes. */
  keepFinishedMs?: number;
}

/** The side of a job its pull feeds. */
export interface PullJob {
  readonly pullId: string;
  layer(layer: PullLayer): void;
  status(message: string): void;
  finish(imageId: string, message: string): void;
  fail(message: string): void;
}

export interface PullJobs {
  /** A new running job, or null when the registry is full of running jobs. */
  start(reference: string, actor: string): PullJob | null;
  list(): PullSummary[];
  /** The job's frames (see PullFrame), or null if no such job is kept. */
  watch(pullId: string): ReadableStream<PullFrame> | null;
}

// Status lines (not per-layer) a watcher can still catch up on; older ones are dropped.
const KEPT_STATUS_LINES = 20;

interface JobRecord {
  summary: PullSummary;
  finishedAt: number | null;
  /** Bumped on every change; watchers send what changed after the version they saw. */
  version: number;
  layers: Map<string, { layer: PullLayer; version: number }>;
  statuses: { message: string; version: number }[];
  final: Extract<PullFrame, { type: 'done' | 'error' }> | null;
  changed: Promise<void>;
  wake: () => void;
}

/**
 * The agent's pull jobs, in memory and bounded: a pull runs on the agent
 * whether or not anyone watches, and any number of watchers (the control
 * plane's outcome recorder, pages) can join at any time. Watchers read at
 * their own pace: each read sends what changed since their last one, so a
 * slow watcher costs no buffer, it just sees fewer intermediate steps.
 *
 * @example
 * const jobs = createPullJobs({ clock: Date.now });
 * const job = jobs.start('busybox:latest', 'alice');
 * job?.layer({ id: 'a1b2c3', status: 'Downloading', current: 10, total: 100 });
 * const frames = jobs.watch(job.pullId);
 */
export function createPullJobs(options: PullJobsOptions): PullJobs {
  const { clock } = options;
  const maxJobs = options.maxJobs ?? 50;
  const keepFinishedMs = options.keepFinishedMs ?? 30 * 60_000;
  const jobs = new Map<string, JobRecord>();

  function sweep(now: number): void {
    for (const [pullId, job] of jobs) {
      if (job.finishedAt !== null && job.finishedAt + keepFinishedMs < now) jobs.delete(pullId);
    }
  }

  /** Makes room for one more job by dropping the longest-finished one; false if all are running. */
  function makeRoom(): boolean {
    if (jobs.size < maxJobs) return true;
    let oldest: [string, number] | null = null;
    for (const [pullId, job] of jobs) {
      if (job.finishedAt !== null && (oldest === null || job.finishedAt < oldest[1])) oldest = [pullId, job.finishedAt];
    }
    if (oldest === null) return false;
    jobs.delete(oldest[0]);
    return true;
  }

  function touch(job: JobRecord): void {
    job.version += 1;
    const wake = job.wake;
    job.changed = new Promise((resolve) => {
      job.wake = resolve;
    });
    wake();
  }

  function end(job: JobRecord, final: NonNullable<JobRecord['final']>): void {
    if (job.final) return;
    job.final = final;
    job.finishedAt = clock();
    job.summary.state = final.type;
    job.summary.message = final.message;
    if (final.type === 'done') job.summary.imageId = final.imageId;
    touch(job);
  }

  return {
    start(reference, actor) {
      const now = clock();
      sweep(now);
      if (!makeRoom()) return null;
      const pullId = crypto.randomUUID();
      let wake!: () => void;
      const changed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const job: JobRecord = {
        summary: { pullId, reference, actor, startedAt: now, state: 'running', message: 'Starting the pull…', imageId: null },
        finishedAt: null,
        version: 0,
        layers: new Map(),
        statuses: [],
        final: null,
        changed,
        wake,
      };
      jobs.set(pullId, job);
      return {
        pullId,
        layer(layer) {
          if (job.final) return;
          job.layers.set(layer.id, { layer, version: job.version + 1 });
          touch(job);
        },
        status(message) {
          if (job.final) return;
          job.statuses.push({ message, version: job.version + 1 });
          if (job.statuses.length > KEPT_STATUS_LINES) job.statuses.shift();
          job.summary.message = message;
          touch(job);
        },
        finish: (imageId, message) => end(job, { type: 'done', imageId, message }),
        fail: (message) => end(job, { type: 'error', message }),
      };
    },

    list() {
      sweep(clock());
      return [...jobs.values()].map((job) => ({ ...job.summary }));
    },

    watch(pullId) {
      const job = jobs.get(pullId);
      if (!job) return null;
      let seen = -1;
      return new ReadableStream<PullFrame>(
        {
          async pull(controller) {
            if (seen === -1) {
              // The job as it stands; its layers follow as ordinary updates.
              controller.enqueue({ type: 'pull', pull: { ...job.summary } });
              seen = 0;
              return;
            }
            while (job.version === seen) await job.changed;
            const since = seen;
            seen = job.version;
            const updates: { frame: PullFrame; version: number }[] = [];
            for (const { layer, version } of job.layers.values()) {
              if (version > since) updates.push({ frame: { type: 'layer', layer: { ...layer } }, version });
            }
            for (const { message, version } of job.statuses) {
              if (version > since) updates.push({ frame: { type: 'status', message }, version });
            }
            updates.sort((a, b) => a.version - b.version);
            for (const { frame } of updates) controller.enqueue(frame);
            if (job.final) {
              controller.enqueue(job.final);
              controller.close();
            }
          },
        },
        // Pull only when read: what a watcher has not read yet is never queued.
        { highWaterMark: 0 },
      );
    },
  };
}
