import "server-only";
import { getServerSession } from "next-auth";
import { z } from "zod";
import type { Db } from "@/server/db";
import { authOptions } from "./options";
import { IDLE_TIMEOUT_MS, sessionIsLive, TOUCH_INTERVAL_MS, type SessionTimes } from "./sessions";

export interface CurrentUser {
  id: string;
  email: string;
  name: string | null;
  role: "SUPPORT" | "MERCHANT";
  /** tenant ids this user belongs to (empty for support staff, who see every tenant) */
  tenantIds: string[];
  ownerOf: string[];
  /** the UserSession this request came with (absent for a user built without signing in, as tests and scripts do) */
  sessionId?: string;
}

/** What the session cookie carries: the user, the sessionVersion at sign-in, and the UserSession row. */
export const sessionClaimsSchema = z.object({ uid: z.string().min(1), sv: z.number().int(), sid: z.string().min(1) });
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

type Row = SessionTimes & {
  id: string;
  email: string;
  name: string | null;
  role: "SUPPORT" | "MERCHANT";
  disabled: boolean;
  sessionVersion: number;
  tenantIds: string[];
  ownerOf: string[];
};

/**
 * Resolves a session to a live user, on every request, in one statement: the session row must be open, within its
 * absolute lifetime and not idle too long; the user must be enabled and on the sessionVersion the session started
 * with (a password reset or a removal moves it on). The same statement refreshes lastSeenAt when it is over a
 * minute old, so a busy session writes once a minute, not once a request.
 */
export async function loadCurrentUser(db: Db, claims: unknown, now = new Date()): Promise<CurrentUser | null> {
  const parsed = sessionClaimsSchema.safeParse(claims);
  if (!parsed.success) return null;
  const { uid, sv, sid } = parsed.data;
  const rows = await db.$queryRaw<Row[]>`
    WITH touched AS (
      UPDATE "UserSession" SET "lastSeenAt" = ${now}
      WHERE "id" = ${sid} AND "userId" = ${uid} AND "endedAt" IS NULL AND "expiresAt" > ${now}
        AND "lastSeenAt" > ${new Date(now.getTime() - IDLE_TIMEOUT_MS)} AND "lastSeenAt" < ${new Date(now.getTime() - TOUCH_INTERVAL_MS)}
      RETURNING "id"
    )
    SELECT u."id", u."email", u."name", u."role"::text AS "role", u."disabled", u."sessionVersion",
           s."lastSeenAt", s."expiresAt", s."endedAt",
           COALESCE(array_agg(m."tenantId") FILTER (WHERE m."tenantId" IS NOT NULL), '{}') AS "tenantIds",
           COALESCE(array_agg(m."tenantId") FILTER (WHERE m."role" = 'OWNER'), '{}') AS "ownerOf"
    FROM "UserSession" s
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "Membership" m ON m."userId" = u."id"
    WHERE s."id" = ${sid} AND s."userId" = ${uid}
    GROUP BY u."id", s."id"`;
  const row = rows[0];
  if (!row || row.disabled || row.sessionVersion !== sv || !sessionIsLive(row, now)) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, tenantIds: row.tenantIds, ownerOf: row.ownerOf, sessionId: sid };
}

export async function getCurrentUser(db: Db): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions());
  return session ? loadCurrentUser(db, session) : null;
}
