import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { verifyAuditChain } from '../../db/audit/verify.ts';
import { databaseErrorMessage } from '../../db/error-message.ts';
import { auditEventBatches, listAuditEvents } from '../../db/queries/audit.ts';
import { listHosts } from '../../db/queries/hosts.ts';
import type { AuditQuery } from '../../views/audit/audit-href.ts';
import { AuditPage } from '../../views/audit/audit-page.tsx';
import { AuditResults } from '../../views/audit/audit-results.tsx';
import { Layout } from '../../views/layout.tsx';
import { Notice } from '../../views/notice.tsx';
import type { AppEnv, CurrentUser } from '../app-env.ts';
import { requireAdmin } from '../middleware/session.ts';
import { audit } from './audit.ts';
import { auditCsvStream } from './csv.ts';
import { parseAuditQuery } from './filters.ts';
import { scopeToViewer } from './scope.ts';

const pageSize = 50;

function viewerOf(c: Context<AppEnv>): CurrentUser {
  const user = c.get('user');
  if (!user) throw new HTTPException(401, { message: 'Sign in to read the audit trail.' });
  return user;
}

function otherUserNotice(name: string): string {
  return `You can read only your own audit records, so none of ${name}'s are shown.`;
}

/** The filters as typed, without the empty ones: what an export record keeps. */
function filtersUsed(query: AuditQuery): Partial<AuditQuery> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

/**
 * `/audit`: the audit trail, newest first, filtered and paginated by id
 * (keyset); htmx requests get the results fragment only. `/audit.csv`: the
 * same filtered set as CSV, streamed batch by batch. `POST /audit/verify`:
 * an admin checks the hash chain from the page.
 */
export const auditRoutes = new Hono<AppEnv>()
  .get('/audit', async (c) => {
    const viewer = viewerOf(c);
    const { query, filter, beforeId } = parseAuditQuery(new URL(c.req.url).searchParams);
    const scope = scopeToViewer(viewer, query, filter);
    if (scope.deniedUser) {
      await audit(c, {
        action: 'audit.view',
        outcome: 'denied',
        message: `${viewer.username} asked for ${scope.deniedUser}'s audit records; only their own are readable.`,
        target: { kind: 'user', name: scope.deniedUser },
      });
    }
    const db = c.get('db');
    const { events, olderId } = await listAuditEvents(db, scope.filter, { beforeId, limit: pageSize });
    const results = {
      query,
      events,
      olderId,
      paged: beforeId !== undefined,
      notice: scope.deniedUser ? otherUserNotice(scope.deniedUser) : undefined,
    };
    c.header('Vary', 'HX-Request');
    if (c.req.header('HX-Request') && !c.req.header('HX-Boosted')) return c.html(<AuditResults {...results} />);
    const hostNames = (await listHosts(db)).map((h) => h.name);
    return c.html(<AuditPage user={viewer} hostNames={hostNames} {...results} />);
  })
  .get('/audit.csv', async (c) => {
    const viewer = viewerOf(c);
    const { query, filter } = parseAuditQuery(new URL(c.req.url).searchParams);
    const scope = scopeToViewer(viewer, query, filter);
    // Recorded before the first byte: if the record cannot be written, nothing is exported.
    await audit(c, {
      action: 'audit.export',
      outcome: scope.deniedUser ? 'denied' : 'success',
      message: scope.deniedUser
        ? `${viewer.username} asked to export ${scope.deniedUser}'s audit records; only their own are readable.`
        : `${viewer.username} exported audit records as CSV.`,
      detail: { filters: filtersUsed(query) },
    });

    const logger = c.get('logger');
    const requestId = c.get('requestId');
    const body = auditCsvStream(auditEventBatches(c.get('db'), scope.filter), (err) =>
      logger.error('audit: the CSV export failed part-way', { requestId, error: databaseErrorMessage(err) }),
    );
    const stamp = new Date(c.get('clock')()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="berth-audit-${stamp}.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(body);
  })
  .post('/audit/verify', requireAdmin(), async (c) => {
    const result = await verifyAuditChain(c.get('db'));
    const message = result.ok
      ? `The audit chain is intact: ${result.count} records, newest #${result.head.id}.`
      : `The audit chain is broken at record #${result.firstBrokenId}. ${result.reason}`;
    await audit(c, {
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      message,
      detail: result.ok ? { count: result.count, headId: result.head.id, headHash: result.head.hash } : { firstBrokenId: result.firstBrokenId },
    });
    const notice = <Notice kind={result.ok ? 'success' : 'error'} message={message} />;
    if (c.req.header('HX-Request')) return c.html(notice);
    return c.html(
      <Layout title="Audit chain" user={c.get('user')}>
        <h1>Audit chain</h1>
        {notice}
        <p>
          <a href="/audit">Back to the audit trail</a>
        </p>
      </Layout>,
    );
  });
