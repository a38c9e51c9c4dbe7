// Shared setup for the image tests: throwaway images made with the Docker API
// under unique names (other test files share the engine), and one pushed to
// the local registry so that a pull really downloads a layer.
import { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { vi } from 'vitest';
import { createNdjsonParser } from '../../agent/protocol/ndjson.ts';
import { workspaceLabels } from '../../functions/resources/labels.ts';

export const BASE_IMAGE = 'berth-test/busybox:latest';
export const REGISTRY = '127.0.0.1:5000';

export const docker = new Dockerode();

/** Every image this test process committed, so cleanup also finds the ones left untagged. */
const made: string[] = [];

/** Waits for the base image (test/images/build.sh may still be building it). */
export async function waitForBaseImage(): Promise<string> {
  await vi.waitFor(() => docker.getImage(BASE_IMAGE).inspect(), { timeout: 170_000, interval: 1_000 });
  return (await docker.getImage(BASE_IMAGE).inspect()).Id;
}

/** `berth-t-images-<random>`: every image and container a test file makes is named under it. */
export function uniquePrefix(name: string): string {
  return `berth-t-${name}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface CommitOptions {
  /** Image to run the writing container from; default the busybox base. */
  from?: string;
  /** Berth's workspace labels for this user (as Berth's own commit sets them). */
  owner?: string;
  /** Shell run before the commit, so the new image has a layer of its own. */
  script?: string;
}

/** A new image (its own layer) committed from a container of `from`, tagged `repository:tag`. */
export async function commitImage(repository: string, tag: string, options: CommitOptions = {}): Promise<string> {
  const container = await docker.createContainer({
    Image: options.from ?? BASE_IMAGE,
    Cmd: ['sh', '-c', options.script ?? `echo ${crypto.randomUUID()} > /made-by-test`],
  });
  try {
    await container.start();
    await container.wait();
    const changes = options.owner
      ? [`LABEL ${workspaceLabels.workspace}=${options.owner}`, `LABEL ${workspaceLabels.creator}=${options.owner}`]
      : [];
    const { Id } = (await container.commit({ repo: repository, tag, changes })) as { Id: string };
    made.push(Id);
    return Id;
  } finally {
    await container.remove({ force: true });
  }
}

/** Docker's view of an image, or null once it is gone. */
export async function inspectImage(name: string): Promise<Dockerode.ImageInspectInfo | null> {
  try {
    return await docker.getImage(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/** Removes an image by id or name if it is there (cleanup). */
export async function removeIfPresent(name: string): Promise<void> {
  await docker
    .getImage(name)
    .remove({ force: true })
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
}

/**
 * Pushes a new image with a layer of random bytes to the local registry as
 * `127.0.0.1:5000/berth-test/<name>:latest` and removes it locally, so that
 * pulling it downloads and extracts a layer Docker does not have.
 */
export async function pushFreshImage(name: string, bytes = 1_500_000): Promise<string> {
  const reference = `${REGISTRY}/berth-test/${name}:latest`;
  const id = await commitImage(`${REGISTRY}/berth-test/${name}`, 'latest', { script: `head -c ${bytes} /dev/urandom > /blob` });
  // The loopback registry needs no credentials, but Docker wants the header.
  const pushed = (await docker.getImage(reference).push({ authconfig: {} })) as Readable;
  const lines = (Readable.toWeb(pushed) as ReadableStream<Uint8Array>).pipeThrough(createNdjsonParser());
  for await (const line of lines as unknown as AsyncIterable<{ error?: string }>) {
    if (line.error) throw new Error(`Pushing ${reference} failed: ${line.error}`);
  }
  await docker.getImage(id).remove({ force: true });
  return reference;
}

/**
 * Removes the images this process made and every image tagged under one of
 * the prefixes (pulled ones), children before parents, with the containers
 * that use them.
 */
export async function removeOurImages(prefixes: string[]): Promise<void> {
  const images = await docker.listImages({ all: true });
  const tagged = images.filter((image) => (image.RepoTags ?? []).some((tag) => prefixes.some((prefix) => tag.startsWith(prefix))));
  const ours = [...tagged.map((image) => image.Id), ...made.toReversed()];
  const containers = await docker.listContainers({ all: true });
  for (const container of containers) {
    if (ours.includes(container.ImageID)) await docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
  }
  for (const id of ours) await removeIfPresent(id);
}

