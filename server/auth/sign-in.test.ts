import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { BusyError } from "./limiter";
import { SIGN_IN_POLICY, signInKeys } from "./login-throttle";
import { argon2Slots, ARGON2_LIMITS, hashPassword } from "./password";
import { signInWithPassword, type SignInContext } from "./sign-in";

const db = createPrisma();
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
let octet = 0;
/** A documentation-range address no other test in this file uses. */
const freshAddress = () => `198.51.${Math.floor(++octet / 250)}.${octet % 250}`;
const noPause = { pause: async () => {} } satisfies SignInContext;

async function account(password = "correct horse battery") {
  const email = `signin-${unique()}@winery.test`;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(password), role: "MERCHANT" } });
  return { email, password, id: user.id };
}

afterAll(() => db.$disconnect());

describe("signing in", () => {
  let user: Awaited<ReturnType<typeof account>>;
  beforeAll(async () => {
    user = await account();
  });

  it("accepts the right password, case-insensitively on the email", async () => {
    const result = await signInWithPassword(db, { email: user.email.toUpperCase(), password: user.password }, { clientAddress: freshAddress() });
    expect(result).toMatchObject({ ok: true, user: { id: user.id, role: "MERCHANT" } });
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const clientAddress = freshAddress();
    expect(await signInWithPassword(db, { email: user.email, password: "wrong" }, { clientAddress })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(db, { email: "nobody@nowhere.test", password: "wrong" }, { clientAddress })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(db, { email: "not an email", password: "" }, { clientAddress })).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a disabled user", async () => {
    const target = `disabled-${unique()}@winery.test`;
    await db.user.create({ data: { email: target, passwordHash: await hashPassword("pass-word-123"), role: "MERCHANT", disabled: true } });
    expect(await signInWithPassword(db, { email: target, password: "pass-word-123" }, { clientAddress: freshAddress() })).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("throttling without lock-out", () => {
  it("an account attacked from one address still takes the right password from another address", async () => {
    const victim = await account("the-right-one!");
    const attacker = freshAddress();
    const other = createPrisma(); // a second "instance": the counts live in the database
    const results = [];
    for (let i = 0; i < SIGN_IN_POLICY.accountAtAddress.refuseAfter + 3; i++) {
      results.push((await signInWithPassword(i % 2 ? db : other, { email: victim.email, password: "guess" }, { clientAddress: attacker, ...noPause })).ok === false);
    }
    await other.$disconnect();
    // The attacker's own address is refused now, even with the right password...
    expect(await signInWithPassword(db, { email: victim.email, password: "the-right-one!" }, { clientAddress: attacker, ...noPause })).toEqual({
      ok: false,
      reason: "locked",
    });
    // ...and the owner, from anywhere else, signs in.
    expect(await signInWithPassword(db, { email: victim.email, password: "the-right-one!" }, { clientAddress: freshAddress(), ...noPause })).toMatchObject({
      ok: true,
      user: { id: victim.id },
    });
  });

  it("one address trying many accounts is slowed down more and more, then refused for a while", async () => {
    const sprayer = freshAddress();
    const pauses: number[] = [];
    const reasons: string[] = [];
    const { refuseAfter, freeFailures, maxDelayMs } = SIGN_IN_POLICY.address;
    for (let i = 0; i < refuseAfter + 1; i++) {
      const result = await signInWithPassword(
        db,
        { email: `spray-${i}-${unique()}@winery.test`, password: "guess" },
        { clientAddress: sprayer, pause: async (ms) => void pauses.push(ms) },
      );
      if (!result.ok) reasons.push(result.reason);
    }
    expect(reasons.slice(0, refuseAfter).every((r) => r === "invalid")).toBe(true);
    expect(reasons.at(-1)).toBe("locked");
    // No pause for the first few failures, then growing, capped.
    expect(pauses).toHaveLength(refuseAfter - freeFailures);
    expect(pauses.slice(0, 3)).toEqual([250, 500, 1000]);
    expect(Math.max(...pauses)).toBe(maxDelayMs);
    expect(pauses.every((p, i) => i === 0 || p >= pauses[i - 1])).toBe(true);

    // Still refused a while later, with the right password of a real account; a quarter of an hour on, let through.
    const owner = await account("owner-password-1");
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    expect(await signInWithPassword(db, { email: owner.email, password: owner.password }, { clientAddress: sprayer, now: later(10), ...noPause })).toEqual({
      ok: false,
      reason: "locked",
    });
    expect(await signInWithPassword(db, { email: owner.email, password: owner.password }, { clientAddress: sprayer, now: later(16), ...noPause })).toMatchObject({
      ok: true,
    });
  });

  it("failures on one account from many addresses add a small bounded pause, never a refusal", async () => {
    const victim = await account("still-mine-123");
    for (let i = 0; i < SIGN_IN_POLICY.account.freeFailures + 20; i++) {
      expect(await signInWithPassword(db, { email: victim.email, password: "guess" }, { clientAddress: freshAddress(), ...noPause })).toMatchObject({
        reason: "invalid",
      });
    }
    const pauses: number[] = [];
    const result = await signInWithPassword(db, { email: victim.email, password: "still-mine-123" }, { clientAddress: freshAddress(), pause: async (ms) => void pauses.push(ms) });
    expect(result.ok).toBe(true);
    expect(pauses).toEqual([SIGN_IN_POLICY.account.maxDelayMs]);
    // The right password clears the account's count: the next sign-in has no pause.
    const after: number[] = [];
    await signInWithPassword(db, { email: victim.email, password: "still-mine-123" }, { clientAddress: freshAddress(), pause: async (ms) => void after.push(ms) });
    expect(after).toEqual([]);
  });
});

describe("the argon2 limit", () => {
  it("refuses verifications beyond the running and waiting ones with BusyError", async () => {
    const { concurrency, queue } = ARGON2_LIMITS;
    const outcomes = await Promise.allSettled(Array.from({ length: concurrency + queue + 5 }, () => hashPassword("x")));
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(refused).toHaveLength(5);
    expect(refused.every((o) => o.status === "rejected" && o.reason instanceof BusyError)).toBe(true);
  });

  it("a sign-in that finds every slot taken answers busy, and does not count against the address", async () => {
    const user = await account("busy-but-right-1");
    const clientAddress = freshAddress();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = Array.from({ length: ARGON2_LIMITS.concurrency + ARGON2_LIMITS.queue }, () => argon2Slots.run(() => gate));
    expect(await signInWithPassword(db, { email: user.email, password: user.password }, { clientAddress })).toEqual({ ok: false, reason: "busy" });
    open();
    await Promise.all(held);
    const keys = signInKeys(user.email, clientAddress);
    const counts = await db.loginThrottle.findMany({ where: { key: { in: [keys.address, keys.accountAtAddress, keys.account] } } });
    expect(counts.map((c) => c.failures)).toEqual([0, 0, 0]);
    expect(await signInWithPassword(db, { email: user.email, password: user.password }, { clientAddress })).toMatchObject({ ok: true });
  });
});
