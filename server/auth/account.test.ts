import { afterAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createPrisma } from "@/server/db";
import { catchProcessMail } from "@/test/process-mail";
import { loadCurrentUser, type SessionClaims } from "./current-user";
import { PASSWORD_CHECK_POLICY } from "./login-throttle";
import { hashPassword } from "./password";
import { openSession } from "./sessions";
import { signInWithPassword } from "./sign-in";

const db = createPrisma();
const appUrl = "http://app.test";
const mail = catchProcessMail(appUrl); // the procedures use the process-wide mailer
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;

afterAll(() => db.$disconnect());

/** A user signed in on two devices: `here` makes the calls, `there` is another browser. */
async function signedInTwice(password = "the-current-password") {
  const user = await db.user.create({ data: { email: `account-${unique()}@winery.test`, passwordHash: await hashPassword(password) } });
  const here: SessionClaims = { uid: user.id, sv: 0, sid: await openSession(db, user.id) };
  const there: SessionClaims = { uid: user.id, sv: 0, sid: await openSession(db, user.id) };
  const caller = createCaller({ db, user: await loadCurrentUser(db, here) });
  return { user, here, there, caller, password };
}

describe("changing the password on the Account page", () => {
  it("needs the current password; sets the new one, ends the other sessions, keeps this one, and mails the user", async () => {
    const { user, here, there, caller, password } = await signedInTwice();
    await expect(caller.account.changePassword({ currentPassword: "not-it-at-all", newPassword: "a-brand-new-password" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "The current password is not right.",
    });
    await expect(caller.account.changePassword({ currentPassword: password, newPassword: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await loadCurrentUser(db, there)).not.toBeNull(); // nothing changed yet

    await expect(caller.account.changePassword({ currentPassword: password, newPassword: "a-brand-new-password" })).resolves.toEqual({ ok: true });
    expect(await loadCurrentUser(db, here)).not.toBeNull();
    expect(await loadCurrentUser(db, there)).toBeNull();
    expect((await signInWithPassword(db, { email: user.email, password })).ok).toBe(false);
    expect((await signInWithPassword(db, { email: user.email, password: "a-brand-new-password" })).ok).toBe(true);

    const notice = await mail.catcher.waitFor((m) => m.to.includes(user.email));
    expect(notice.subject).toBe("Your vintrace-sync password was changed");
    expect(notice.text).toContain("changed on the Account page");
    expect(notice.text).toContain("If this wasn't you");
    expect(notice.html).toContain(`${appUrl}/forgot-password`);
    expect(notice.text).not.toContain("a-brand-new-password");
    expect(await db.auditEvent.count({ where: { actorId: user.id, action: "password.changed" } })).toBe(1);
  });

  it("is throttled: after a few wrong current passwords even the right one is refused for a while", async () => {
    const { user, caller, password } = await signedInTwice();
    for (let i = 0; i < PASSWORD_CHECK_POLICY.refuseAfter; i++) {
      await expect(caller.account.changePassword({ currentPassword: `guess-${i}`, newPassword: "a-brand-new-password" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    await expect(caller.account.changePassword({ currentPassword: password, newPassword: "a-brand-new-password" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("Too many wrong passwords"),
    });
    expect((await signInWithPassword(db, { email: user.email, password })).ok).toBe(true); // unchanged
  });
});

describe("signing out everywhere", () => {
  it("ends every session of the user, this one too, and moves the session version on", async () => {
    const { user, here, there, caller } = await signedInTwice();
    const bystander = await signedInTwice();
    await expect(caller.account.signOutEverywhere()).resolves.toEqual({ ended: 2 });
    expect(await loadCurrentUser(db, here)).toBeNull();
    expect(await loadCurrentUser(db, there)).toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(1);
    expect(await loadCurrentUser(db, bystander.here)).not.toBeNull();
    expect(await db.auditEvent.count({ where: { actorId: user.id, action: "sessions.signed_out_everywhere" } })).toBe(1);
  });

  it("needs a signed-in caller", async () => {
    const anonymous = createCaller({ db, user: null });
    await expect(anonymous.account.signOutEverywhere()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.account.changePassword({ currentPassword: "x", newPassword: "a-brand-new-password" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
