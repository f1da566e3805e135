// Server-side sessions: every sign-in opens a UserSession row and the session cookie carries its id. A session
// ends when it is signed out (here or "everywhere"), when it has been idle for IDLE_TIMEOUT_MS, or when
// SESSION_MAX_HOURS have passed since sign-in, however active it was. A copied cookie dies with its row.
import "server-only";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";

export const IDLE_TIMEOUT_MS = 8 * 60 * 60_000;
/** How stale lastSeenAt may get before a request refreshes it: one write a minute at most, not one per request. */
export const TOUCH_INTERVAL_MS = 60_000;

export async function openSession(db: Db, userId: string, now = new Date(), maxHours = getEnv().SESSION_MAX_HOURS): Promise<string> {
  const session = await db.userSession.create({
    data: { userId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + maxHours * 60 * 60_000) },
  });
  return session.id;
}

export async function endSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now } });
}

/** Ends every open session of the user, except `keep` when given. */
export async function endSessionsOf(db: Pick<Db, "userSession">, userId: string, now = new Date(), keep?: string): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, endedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { endedAt: now },
  });
  return count;
}

export interface SessionTimes {
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
}

export const sessionIsLive = (s: SessionTimes, now: Date) =>
  s.endedAt === null && s.expiresAt > now && now.getTime() - s.lastSeenAt.getTime() < IDLE_TIMEOUT_MS;

/** Deletes sessions that can never be used again (the retention job). */
export async function purgeDeadSessions(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.userSession.deleteMany({
    where: { OR: [{ endedAt: { not: null } }, { expiresAt: { lte: now } }, { lastSeenAt: { lte: new Date(now.getTime() - IDLE_TIMEOUT_MS) } }] },
  });
  return count;
}
