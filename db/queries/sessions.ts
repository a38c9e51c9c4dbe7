import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { sessions, users } from '../schema.ts';

export interface StoredSession {
  id: string;
  secretHash: string;
  userId: number;
  createdAt: Date;
  lastVerifiedAt: Date;
  user: { id: number; username: string; role: 'admin' | 'user'; disabledAt: Date | null };
}

export async function insertSession(
  db: Database,
  session: { id: string; secretHash: string; userId: number; createdAt: Date },
): Promise<void> {
  await db.insert(sessions).values({
    id: session.id,
    secretHash: session.secretHash,
    userId: session.userId,
    createdAt: session.createdAt,
    lastVerifiedAt: session.createdAt,
  });
}

export async function findSessionWithUser(db: Database, id: string): Promise<StoredSession | null> {
  const [row] = await db
    .select({
      id: sessions.id,
      secretHash: sessions.secretHash,
      userId: sessions.userId,
      createdAt: sessions.createdAt,
      lastVerifiedAt: sessions.lastVerifiedAt,
      user: { id: users.id, username: users.username, role: users.role, disabledAt: users.disabledAt },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id));
  return row ?? null;
}

export async function touchSession(db: Database, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastVerifiedAt: at }).where(eq(sessions.id, id));
}

export async function deleteSession(db: Database, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Ends every session of a user, optionally keeping one (the caller's own). */
export async function deleteUserSessions(db: Database, userId: number, exceptSessionId?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}
