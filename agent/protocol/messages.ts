// Message types of the agent API, defined once for the agent and the control plane.
import type { VerifyFailureReason } from './signing.ts';

export const AGENT_PATHS = {
  info: '/v1/info',
  containers: '/v1/containers',
  images: '/v1/images',
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
  | 'internal';

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
