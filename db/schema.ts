/**
 * Berth's tables. Column names are snake_case and stable: admins query the
 * audit trail (and through it users and hosts) directly with SQL.
 */
import {
  customType,
  bigint,
  char,
  datetime,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  text,
  tinyint,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';

/**
 * JSON that reads back as an object on both engines: MySQL returns its JSON
 * type parsed, MariaDB stores JSON as LONGTEXT and returns a string.
 */
const jsonObject = customType<{ data: Record<string, unknown>; driverData: string | Record<string, unknown> }>({
  dataType: () => 'json',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => (typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value),
});

/** BIGINT UNSIGNED AUTO_INCREMENT: MariaDB refuses drizzle's `serial AUTO_INCREMENT`. */
const idColumn = () => bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey();

const createdAt = () => datetime('created_at', { mode: 'date', fsp: 3 }).notNull();

export const users = mysqlTable('users', {
  id: idColumn(),
  // The default collations are case-insensitive, so the unique index refuses
  // "Alice" once "alice" exists.
  username: varchar('username', { length: 32 }).notNull().unique('users_username_unique'),
  passwordHash: varchar('password_hash', { length: 255 }).notNull(),
  role: mysqlEnum('role', ['admin', 'user']).notNull(),
  createdAt: createdAt(),
  disabledAt: datetime('disabled_at', { mode: 'date', fsp: 3 }),
});

export const sessions = mysqlTable(
  'sessions',
  {
    id: varchar('id', { length: 32 }).primaryKey(),
    /** Hex SHA-256 of the token's secret half; the secret itself is never stored. */
    secretHash: char('secret_hash', { length: 64 }).notNull(),
    userId: bigint('user_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastVerifiedAt: datetime('last_verified_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed-login counters, keyed by `user:<name>` or `ip:<address>`. */
export const loginThrottles = mysqlTable('login_throttles', {
  key: varchar('throttle_key', { length: 128 }).primaryKey(),
  failures: int('failures').notNull(),
  windowStartedAt: datetime('window_started_at', { mode: 'date', fsp: 3 }).notNull(),
  blockedUntil: datetime('blocked_until', { mode: 'date', fsp: 3 }),
});

export const hosts = mysqlTable('hosts', {
  id: idColumn(),
  name: varchar('name', { length: 64 }).notNull().unique('hosts_name_unique'),
  agentUrl: varchar('agent_url', { length: 512 }).notNull(),
  agentPublicKey: varchar('agent_public_key', { length: 64 }).notNull(),
  createdAt: createdAt(),
  lastSeenAt: datetime('last_seen_at', { mode: 'date', fsp: 3 }),
  /** Last reachability seen, so a change (up → down) is audited once. */
  lastStatus: mysqlEnum('last_status', ['unknown', 'up', 'down', 'unverified']).notNull().default('unknown'),
  /** Set by the first sync: what exists before it is public. */
  firstSyncedAt: datetime('first_synced_at', { mode: 'date', fsp: 3 }),
  /** SHA-256 of the agent's TLS certificate (`AB:CD:…`), when the control plane pins it; https agents only. */
  tlsFingerprint: varchar('tls_fingerprint', { length: 95 }),
});

export const resources = mysqlTable(
  'resources',
  {
    id: idColumn(),
    hostId: bigint('host_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    kind: mysqlEnum('kind', ['image', 'container']).notNull(),
    dockerId: varchar('docker_id', { length: 128 }).notNull(),
    /** `public`, `external`, or the owning username. */
    workspace: varchar('workspace', { length: 64 }).notNull(),
    origin: mysqlEnum('origin', ['preexisting', 'platform', 'external']).notNull(),
    createdBy: varchar('created_by', { length: 64 }),
    // An image's first tag: a 255-character name, ':' and a 128-character tag.
    name: varchar('name', { length: 400 }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('resources_host_kind_docker_unique').on(t.hostId, t.kind, t.dockerId),
    index('resources_workspace_idx').on(t.hostId, t.workspace),
  ],
);

/**
 * The audit trail. Append-only: the application's account may only INSERT
 * and SELECT here, and each row's hash covers the previous row's hash.
 */
export const auditEvents = mysqlTable(
  'audit_events',
  {
    id: idColumn(),
    at: datetime('at', { mode: 'date', fsp: 3 }).notNull(),
    actorType: mysqlEnum('actor_type', ['user', 'external', 'system']).notNull(),
    actorId: bigint('actor_id', { mode: 'number', unsigned: true }),
    actorName: varchar('actor_name', { length: 64 }).notNull(),
    action: varchar('action', { length: 64 }).notNull(),
    hostId: bigint('host_id', { mode: 'number', unsigned: true }),
    hostName: varchar('host_name', { length: 64 }),
    targetKind: varchar('target_kind', { length: 32 }),
    targetId: varchar('target_id', { length: 128 }),
    targetName: varchar('target_name', { length: 255 }),
    outcome: mysqlEnum('outcome', ['success', 'failure', 'denied']).notNull(),
    message: text('message').notNull(),
    detail: jsonObject('detail'),
    clientIp: varchar('client_ip', { length: 64 }),
    requestId: varchar('request_id', { length: 64 }),
    prevHash: char('prev_hash', { length: 64 }).notNull(),
    hash: char('hash', { length: 64 }).notNull(),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_actor_at_idx').on(t.actorName, t.at),
    index('audit_action_at_idx').on(t.action, t.at),
  ],
);

/** One row (id = 1): the head of the audit hash chain, locked to serialize appends. */
export const auditChainHead = mysqlTable('audit_chain_head', {
  id: tinyint('id').primaryKey(),
  lastEventId: bigint('last_event_id', { mode: 'number', unsigned: true }).notNull(),
  lastHash: char('last_hash', { length: 64 }).notNull(),
});

export type User = typeof users.$inferSelect;
export type Host = typeof hosts.$inferSelect;
export type Resource = typeof resources.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
