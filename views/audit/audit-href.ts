/** The audit page's filter fields as typed: echoed back into the form and into links. */
export interface AuditQuery {
  user: string;
  action: string;
  outcome: string;
  host: string;
  from: string;
  to: string;
}

const fields = ['user', 'action', 'outcome', 'host', 'from', 'to'] as const;

/**
 * A link to the audit page (or its CSV export) with these filters; empty
 * fields are left out. E.g. a user row's link: `auditHref({ user: 'alice' })`.
 */
export function auditHref(query: Partial<AuditQuery>, options: { csv?: boolean; before?: number } = {}): string {
  const params = new URLSearchParams();
  for (const field of fields) {
    const value = query[field];
    if (value) params.set(field, value);
  }
  if (options.before !== undefined) params.set('before', String(options.before));
  const search = params.toString();
  return `${options.csv ? '/audit.csv' : '/audit'}${search ? `?${search}` : ''}`;
}
