import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { purgeExpiredData } from "@/server/sync/retention";
import { loadCurrentUser } from "./current-user";
import { signInKeys } from "./login-throttle";
import { authOptions } from "./options";
import { IDLE_TIMEOUT_MS, openSession, TOUCH_INTERVAL_MS } from "./sessions";

const db = createPrisma();
afterAll(() => db.$disconnect());

const HOUR = 60 * 60_000;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

async function signedIn(now = new Date()) {
  const tenant = await db.tenant.create({ data: { name: `Session Estate ${unique()}`, shopDomain: `s-${unique()}.myshopify.com` } });
  const user = await db.user.create({
    data: { email: `session-${unique()}@winery.test`, role: "MERCHANT", memberships: { create: { tenantId: tenant.id, role: "OWNER" } } },
  });
  const sid = await openSession(db, user.id, now);
  return { user, tenant, sid, claims: { uid: user.id, sv: 0, sid } };
}

describe("server-side sessions", () => {
  it("resolve to the user with their wineries, and end with the session version or a disable", async () => {
    const { user, tenant, claims } = await signedIn();
    expect(await loadCurrentUser(db, claims)).toEqual({
      id: user.id,
      email: user.email,
      name: null,
      role: "MERCHANT",
      tenantIds: [tenant.id],
      ownerOf: [tenant.id],
      sessionId: claims.sid,
    });
    await db.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await loadCurrentUser(db, claims)).toBeNull();
    expect(await loadCurrentUser(db, { ...claims, sv: 1 })).not.toBeNull();
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await loadCurrentUser(db, { ...claims, sv: 1 })).toBeNull();
    expect(await loadCurrentUser(db, { uid: user.id, sv: 1 })).toBeNull(); // a cookie from before sessions had rows
    expect(await loadCurrentUser(db, undefined)).toBeNull();
  });

  it("a session belongs to its user: another user's id with it is refused", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(await loadCurrentUser(db, { uid: b.user.id, sv: 0, sid: a.sid })).toBeNull();
  });

  it("ends SESSION_MAX_HOURS after sign-in however active it is, and after the idle timeout when it is not", async () => {
    const start = new Date();
    const maxMs = getEnv().SESSION_MAX_HOURS * HOUR;
    const busy = await signedIn(start);
    // Used every few hours, it never goes idle...
    for (let t = 2 * HOUR; t < maxMs; t += 2 * HOUR) expect(await loadCurrentUser(db, busy.claims, at(start, t))).not.toBeNull();
    expect(await loadCurrentUser(db, busy.claims, at(start, maxMs - 60_000))).not.toBeNull();
    // ...and still ends at its absolute limit.
    expect(await loadCurrentUser(db, busy.claims, at(start, maxMs + 1))).toBeNull();

    const idle = await signedIn(start);
    expect(await loadCurrentUser(db, idle.claims, at(start, IDLE_TIMEOUT_MS - 60_000))).not.toBeNull();
    const stale = await signedIn(start);
    expect(await loadCurrentUser(db, stale.claims, at(start, IDLE_TIMEOUT_MS + 1))).toBeNull();
    // A refused request does not revive it.
    expect(await loadCurrentUser(db, stale.claims, at(start, IDLE_TIMEOUT_MS + 2))).toBeNull();
  });

  it("refreshes lastSeenAt at most about once a minute", async () => {
    const start = new Date();
    const { sid, claims } = await signedIn(start);
    const lastSeen = async () => (await db.userSession.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt.getTime();
    await loadCurrentUser(db, claims, at(start, TOUCH_INTERVAL_MS / 2));
    expect(await lastSeen()).toBe(start.getTime());
    await loadCurrentUser(db, claims, at(start, TOUCH_INTERVAL_MS + 1000));
    expect(await lastSeen()).toBe(start.getTime() + TOUCH_INTERVAL_MS + 1000);
  });

  it("signing out ends the session on the server: the same cookie no longer works", async () => {
    const { claims } = await signedIn();
    const other = await db.userSession.create({ data: { userId: claims.uid, expiresAt: at(new Date(), HOUR) } });
    expect(await loadCurrentUser(db, claims)).not.toBeNull();
    await authOptions().events!.signOut!({ token: { ...claims }, session: null as never });
    expect(await loadCurrentUser(db, claims)).toBeNull();
    expect(await loadCurrentUser(db, { ...claims, sid: other.id })).not.toBeNull(); // only that session
  });

  it("signing in through next-auth opens a session row and puts its id in the token", async () => {
    const { user } = await signedIn();
    const token = await authOptions().callbacks!.jwt!({ token: {}, user: { id: user.id }, account: null, trigger: "signIn" });
    expect(typeof token.sid).toBe("string");
    expect(await loadCurrentUser(db, token)).toMatchObject({ id: user.id, sessionId: token.sid });
  });
});

describe("the retention job", () => {
  it("purges sessions that can no longer be used and sign-in counts that are over, and keeps the rest", async () => {
    const now = new Date();
    const { user } = await signedIn(now);
    const live = await db.userSession.findFirstOrThrow({ where: { userId: user.id } });
    const ended = await db.userSession.create({ data: { userId: user.id, expiresAt: at(now, HOUR), endedAt: now } });
    const expired = await db.userSession.create({ data: { userId: user.id, createdAt: at(now, -13 * HOUR), expiresAt: at(now, -HOUR) } });
    const idle = await db.userSession.create({ data: { userId: user.id, lastSeenAt: at(now, -IDLE_TIMEOUT_MS - 1), expiresAt: at(now, HOUR) } });

    const keys = signInKeys(`r-${unique()}@winery.test`, "203.0.113.9");
    await db.loginThrottle.createMany({
      data: [
        { key: keys.address, failures: 3, windowStart: at(now, -48 * HOUR) },
        { key: keys.account, failures: 3, windowStart: at(now, -48 * HOUR), lockedUntil: at(now, HOUR) },
        { key: keys.accountAtAddress, failures: 3, windowStart: at(now, -60_000) },
      ],
    });
    const result = await purgeExpiredData(db, 90, now);
    expect(result.sessions).toBeGreaterThanOrEqual(3);
    expect(result.loginThrottles).toBeGreaterThanOrEqual(1);
    const sessions = await db.userSession.findMany({ where: { id: { in: [live.id, ended.id, expired.id, idle.id] } } });
    expect(sessions.map((s) => s.id)).toEqual([live.id]);
    const counts = await db.loginThrottle.findMany({ where: { key: { in: Object.values(keys) } } });
    expect(counts.map((c) => c.key).sort()).toEqual([keys.account, keys.accountAtAddress].sort());
  });
});
