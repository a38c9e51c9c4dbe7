import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ImageReference } from '../protocol/image-reference.ts';
import { formatImageReference } from '../protocol/image-reference.ts';
import { createNdjsonParser } from '../protocol/ndjson.ts';
import { fromDockerError } from '../server/docker-errors.ts';
import type { PullJob } from './pull-jobs.ts';

/** One line of Docker's pull progress (`POST /images/create`), the fields we read. */
interface DockerPullLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Runs one pull to its end and reports it into `job`. Docker answers 200 and
 * then may report a failure inside the stream (`error`/`errorDetail`): that
 * is a failed pull, not a successful one. Never throws: every way it ends is
 * the job's outcome.
 */
export async function runPull(docker: Dockerode, job: PullJob, reference: ImageReference): Promise<void> {
  try {
    const response = (await docker.createImage({
      fromImage: reference.repository,
      tag: reference.digest ?? reference.tag,
    })) as Readable;
    let lastStatus: string | null = null;
    const frames = (Readable.toWeb(response) as ReadableStream<Uint8Array>).pipeThrough(createNdjsonParser());
    for await (const value of frames as unknown as AsyncIterable<DockerPullLine>) {
      const failure = value.errorDetail?.message ?? value.error;
      if (failure) {
        job.fail(failure);
        await frames.cancel().catch(() => {});
        return;
      }
      if (typeof value.status !== 'string') continue;
      if (isLayerLine(value)) {
        const { current, total } = value.progressDetail ?? {};
        job.layer({
          id: value.id,
          status: value.status,
          ...(typeof current === 'number' ? { current } : {}),
          ...(typeof total === 'number' && total > 0 ? { total } : {}),
        });
      } else {
        lastStatus = value.status;
        job.status(value.status);
      }
    }
    // The pulled reference now names the image: its id is what the control plane records.
    const { digest, repository, tag } = reference;
    const image = await docker.getImage(digest ? `${repository}@${digest}` : `${repository}:${tag}`).inspect();
    job.finish(image.Id, lastStatus ?? `Pulled ${formatImageReference(reference)}.`);
  } catch (error) {
    job.fail(fromDockerError(error)?.body.error.message ?? `The pull failed: ${(error as Error).message}`);
  }
}

// "Pulling from team/app" carries the tag as its id; layers carry a short layer id.
function isLayerLine(line: DockerPullLine): line is DockerPullLine & { id: string; status: string } {
  return typeof line.id === 'string' && line.id !== '' && !line.status?.startsWith('Pulling from ');
}
