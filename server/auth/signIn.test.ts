import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { loadCurrentUser } from "./currentUser";
import { LOGIN_POLICY } from "./loginThrottle";
import { hashPassword } from "./password";
import { signInWithPassword } from "./signIn";

const db = createPrisma();
const email = `signin-${Date.now()}@winery.test`;
let userId = "";

beforeAll(async () => {
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword("correct horse battery"), role: "MERCHANT" } });
  userId = user.id;
});
afterAll(() => db.$disconnect());

describe("signing in", () => {
  it("accepts the right password, case-insensitively on the email", async () => {
    const result = await signInWithPassword(db, { email: email.toUpperCase(), password: "correct horse battery" });
    expect(result).toMatchObject({ ok: true, user: { id: userId, role: "MERCHANT" } });
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    expect(await signInWithPassword(db, { email, password: "wrong" })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(db, { email: "nobody@nowhere.test", password: "wrong" })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(db, { email: "not an email", password: "" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks an email out after repeated failures, even for the right password, across instances", async () => {
    const target = `lock-${Date.now()}@winery.test`;
    await db.user.create({ data: { email: target, passwordHash: await hashPassword("the right one!"), role: "MERCHANT" } });
    const other = createPrisma(); // a second "instance": the counter lives in the database
    for (let i = 0; i < LOGIN_POLICY.maxFailures; i++) {
      await signInWithPassword(i % 2 ? db : other, { email: target, password: "wrong" });
    }
    expect(await signInWithPassword(db, { email: target, password: "the right one!" })).toEqual({ ok: false, reason: "locked" });
    await other.$disconnect();
  });

  it("refuses a disabled user", async () => {
    const target = `disabled-${Date.now()}@winery.test`;
    await db.user.create({ data: { email: target, passwordHash: await hashPassword("pass-word-123"), role: "MERCHANT", disabled: true } });
    expect(await signInWithPassword(db, { email: target, password: "pass-word-123" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("ends open sessions when the session version moves on (reset, removal) or the user is disabled", async () => {
    expect(await loadCurrentUser(db, userId, 0)).toMatchObject({ id: userId, email });
    await db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    expect(await loadCurrentUser(db, userId, 0)).toBeNull();
    expect(await loadCurrentUser(db, userId, 1)).not.toBeNull();
    await db.user.update({ where: { id: userId }, data: { disabled: true } });
    expect(await loadCurrentUser(db, userId, 1)).toBeNull();
    expect(await loadCurrentUser(db, undefined, undefined)).toBeNull();
  });
});
