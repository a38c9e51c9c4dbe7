import type { AuditFilter } from '../../db/queries/audit.ts';
import type { AuditQuery } from '../../views/audit/audit-href.ts';
import type { CurrentUser } from '../app-env.ts';

export interface ViewerScope {
  filter: AuditFilter;
  /** Set when a non-admin asked for another user's records (none of which are shown). */
  deniedUser?: string;
}

/**
 * Narrows a filter to what the viewer may read: an admin reads every record,
 * a user only their own. A user who names someone else gets the intersection
 * (nothing), and the caller records the attempt as denied.
 */
export function scopeToViewer(viewer: CurrentUser, query: AuditQuery, filter: AuditFilter): ViewerScope {
  if (viewer.role === 'admin') return { filter };
  const scoped = { ...filter, ownedBy: { id: viewer.id, username: viewer.username } };
  const asksForOther = query.user !== '' && query.user.toLowerCase() !== viewer.username.toLowerCase();
  return asksForOther ? { filter: scoped, deniedUser: query.user } : { filter: scoped };
}
