// Message types of the agent API, defined once for the agent and the control plane.
import type { VerifyFailureReason } from './signing.ts';

export const AGENT_PATHS = {
  info: '/v1/info',
  containers: '/v1/containers',
  images: '/v1/images',
  pulls: '/v1/pulls',
} as const;

export interface AgentInfo {
  /** The agent's key id (first 16 hex chars of SHA-256 of its public key). */
  agentId: string;
  hostname: string;
  dockerVersion: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Container and image counts as Docker reports them. */
  containers: number;
  images: number;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerPort {
  ip?: string;
  privatePort: number;
  publicPort?: number;
  type: 'tcp' | 'udp' | 'sctp';
}

export interface ContainerSummary {
  id: string;
  /** Without Docker's leading `/`. */
  name: string;
  image: string;
  imageId: string;
  command: string;
  /** Unix seconds. */
  created: number;
  state: ContainerState;
  /** Docker's own status text, e.g. "Up 5 minutes" or "Exited (0) 2 hours ago". */
  status: string;
  ports: ContainerPort[];
  labels: Record<string, string>;
}

export interface ImageSummary {
  id: string;
  /** Empty for untagged images (Docker's `<none>:<none>` is dropped). */
  repoTags: string[];
  repoDigests: string[];
  /** Unix seconds. */
  created: number;
  size: number;
  labels: Record<string, string>;
}

/**
 * Error codes in AgentError bodies: the signature check's reasons (401), and
 * the agent's own.
 */
export type AgentErrorCode =
  | VerifyFailureReason
  | 'payload-too-large'
  | 'command-id-conflict'
  | 'command-cache-full'
  | 'command-already-streamed'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'docker-unreachable'
  | 'docker-error'
  | 'internal'
  | 'policy-refused'
  | 'too-many-pulls'
  | 'logs-unreadable';

/** Body of every agent error response. */
export interface AgentError {
  error: { code: AgentErrorCode; message: string };
}

export function isAgentError(value: unknown): value is AgentError {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

// ---- Containers: inspect, create, actions, commit ----

/** What the agent does to a container on `POST /v1/containers/:id/:action`. */
export const CONTAINER_ACTIONS = ['start', 'stop', 'kill', 'restart', 'pause', 'unpause'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** `/v1/containers/:id` and its sub-paths; the id is a full 64-hex Docker id. */
export function containerPath(id: string, suffix?: ContainerAction | 'commit'): string {
  const base = `${AGENT_PATHS.containers}/${encodeURIComponent(id)}`;
  return suffix ? `${base}/${suffix}` : base;
}

export type PortProtocol = ContainerPort['type'];

/** One published port, as `docker run -p [hostIp:][hostPort:]containerPort/protocol`. */
export interface PortMapping {
  /** Default: every address. */
  hostIp?: string;
  /** Default: a free port chosen by Docker. */
  hostPort?: number;
  containerPort: number;
  protocol: PortProtocol;
}

export type RestartPolicyName = 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface RestartPolicy {
  name: RestartPolicyName;
  /** Only with `on-failure`; 0 means no limit. */
  maximumRetryCount?: number;
}

/**
 * Body of `POST /v1/containers` (answered 201 with the new container's
 * ContainerSummary, not started): only these fields exist, so nothing else can
 * reach Docker. `restricted` applies the isolation rules (non-admin callers).
 */
export interface CreateContainerRequest {
  /** An image reference or id (`sha256:…`). */
  image: string;
  /** Argv; empty means the image's default command. */
  cmd: string[];
  name?: string;
  /** `KEY=value` entries. */
  env: string[];
  ports: PortMapping[];
  restartPolicy: RestartPolicy;
  labels: Record<string, string>;
  restricted: boolean;
}

/**
 * The answer to an action. `changed: false` is Docker's "already in that
 * state" (e.g. starting a running container): a no-op, not an error.
 * `container` is the summary after the action, null once removed.
 */
export interface ContainerActionResult {
  changed: boolean;
  message: string;
  container: ContainerSummary | null;
}

/** Body of `POST /v1/containers/:id/commit`. */
export interface CommitContainerRequest {
  repository: string;
  tag: string;
  comment?: string;
  /** Set on the new image (Berth's workspace labels). */
  labels: Record<string, string>;
}

export interface CommitContainerResult {
  /** The new image's id (`sha256:…`). */
  imageId: string;
  reference: string;
}

/** `GET /v1/containers/:id`: what the detail page shows. */
export interface ContainerDetail {
  id: string;
  name: string;
  /** As given at create (a reference or an image id). */
  image: string;
  imageId: string;
  /** ISO 8601. */
  created: string;
  state: {
    status: ContainerState;
    running: boolean;
    paused: boolean;
    restarting: boolean;
    exitCode: number;
    error: string;
    startedAt: string;
    finishedAt: string;
  };
  cmd: string[];
  entrypoint: string[];
  env: string[];
  workingDir: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  restartPolicy: RestartPolicy;
  networkMode: string;
  privileged: boolean;
}

// ---- Images: inspect, pull jobs, remove, tag, untag ----

/** `/v1/images/:id` and its sub-paths; the id is a full `sha256:` image id. */
export function imagePath(id: string, suffix?: 'tag'): string {
  const base = `${AGENT_PATHS.images}/${encodeURIComponent(id)}`;
  return suffix ? `${base}/${suffix}` : base;
}

/** `GET` this for the ImageDetail of the image a reference (`repository:tag` or `@digest`) names on the host. */
export function imageByReferencePath(reference: string): string {
  return `${AGENT_PATHS.images}/references/${encodeURIComponent(reference)}`;
}

/** `DELETE` this to remove one tag (`repository:tag`) of the image `imageId`. */
export function imageTagPath(reference: string, imageId: string): string {
  return `${AGENT_PATHS.images}/tags/${encodeURIComponent(reference)}?image=${encodeURIComponent(imageId)}`;
}

/** `GET` this for a pull job's NDJSON stream of PullFrame. */
export function pullPath(pullId: string): string {
  return `${AGENT_PATHS.pulls}/${encodeURIComponent(pullId)}`;
}

/** `GET /v1/images/:id`: what the page shows of one image beyond the list. */
export interface ImageDetail extends ImageSummary {
  /** The image this one was committed or built on, or '' (pulled images have none). */
  parent: string;
  comment: string;
  author: string;
  architecture: string;
  os: string;
  cmd: string[];
  entrypoint: string[];
  env: string[];
  workingDir: string;
  /** e.g. `80/tcp`. */
  exposedPorts: string[];
}

/** Body of `POST /v1/pulls`, answered 202 with PullStarted. */
export interface StartPullRequest {
  reference: string;
}

export interface PullStarted {
  pullId: string;
  /** The reference as the agent normalized it (`latest` added when no tag or digest was given). */
  reference: string;
}

/** One layer as Docker last reported it; `current`/`total` in bytes while downloading or extracting. */
export interface PullLayer {
  id: string;
  status: string;
  current?: number;
  total?: number;
}

export type PullState = 'running' | 'done' | 'error';

export interface PullSummary {
  pullId: string;
  reference: string;
  /** The user who started it, as signed in the request. */
  actor: string;
  /** Milliseconds since the epoch, on the agent's clock. */
  startedAt: number;
  state: PullState;
  /** Docker's last status line, or its error once the pull failed. */
  message: string;
  /** Set once done. */
  imageId: string | null;
}

/**
 * Frames of `GET /v1/pulls/:pullId`: first `pull` (the job as it stands),
 * then `layer` and `status` updates (a slow reader gets each layer's latest
 * state rather than every step), then exactly one final `done` or `error`.
 * A pull whose Docker stream reported an error ends with `error`, even though
 * Docker answered 200.
 */
export type PullFrame =
  | { type: 'pull'; pull: PullSummary }
  | { type: 'layer'; layer: PullLayer }
  | { type: 'status'; message: string }
  | { type: 'done'; imageId: string; message: string }
  | { type: 'error'; message: string };

/** What `DELETE /v1/images/:id` and the untag endpoint did, in Docker's words. */
export interface RemoveImageResult {
  /** References removed, e.g. `busybox:latest`. */
  untagged: string[];
  /** Image ids deleted: the image itself and, unless `noprune`, its untagged parents. */
  deleted: string[];
}

/** Body of `POST /v1/images/:id/tag`: the new `repository[:tag]`. */
export interface TagImageRequest {
  reference: string;
}

export interface TagImageResult {
  /** The tag as Docker now lists it, e.g. `team/app:1.0`. */
  reference: string;
}
// ---- Container logs: NDJSON frames of `GET /v1/containers/:id/logs` ----

export type LogStreamName = 'stdout' | 'stderr';

/** One line of a container's log exactly as written: without its "\n", any "\r" kept. */
export interface LogLineFrame {
  stream: LogStreamName;
  /** Docker's RFC 3339 timestamp (nanoseconds) of the line, when timestamps were asked for. */
  ts?: string;
  /** Docker's `details` attributes (`key=value,…`), when asked for and not empty. */
  details?: string;
  line: string;
  /** The line was longer than LOG_MAX_LINE_CHARS: the next frame of this stream carries on with it. */
  continued?: true;
}

/**
 * Why a log stream ended: every asked-for line was sent (`complete`), or the
 * followed container stopped or was removed.
 */
export type LogEndReason = 'complete' | 'container-exited' | 'container-removed';

export type LogFrame =
  | LogLineFrame
  /** Docker reported a problem reading the log and carried on (its "Error grabbing logs" lines). */
  | { type: 'warning'; message: string }
  /** The last frame of a stream that ended well. */
  | { type: 'end'; reason: LogEndReason }
  /** The last frame of a stream that broke off. */
  | { type: 'error'; message: string };
