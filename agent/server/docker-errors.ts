// Docker failures become AgentError bodies carrying Docker's own message.
import { agentError, type AgentErrorResponse } from './agent-error.ts';

const UNREACHABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The response for an error thrown by dockerode, or undefined if it is not one. */
export function fromDockerError(error: unknown): AgentErrorResponse | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, json, code, message } = error as {
    statusCode?: unknown;
    json?: { message?: unknown } | null;
    code?: unknown;
    message?: unknown;
  };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return agentError(502, 'docker-unreachable', `Docker is unreachable: ${String(message)}`);
  }
  if (typeof statusCode !== 'number') return undefined;
  // docker-modem prefixes "(HTTP code 404) no such container - "; Docker's own text is in json.message,
  // except for streaming calls (a pull), where only the prefixed message carries it.
  const dockerMessage =
    typeof json?.message === 'string' ? json.message : (/^\(HTTP code \d+\) [^-]*- ([\s\S]*?)\s*$/.exec(String(message))?.[1] ?? String(message));
  if (statusCode === 404) return agentError(404, 'not-found', dockerMessage);
  // 304 is Docker's "already in that state" (e.g. starting a running container).
  if (statusCode === 409 || statusCode === 304) return agentError(409, 'conflict', dockerMessage);
  if (statusCode >= 400 && statusCode < 500) return agentError(400, 'bad-request', dockerMessage);
  return agentError(500, 'docker-error', dockerMessage);
}
