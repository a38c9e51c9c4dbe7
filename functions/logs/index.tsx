import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AgentResult } from '../../agent/client/agent-client.ts';
import type { LogOptions } from '../../agent/protocol/log-options.ts';
import type { LogFrame } from '../../agent/protocol/messages.ts';
import type { Host, Resource } from '../../db/schema.ts';
import { shortId } from '../../views/format.ts';
import type { PageUser } from '../../views/layout.tsx';
import { endMessage, LogEnd } from '../../views/logs/log-line.tsx';
import { LogFrames, LogViewer, type LogDisplay, type LogFormValues, type ShownFrame } from '../../views/logs/log-viewer.tsx';
import { LogsPicker, logsPath } from '../../views/logs/logs-picker.tsx';
import type { AppEnv } from '../app-env.ts';
import { audit } from '../audit/audit.ts';
import { listVisibleForHostFilter } from '../containers/visible-containers.ts';
import { describeAgentFailure } from '../hosts/agent-failure.ts';
import { hostClient } from '../hosts/host-client.ts';
import { hostRef, signedInUser } from '../resources/refusals.ts';
import { ownsWorkspace } from '../resources/visibility.ts';
import { requireHost, requireVisibleResource } from '../resources/require-visible.ts';
import { gathered } from './gathered.ts';
import { readLastLines } from './last-lines.ts';
import { compileLogFilter, type LineFilter } from './log-filter.ts';
import { logAuditDetail, logFormQuery, readLogForm } from './log-form.ts';
import { openLogFrames } from './log-source.ts';
import { logText } from './log-text.ts';

/** Lines a page shows at most, read to the end or live (the page script trims to it). */
export const MAX_PAGE_LINES = 2000;
/** Characters of those lines the server gathers at most for a page. */
const MAX_PAGE_CHARS = 8 * 1024 * 1024;
/** Lines per SSE message at most, and how long a line may wait for company. */
const SSE_BATCH = { maxItems: 500, maxWaitMs: 50 };

type LogAction = 'container.logs.view' | 'container.logs.download';

interface LogTarget {
  host: Host;
  id: string;
  resource: Resource;
  name: string;
}

/** The host and container named in the path, if this user may see them (404 and a denied record otherwise). */
async function logTarget(c: Context<AppEnv>): Promise<LogTarget> {
  const host = await requireHost(c, c.req.param('host') ?? '', 'container.logs');
  const id = c.req.param('id') ?? '';
  const resource = await requireVisibleResource(c, host, 'container', id, 'container.logs');
  return { host, id, resource, name: resource.name ?? shortId(id) };
}

interface ReadyRequest {
  ok: true;
  values: LogFormValues;
  options: LogOptions;
  filter: LineFilter | null;
  /** The options as the audit record keeps them. */
  detail: Record<string, unknown>;
}

type RefusedRequest = { ok: false; values: LogFormValues; message: string; status: 400 | 403 };

/**
 * The form read and its filter compiled; an unusable one is audited as a
 * failed attempt. Details (the env values and labels Docker adds to each
 * line) are for the container's owner and admins, as on its details page.
 */
async function readRequest(c: Context<AppEnv>, target: LogTarget, action: LogAction): Promise<ReadyRequest | RefusedRequest> {
  const refuse = async (values: LogFormValues, message: string, status: 400 | 403 = 400): Promise<RefusedRequest> => {
    await auditLogs(c, target, action, status === 403 ? 'denied' : 'failure', message, { query: c.req.query() });
    return { ok: false, values, message, status };
  };
  const request = readLogForm(c.req.query(), c.get('clock')());
  if (!request.ok) return refuse(request.values, request.message);
  if (request.options.details && !ownsWorkspace(signedInUser(c), target.resource.workspace)) {
    const message = "Details (the environment values and labels Docker adds to each line) are shown to the container's owner and admins only.";
    return refuse(request.values, message, 403);
  }
  const compiled = compileLogFilter(request.filter);
  if (!compiled.ok) return refuse(request.values, compiled.message);
  return { ok: true, values: request.values, options: request.options, filter: compiled.filter, detail: logAuditDetail(request.options, request.filter) };
}

function auditLogs(
  c: Context<AppEnv>,
  target: LogTarget,
  action: LogAction,
  outcome: 'success' | 'failure' | 'denied',
  message: string,
  detail: Record<string, unknown>,
) {
  return audit(c, {
    action,
    outcome,
    message,
    host: hostRef(target.host),
    target: { kind: 'container', id: target.id, name: target.resource.name },
    detail,
  });
}

/**
 * Opens the log and records the read: success once the agent accepted it
 * (if that record cannot be written, nothing is read), failure with the
 * agent's reason otherwise.
 */
async function openAudited(
  c: Context<AppEnv>,
  target: LogTarget,
  action: LogAction,
  request: ReadyRequest,
): Promise<AgentResult<ReadableStream<LogFrame[]>>> {
  const opened = await openLogFrames(hostClient(c, target.host), target.id, request.options, request.filter);
  if (!opened.ok) {
    await auditLogs(c, target, action, 'failure', opened.message, request.detail);
    return opened;
  }
  try {
    const message = action === 'container.logs.view' ? 'Read the log.' : 'Downloaded the log.';
    await auditLogs(c, target, action, 'success', message, request.detail);
  } catch (error) {
    await opened.data.cancel();
    throw error;
  }
  return opened;
}

export const logsRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const user = signedInUser(c);
    const { hostFilter, hostNames, listing } = await listVisibleForHostFilter(c);
    const rows = listing.hosts
      .flatMap(({ host, containers }) => containers.map(({ container: { id, name, state, image } }) => ({ host: host.name, id, name, state, image })))
      .sort((a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name));
    return c.html(
      <LogsPicker user={user} hostNames={hostNames} hostFilter={hostFilter} rows={rows} unreachable={listing.unreachable} />,
    );
  })

  .get('/:host/:id', async (c) => {
    const target = await logTarget(c);
    const user = signedInUser(c);
    const request = await readRequest(c, target, 'container.logs.view');
    if (!request.ok) return c.html(viewer(user, target, request.values, { kind: 'none' }, request.message), request.status);
    if (request.options.follow) {
      // The stream endpoint reads (and audits) the log; this page only connects to it.
      const streamUrl = `${logsPath(target.host.name, target.id, '/stream')}?${logFormQuery(request.values)}`;
      return c.html(viewer(user, target, request.values, { kind: 'live', streamUrl }));
    }
    const opened = await openAudited(c, target, 'container.logs.view', request);
    if (!opened.ok) {
      const { status, message } = describeAgentFailure(target.host, opened);
      return c.html(viewer(user, target, request.values, { kind: 'none' }, message), status);
    }
    const last = await readLastLines(opened.data, MAX_PAGE_LINES, MAX_PAGE_CHARS);
    return c.html(viewer(user, target, request.values, { kind: 'lines', ...last }));
  })

  .get('/:host/:id/stream', async (c) => {
    const target = await logTarget(c);
    const request = await readRequest(c, target, 'container.logs.view');
    if (!request.ok) return streamNotice(c, request.message);
    // Live: history is capped to what the page keeps, so a huge log does not flood the browser.
    const tail = request.options.tail === 'all' ? MAX_PAGE_LINES : Math.min(request.options.tail, MAX_PAGE_LINES);
    const live: ReadyRequest = {
      ...request,
      options: { ...request.options, follow: true, tail },
      detail: { ...request.detail, follow: true, tail },
    };
    const opened = await openAudited(c, target, 'container.logs.view', live);
    if (!opened.ok) return streamNotice(c, describeAgentFailure(target.host, opened).message);
    const reader = opened.data.getReader();
    return streamSSE(c, async (sse) => {
      sse.onAbort(() => reader.cancel().catch(() => {}));
      let end: { kind: 'info' | 'error'; message: string } | undefined;
      try {
        for await (const batch of gathered(reader, SSE_BATCH)) {
          const shown: ShownFrame[] = [];
          for (const frame of batch) {
            if ('type' in frame && frame.type === 'end') end = { kind: 'info', message: endMessage(frame.reason) };
            else if ('type' in frame && frame.type === 'error') end = { kind: 'error', message: frame.message };
            else shown.push(frame as ShownFrame);
          }
          if (shown.length > 0) await sse.writeSSE({ data: await html(<LogFrames frames={shown} />) });
          if (end || sse.aborted) break;
        }
      } catch (error) {
        end = { kind: 'error', message: `The connection to the agent was lost: ${(error as Error).message}` };
      }
      if (sse.aborted) return;
      end ??= { kind: 'error', message: 'The agent stopped sending the log before its end.' };
      await sse.writeSSE({ data: await html(<LogEnd kind={end.kind} message={end.message} />) });
      await reader.cancel().catch(() => {});
    });
  })

  .get('/:host/:id/download', async (c) => {
    const target = await logTarget(c);
    const user = signedInUser(c);
    const refuse = (values: LogFormValues, message: string, status: ContentfulStatusCode) =>
      c.html(viewer(user, target, values, { kind: 'none' }, message), status);
    const request = await readRequest(c, target, 'container.logs.download');
    if (!request.ok) return refuse(request.values, request.message, request.status);
    // A download is the log as it is now: following would never end.
    const once: ReadyRequest = {
      ...request,
      options: { ...request.options, follow: false },
      detail: { ...request.detail, follow: false },
    };
    const opened = await openAudited(c, target, 'container.logs.download', once);
    if (!opened.ok) {
      const { status, message } = describeAgentFailure(target.host, opened);
      return refuse(request.values, message, status);
    }
    const stamp = new Date(c.get('clock')()).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const filename = `${target.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}.log`;
    return new Response(opened.data.pipeThrough(logText(request.options)), {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
      },
    });
  });

/** The log page of `target`, showing `display` (and `error`, if any). */
function viewer(user: PageUser, target: LogTarget, values: LogFormValues, display: LogDisplay, error?: string) {
  return (
    <LogViewer
      user={user}
      host={target.host.name}
      containerId={target.id}
      containerName={target.name}
      values={values}
      display={display}
      maxLines={MAX_PAGE_LINES}
      {...(error ? { error } : {})}
    />
  );
}

/** One SSE message with a notice, then the end: how the live view hears of a failure before streaming. */
function streamNotice(c: Context<AppEnv>, message: string) {
  return streamSSE(c, async (sse) => {
    await sse.writeSSE({ data: await html(<LogEnd kind="error" message={message} />) });
  });
}

async function html(element: { toString(): string | Promise<string> }): Promise<string> {
  return String(await element.toString());
}
