/**
 * What the end-to-end tests do to Docker outside Berth: a container started
 * behind Berth's back, an image pushed for a pull that downloads, a slow link
 * to the registry, and cleanup of everything named under one prefix (other
 * test files share the engine).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform, pipeline } from 'node:stream';
import Dockerode from 'dockerode';

export const docker = new Dockerode();
export const REGISTRY = '127.0.0.1:5000';

/** `e2e-<random>`: every container and image a test file makes is named under it. */
export function uniquePrefix(): string {
  return `e2e-${crypto.randomUUID().slice(0, 8)}`;
}

async function followProgress(stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((line) => line.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
}

/**
 * Pushes `127.0.0.1:5000/berth-test/<name>:latest`: the nginx image plus a
 * layer of `bytes` random bytes, then removes it locally, so pulling it
 * downloads a layer the engine does not have (the nginx layer itself is
 * already there, under berth-test/nginx:latest).
 */
export async function pushNginxVariant(name: string, bytes: number): Promise<{ repository: string; reference: string }> {
  const repository = `berth-test/${name}`;
  const reference = `${REGISTRY}/${repository}:latest`;
  const container = await docker.createContainer({
    Image: 'berth-test/nginx:latest',
    Cmd: ['sh', '-c', `head -c ${bytes} /dev/urandom > /var/www/html/random.bin`],
  });
  try {
    await container.start();
    await container.wait();
    await container.commit({ repo: `${REGISTRY}/${repository}`, tag: 'latest' });
  } finally {
    await container.remove({ force: true });
  }
  await followProgress((await docker.getImage(reference).push({ authconfig: {} })) as NodeJS.ReadableStream);
  await docker.getImage(reference).remove({ force: true });
  return { repository, reference };
}

/** Deletes a repository's `latest` manifest from the local registry (its blobs wait for the registry's garbage collection). */
export async function deleteFromRegistry(repository: string): Promise<void> {
  const manifest = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/latest`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  const digest = manifest.headers.get('docker-content-digest');
  if (digest) await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${digest}`, { method: 'DELETE' });
}

/** Passes chunks on no faster than `bytesPerSecond`. */
function throttle(bytesPerSecond: number): Transform {
  const slice = 64 * 1024;
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const push = (offset: number): void => {
        if (offset >= chunk.length) return done();
        const part = chunk.subarray(offset, offset + slice);
        const due = started + (sent / bytesPerSecond) * 1000;
        setTimeout(() => {
          sent += part.length;
          this.push(part);
          push(offset + slice);
        }, Math.max(0, due - Date.now()));
      };
      push(0);
    },
  });
}

/**
 * A slow link to the local registry: an HTTP proxy on a free loopback port
 * (Docker trusts loopback registries without TLS) that passes blobs on at
 * `bytesPerSecond`, so a pull's progress can be seen (and photographed)
 * while it runs.
 */
export async function startSlowRegistryLink(bytesPerSecond: number): Promise<{ address: string; close(): Promise<void> }> {
  const [upstreamHost, upstreamPort] = REGISTRY.split(':') as [string, string];
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: { ...req.headers, host: REGISTRY } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const body: Readable = answer;
        if (req.url?.includes('/blobs/')) pipeline(body, throttle(bytesPerSecond), res, () => {});
        else pipeline(body, res, () => {});
      },
    );
    upstream.on('error', () => res.destroy());
    pipeline(req, upstream, () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Removes every container named, and every image tagged, under `prefix` (children before parents), and the given images. */
export async function removeEverythingNamed(prefix: string, alsoImages: string[] = []): Promise<void> {
  const containers = await docker.listContainers({ all: true });
  for (const c of containers) {
    if (c.Names.some((name) => name.startsWith(`/${prefix}`))) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    }
  }
  const images = await docker.listImages({ all: true });
  const tagged = images
    .filter((image) => (image.RepoTags ?? []).some((tag) => tag.includes(prefix)))
    .sort((a, b) => b.Created - a.Created)
    .map((image) => image.Id);
  for (const name of [...tagged, ...alsoImages]) {
    await docker.getImage(name).remove({ force: true }).catch(() => {});
  }
}
