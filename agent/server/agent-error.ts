import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AgentError, AgentErrorCode } from '../protocol/messages.ts';

export interface AgentErrorResponse {
  status: ContentfulStatusCode;
  body: AgentError;
}

export function agentError(status: ContentfulStatusCode, code: AgentErrorCode, message: string): AgentErrorResponse {
  return { status, body: { error: { code, message } } };
}

const CODE_BY_STATUS: Partial<Record<number, AgentErrorCode>> = {
  400: 'bad-request',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
};

export function codeForStatus(status: number): AgentErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad-request');
}
