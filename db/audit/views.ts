/**
 * The SQL views over the audit trail (migration 0002) that the README
 * documents and the auditor account may read: nothing else.
 */
export const auditViews = ['audit_log', 'audit_daily_actions'] as const;
