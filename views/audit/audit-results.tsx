import type { AuditEvent } from '../../db/schema.ts';
import { shortId } from '../format.ts';
import { Notice } from '../notice.tsx';
import { auditHref, type AuditQuery } from './audit-href.ts';

export interface AuditResultsProps {
  query: AuditQuery;
  events: AuditEvent[];
  /** Where the next (older) page starts; null on the last page. */
  olderId: number | null;
  /** Set when this page is not the newest one. */
  paged: boolean;
  notice?: string;
}

/** `2026-01-31 14:30:05.123` — the stored instant, in UTC like the filters. */
function utc(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

function Target({ e }: { e: AuditEvent }) {
  if (!e.targetKind) return <></>;
  return (
    <>
      {e.targetKind} {e.targetName ?? ''}
      {e.targetId && e.targetId !== e.targetName && (
        <>
          {' '}
          <small title={e.targetId}>{shortId(e.targetId)}</small>
        </>
      )}
    </>
  );
}

/** A link that swaps only the results when htmx runs, and is a plain link when it does not. */
function ResultsLink({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} hx-get={href} hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true">
      {children}
    </a>
  );
}

/** The results area of the audit page: what the filter form swaps. */
export function AuditResults({ query, events, olderId, paged, notice }: AuditResultsProps) {
  return (
    <section id="audit-results" aria-label="Audit records">
      {notice && <Notice kind="info" message={notice} />}
      <p>
        <a href={auditHref(query, { csv: true })} download>
          Download these records as CSV
        </a>
      </p>
      {events.length === 0 ? (
        <p>No audit records match.</p>
      ) : (
        <div class="table-scroll">
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Host</th>
                <th scope="col">Target</th>
                <th scope="col">Message</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr data-audit-id={String(e.id)}>
                  <td>
                    <small>{utc(e.at)}</small>
                  </td>
                  <td>
                    {e.actorName}
                    {e.actorType !== 'user' && <small> ({e.actorType})</small>}
                    {e.actorType === 'user' && e.actorId === null && <small> (not signed in)</small>}
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td class={`outcome-${e.outcome}`}>{e.outcome}</td>
                  <td>{e.hostName ?? ''}</td>
                  <td>
                    <Target e={e} />
                  </td>
                  <td>
                    {e.message}
                    {e.detail && (
                      <details>
                        <summary>detail</summary>
                        <code>{JSON.stringify(e.detail)}</code>
                      </details>
                    )}
                  </td>
                  <td>
                    <small>{e.clientIp ?? ''}</small>
                    {e.requestId && (
                      <small class="request-id" title="request id">
                        {' '}
                        {e.requestId}
                      </small>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages">
        <ul>
          {paged && (
            <li>
              <ResultsLink href={auditHref(query)}>Newest</ResultsLink>
            </li>
          )}
          {olderId !== null && (
            <li>
              <ResultsLink href={auditHref(query, { before: olderId })}>Older</ResultsLink>
            </li>
          )}
        </ul>
      </nav>
    </section>
  );
}
