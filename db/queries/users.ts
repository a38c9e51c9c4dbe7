import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { mysqlErrorCode, retryOnDeadlock } from '../mysql-errors.ts';
import { resources, users, type User } from '../schema.ts';
import { deletedUserWorkspace, ownWorkspace } from '../workspaces.ts';

export type Role = 'admin' | 'user';

/** What the pages show of a user: never the password hash. */
export type UserSummary = Pick<User, 'id' | 'username' | 'role' | 'createdAt' | 'disabledAt'>;

const summaryColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  createdAt: users.createdAt,
  disabledAt: users.disabledAt,
};

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export async function listUsers(db: Database): Promise<UserSummary[]> {
  return db.select(summaryColumns).from(users).orderBy(asc(users.id));
}

export async function findUserById(db: Database, id: number): Promise<UserSummary | null> {
  const [row] = await db.select(summaryColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

/** Case-insensitive, like the unique index (the column's collation ignores case). */
export async function findUserByUsername(db: Database, username: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row ?? null;
}

export async function findPasswordHash(db: Database, id: number): Promise<string | null> {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
  return row?.passwordHash ?? null;
}

export async function adminExists(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
  return row !== undefined;
}

export type NewUser = { username: string; passwordHash: string; role: Role; createdAt: Date };
export type InsertUserResult = { ok: true; id: number } | { ok: false; reason: 'taken' | 'admin-exists' };

/**
 * Called inside the transaction once the outcome is known and the change is
 * made, before it commits: when it throws (the audit record cannot be
 * written), the change rolls back. So no change stands without its record.
 */
export type RecordOutcome<R> = (result: R) => Promise<void>;

/**
 * Inserts a user. An admin is inserted only while no admin exists: the
 * check and the insert share a transaction that locks the admin rows, so two
 * people racing to be the first admin cannot both win.
 */
export async function insertUser(db: Database, user: NewUser, record: RecordOutcome<InsertUserResult>): Promise<InsertUserResult> {
  return retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      let result: InsertUserResult;
      const [admin] =
        user.role === 'admin'
          ? await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1).for('update')
          : [];
      if (admin) {
        result = { ok: false, reason: 'admin-exists' };
      } else {
        try {
          const [inserted] = await tx.insert(users).values(user);
          result = { ok: true, id: inserted.insertId };
        } catch (err) {
          if (mysqlErrorCode(err) !== 'ER_DUP_ENTRY') throw err;
          result = { ok: false, reason: 'taken' };
        }
      }
      await record(result);
      return result;
    }),
  );
}

export async function setPasswordHash(db: Database, id: number, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export type GuardedChangeResult = { ok: true; before: UserSummary } | { ok: false; reason: 'not-found' | 'last-admin' };

/**
 * Applies a change to one user unless it would leave Berth without an active
 * (not disabled) admin. Every active admin row is locked first, so two admins
 * demoting each other at the same moment cannot both succeed.
 */
async function changeKeepingAnActiveAdmin(
  db: Database,
  id: number,
  removesAdmin: boolean,
  apply: (tx: Transaction, before: UserSummary) => Promise<void>,
  record: RecordOutcome<GuardedChangeResult>,
): Promise<GuardedChangeResult> {
  return retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      const activeAdmins = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
        .for('update');
      const [before] = await tx.select(summaryColumns).from(users).where(eq(users.id, id)).for('update');
      let result: GuardedChangeResult;
      if (!before) result = { ok: false, reason: 'not-found' };
      else if (removesAdmin && activeAdmins.length <= 1 && activeAdmins.some((a) => a.id === id)) result = { ok: false, reason: 'last-admin' };
      else {
        await apply(tx, before);
        result = { ok: true, before };
      }
      await record(result);
      return result;
    }),
  );
}

export async function changeUserRole(db: Database, id: number, role: Role, record: RecordOutcome<GuardedChangeResult>) {
  return changeKeepingAnActiveAdmin(
    db,
    id,
    role !== 'admin',
    async (tx) => {
      await tx.update(users).set({ role }).where(eq(users.id, id));
    },
    record,
  );
}

/** Disables (with the time) or enables (null) a user. Ending their sessions is the caller's next step. */
export async function setUserDisabled(db: Database, id: number, disabledAt: Date | null, record: RecordOutcome<GuardedChangeResult>) {
  return changeKeepingAnActiveAdmin(
    db,
    id,
    disabledAt !== null,
    async (tx) => {
      await tx.update(users).set({ disabledAt }).where(eq(users.id, id));
    },
    record,
  );
}

export type DeleteUserResult = GuardedChangeResult & { reassigned: number };

/**
 * Deletes a user (their sessions go with the row, by foreign key) and, in the
 * same transaction, moves their private resources to `deleted:<username>`,
 * so a later account with the same name never inherits them.
 */
export async function deleteUser(db: Database, id: number, record: RecordOutcome<DeleteUserResult>): Promise<DeleteUserResult> {
  let reassigned = 0;
  const result = await changeKeepingAnActiveAdmin(
    db,
    id,
    true,
    async (tx, before) => {
      // A reserved name (a row older than the rule) owns nothing: `public` stays shared.
      const workspace = ownWorkspace(before.username);
      if (workspace !== null) {
        const [moved] = await tx
          .update(resources)
          .set({ workspace: deletedUserWorkspace(before.username) })
          .where(eq(resources.workspace, workspace));
        reassigned = moved.affectedRows;
      }
      await tx.delete(users).where(eq(users.id, id));
    },
    (outcome) => record({ ...outcome, reassigned }),
  );
  return { ...result, reassigned };
}
