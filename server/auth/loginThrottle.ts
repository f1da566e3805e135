import type { Db } from "@/server/db";

// Failed sign-ins are counted in the database (never in process memory), so every instance sees the same count.
export const LOGIN_POLICY = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export const throttleKey = (email: string) => `login:${email.trim().toLowerCase()}`;

/** When the key is locked, the time it unlocks; otherwise null. */
export async function lockedUntil(db: Db, key: string, now = new Date()): Promise<Date | null> {
  const row = await db.loginThrottle.findUnique({ where: { key } });
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

export async function recordFailure(db: Db, key: string, now = new Date()): Promise<void> {
  const windowStart = new Date(now.getTime() - LOGIN_POLICY.windowMs);
  // One statement, so concurrent failures cannot undercount: reset the window when it has passed, else add one.
  await db.$executeRaw`
    INSERT INTO "LoginThrottle" ("key", "failures", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "LoginThrottle"."windowStart" END`;
  await db.$executeRaw`
    UPDATE "LoginThrottle" SET "lockedUntil" = ${new Date(now.getTime() + LOGIN_POLICY.lockMs)}, "failures" = 0
    WHERE "key" = ${key} AND "failures" >= ${LOGIN_POLICY.maxFailures}`;
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
