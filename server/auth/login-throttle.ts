import "server-only";
import type { Db } from "@/server/db";

// Failed sign-ins are counted in the database (never in process memory), so every instance sees the same count.
// Sign-in counts on three keys, so that an attacker slows only themselves and never locks anyone out:
// - the client address: a progressive delay after a few failures, then refusal for a while;
// - the account at that address: refusal after a few failures, for guessing one password from one place;
// - the account from everywhere: a small, bounded delay that never refuses, so the owner can always sign in.
// Each attempt is counted before the password is checked, so a burst of parallel guesses sees its own count.
export const SIGN_IN_POLICY = {
  windowMs: 15 * 60_000,
  address: { freeFailures: 5, baseDelayMs: 250, maxDelayMs: 4_000, refuseAfter: 30, refuseMs: 15 * 60_000 },
  accountAtAddress: { refuseAfter: 5, refuseMs: 15 * 60_000 },
  account: { freeFailures: 10, stepMs: 100, maxDelayMs: 1_000 },
};

const NEVER = 2_147_483_647;

/** The three keys one sign-in attempt counts on (an unknown address shares one bucket). */
export function signInKeys(email: string, clientAddress: string | null) {
  const address = clientAddress ?? "unknown";
  return { address: `signin-ip:${address}`, accountAtAddress: `signin-pair:${email} ${address}`, account: `signin-account:${email}` };
}
export type SignInKeys = ReturnType<typeof signInKeys>;

interface Count {
  failures: number;
  refused: boolean;
}

/**
 * Adds one to a key's count in one statement (so concurrent attempts cannot undercount), restarting the count when
 * its window has passed. The attempt that goes past `refuseAfter` starts a refusal of `refuseMs`; a refusal already
 * running is left as it is.
 */
async function bump(db: Db, key: string, now: Date, refuseAfter = NEVER, refuseMs = 0): Promise<Count> {
  const windowStart = new Date(now.getTime() - SIGN_IN_POLICY.windowMs);
  const refuseUntil = new Date(now.getTime() + refuseMs);
  const rows = await db.$queryRaw<{ failures: number; lockedUntil: Date | null }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "failures", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" < ${windowStart} THEN 1 ELSE t."failures" + 1 END,
      "windowStart" = CASE WHEN t."windowStart" < ${windowStart} THEN ${now} ELSE t."windowStart" END,
      "lockedUntil" = CASE
        WHEN (t."lockedUntil" IS NULL OR t."lockedUntil" <= ${now})
          AND (CASE WHEN t."windowStart" < ${windowStart} THEN 1 ELSE t."failures" + 1 END) > ${refuseAfter}
        THEN ${refuseUntil} ELSE t."lockedUntil" END
    RETURNING "failures", "lockedUntil"`;
  const row = rows[0];
  return { failures: row.failures, refused: row.lockedUntil !== null && row.lockedUntil > now };
}

export type AttemptVerdict = { refused: true } | { refused: false; delayMs: number };

/** Counts one sign-in attempt and says whether it may go ahead, and after how long a pause. */
export async function countSignInAttempt(db: Db, keys: SignInKeys, now = new Date()): Promise<AttemptVerdict> {
  const { address: a, accountAtAddress: p, account: c } = SIGN_IN_POLICY;
  const address = await bump(db, keys.address, now, a.refuseAfter, a.refuseMs);
  const pair = await bump(db, keys.accountAtAddress, now, p.refuseAfter, p.refuseMs);
  if (address.refused || pair.refused) return { refused: true };
  const account = await bump(db, keys.account, now);
  const addressDelay = address.failures <= a.freeFailures ? 0 : Math.min(a.baseDelayMs * 2 ** (address.failures - a.freeFailures - 1), a.maxDelayMs);
  const accountDelay = Math.min(Math.max(0, account.failures - c.freeFailures) * c.stepMs, c.maxDelayMs);
  return { refused: false, delayMs: addressDelay + accountDelay };
}

/** Takes back an attempt that was not a failure (the password was never checked, because the server was busy). */
export async function uncountSignInAttempt(db: Db, keys: SignInKeys): Promise<void> {
  await db.loginThrottle.updateMany({
    where: { key: { in: [keys.address, keys.accountAtAddress, keys.account] }, failures: { gt: 0 } },
    data: { failures: { decrement: 1 } },
  });
}

/**
 * After the right password: the address gets its attempt back (one good account does not wash away its other
 * failures), and the account's own counts are cleared.
 */
export async function recordSignInSuccess(db: Db, keys: SignInKeys): Promise<void> {
  await db.loginThrottle.updateMany({ where: { key: keys.address, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  await db.loginThrottle.deleteMany({ where: { key: { in: [keys.accountAtAddress, keys.account] } } });
}

/** Checking a signed-in user's current password (to change it): refused after a few failures, for a while. */
export const PASSWORD_CHECK_POLICY = { refuseAfter: 5, refuseMs: 15 * 60_000 };
const passwordCheckKey = (userId: string) => `password-check:${userId}`;

/** Counts one check of a signed-in user's current password; false once they have failed too often. */
export async function countPasswordCheck(db: Db, userId: string, now = new Date()): Promise<boolean> {
  const { refuseAfter, refuseMs } = PASSWORD_CHECK_POLICY;
  return !(await bump(db, passwordCheckKey(userId), now, refuseAfter, refuseMs)).refused;
}

export async function clearPasswordChecks(db: Pick<Db, "loginThrottle">, userId: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: passwordCheckKey(userId) } });
}

/** Clears every sign-in count on an account, from every address (after a password reset). */
export async function clearAccountThrottles(db: Pick<Db, "loginThrottle">, email: string): Promise<void> {
  const { account } = signInKeys(email, null);
  await db.loginThrottle.deleteMany({
    where: { OR: [{ key: account }, { key: { startsWith: `signin-pair:${email} ` } }] },
  });
}

/** Deletes counts whose window and refusal are both over (the retention job). */
export async function purgeStaleThrottles(db: Db, now = new Date(), olderThanMs = 24 * 60 * 60_000): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanMs);
  const { count } = await db.loginThrottle.deleteMany({
    where: { windowStart: { lt: cutoff }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return count;
}
