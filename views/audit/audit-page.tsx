import { Layout, type PageUser } from '../layout.tsx';
import type { AuditQuery } from './audit-href.ts';
import { AuditResults, type AuditResultsProps } from './audit-results.tsx';

export interface AuditPageProps extends AuditResultsProps {
  user: PageUser;
  /** Known host names, offered in the host field. */
  hostNames: string[];
}

const outcomeOptions = ['', 'success', 'failure', 'denied'] as const;

function FilterForm({ query, isAdmin, hostNames }: { query: AuditQuery; isAdmin: boolean; hostNames: string[] }) {
  return (
    <form action="/audit" method="get" hx-get="/audit" hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true" class="audit-filters">
      <fieldset>
        {isAdmin && (
          <label>
            User
            <input name="user" value={query.user} maxlength={64} autocomplete="off" />
          </label>
        )}
        <label>
          Action (starts with)
          <input name="action" value={query.action} maxlength={64} placeholder="container." autocomplete="off" />
        </label>
        <label>
          Outcome
          <select name="outcome">
            {outcomeOptions.map((o) => (
              <option value={o} selected={query.outcome === o}>
                {o || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Host
          <input name="host" value={query.host} maxlength={64} list="audit-host-names" autocomplete="off" />
          <datalist id="audit-host-names">
            {hostNames.map((h) => (
              <option value={h} />
            ))}
          </datalist>
        </label>
        <label class="audit-time">
          From (UTC)
          <input type="datetime-local" name="from" value={query.from} step={1} />
        </label>
        <label class="audit-time">
          To (UTC)
          <input type="datetime-local" name="to" value={query.to} step={1} />
        </label>
      </fieldset>
      <button type="submit">Filter</button> <a href="/audit">Clear</a>
    </form>
  );
}

/** The audit trail page: filters, then the newest matching records. */
export function AuditPage(props: AuditPageProps) {
  const isAdmin = props.user.role === 'admin';
  return (
    <Layout title="Audit" user={props.user}>
      <h1>Audit trail</h1>
      <p>{isAdmin ? 'Every recorded action, newest first.' : 'Your own recorded actions, newest first.'} Times are UTC.</p>
      <FilterForm query={props.query} isAdmin={isAdmin} hostNames={props.hostNames} />
      <AuditResults {...props} />
      {isAdmin && (
        <section class="audit-verify">
          <h2>Tamper check</h2>
          <p>Recomputes every record's hash and names the first record that was changed or deleted behind Berth's back.</p>
          <form method="post" action="/audit/verify" hx-post="/audit/verify" hx-target="#audit-verify-result">
            <button type="submit" class="secondary">
              Check the hash chain
            </button>
          </form>
          <div id="audit-verify-result" aria-live="polite"></div>
        </section>
      )}
    </Layout>
  );
}
