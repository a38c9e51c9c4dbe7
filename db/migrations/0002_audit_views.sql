-- Views for admins and auditors who read the audit trail with SQL (see the
-- README, "Audit trail and SQL"). Their column names are a stable interface.
-- SQL SECURITY DEFINER: a read-only auditor account granted SELECT on these
-- views alone reads through them without any right on the tables beneath.
CREATE SQL SECURITY DEFINER VIEW `audit_log` AS
SELECT
	e.`id` AS `id`,
	e.`at` AS `at`,
	e.`actor_name` AS `actor`,
	e.`actor_type` AS `actor_type`,
	e.`actor_id` AS `actor_id`,
	u.`role` AS `actor_role`,
	e.`action` AS `action`,
	e.`outcome` AS `outcome`,
	e.`host_name` AS `host`,
	e.`target_kind` AS `target_kind`,
	e.`target_id` AS `target_id`,
	e.`target_name` AS `target_name`,
	e.`message` AS `message`,
	e.`client_ip` AS `client_ip`,
	e.`request_id` AS `request_id`,
	e.`detail` AS `detail`
FROM `audit_events` e
LEFT JOIN `users` u ON e.`actor_type` = 'user' AND u.`id` = e.`actor_id`;
--> statement-breakpoint
CREATE SQL SECURITY DEFINER VIEW `audit_daily_actions` AS
SELECT
	DATE(e.`at`) AS `day`,
	e.`actor_name` AS `actor`,
	e.`actor_type` AS `actor_type`,
	e.`action` AS `action`,
	e.`outcome` AS `outcome`,
	COUNT(*) AS `events`
FROM `audit_events` e
GROUP BY DATE(e.`at`), e.`actor_name`, e.`actor_type`, e.`action`, e.`outcome`;
