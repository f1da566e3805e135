import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { POST as acceptRoute } from "@/app/api/invitations/accept/route";
import { argon2Slots, ARGON2_LIMITS, hashPassword } from "./password";
import { SIGN_IN_POLICY } from "./login-throttle";
import { signInWithPassword } from "./sign-in";
import { acceptInvitation, createInvitation, inspectInvitation, INVITATION_TTL_MS, InviterNotAllowedError } from "./invitations";

const db = createPrisma();
let catcher: MailCatcher;
let mailer: Mailer;
const appUrl = "http://app.test";
// Support staff may invite anyone: the inviter of the tests that are not about who invites.
let inviter: { id: string; email: string };

beforeAll(async () => {
  const support = await db.user.create({ data: { email: `inviter-${unique()}@winehub.test`, role: "SUPPORT" } });
  inviter = { id: support.id, email: support.email };
  catcher = await startMailCatcher({ httpPort: null });
  mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <no-reply@test>", log: () => {} });
});
afterAll(async () => {
  mailer.close();
  await catcher.close();
  await db.$disconnect();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;

async function tenant() {
  return db.tenant.create({ data: { name: `Invite Estate ${unique()}`, shopDomain: `inv-${unique()}.myshopify.com` } });
}

function tokenFrom(text: string): string {
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no invitation link in: ${text}`);
  return match[1];
}

describe("invitations over real SMTP", () => {
  it("mails a single-use link (text and HTML), stores only its hash, and accepting creates the user and membership", async () => {
    const t = await tenant();
    const email = `staff-${unique()}@winery.test`;
    const { invitationId, expiresAt } = await createInvitation(
      db,
      { email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter },
      { mailer, appUrl },
    );
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);
    const mail = await catcher.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toContain(t.name);
    expect(mail.text).toContain(`${appUrl}/invite/`);
    expect(mail.html).toContain(`${appUrl}/invite/`);
    expect(mail.html).toMatch(/^<!doctype html>/);
    const token = tokenFrom(mail.text);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    expect(row.tokenHash).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);

    expect(await inspectInvitation(db, token)).toMatchObject({ state: "valid", email, tenantName: t.name, hasAccount: false });
    expect(await acceptInvitation(db, { token, password: "short" })).toMatchObject({ ok: false, reason: "weak_password" });
    expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toEqual({ ok: true, email });

    const user = await db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.memberships).toEqual([expect.objectContaining({ tenantId: t.id, role: "STAFF" })]);
    expect((await signInWithPassword(db, { email, password: "a-long-enough-password" })).ok).toBe(true);

    // Reused: refused, and the page says so.
    expect(await inspectInvitation(db, token)).toEqual({ state: "used" });
    expect(await acceptInvitation(db, { token, password: "another-long-password" })).toMatchObject({ ok: false, reason: "used" });
    expect((await signInWithPassword(db, { email, password: "another-long-password" })).ok).toBe(false);
  });

  it("refuses an expired link and an unknown one", async () => {
    const t = await tenant();
    const email = `late-${unique()}@winery.test`;
    const sentAt = new Date(Date.now() - INVITATION_TTL_MS - 60_000);
    await createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole: "OWNER", invitedBy: inviter }, { mailer, appUrl, now: sentAt });
    const token = tokenFrom((await catcher.waitFor((m) => m.to.includes(email))).text);
    expect(await inspectInvitation(db, token)).toEqual({ state: "expired" });
    expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toMatchObject({ ok: false, reason: "expired" });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await inspectInvitation(db, "x".repeat(43))).toEqual({ state: "unknown" });
    expect(await inspectInvitation(db, "../../etc")).toEqual({ state: "unknown" });
  });

  it("two racing accepts of one link: exactly one wins", async () => {
    const t = await tenant();
    const email = `race-${unique()}@winery.test`;
    await createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl });
    const token = tokenFrom((await catcher.waitFor((m) => m.to.includes(email))).text);
    const results = await Promise.all([
      acceptInvitation(db, { token, password: "first-long-password" }),
      acceptInvitation(db, { token, password: "second-long-password" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });

  it("a newer invitation replaces the open one; an existing winery user joins a second winery with their own password", async () => {
    const [a, b] = [await tenant(), await tenant()];
    const email = `multi-${unique()}@winery.test`;
    await createInvitation(db, { email, tenantId: a.id, role: "MERCHANT", membershipRole: "OWNER", invitedBy: inviter }, { mailer, appUrl });
    const first = tokenFrom((await catcher.waitFor((m) => m.to.includes(email))).text);
    await createInvitation(db, { email, tenantId: a.id, role: "MERCHANT", membershipRole: "OWNER", invitedBy: inviter }, { mailer, appUrl });
    const second = tokenFrom((await catcher.waitFor((m) => m.to.includes(email) && !m.text.includes(first))).text);
    expect(await inspectInvitation(db, first)).toEqual({ state: "expired" });
    expect((await acceptInvitation(db, { token: second, password: "owner-long-password" })).ok).toBe(true);

    await createInvitation(db, { email, tenantId: b.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl });
    const third = tokenFrom(catcher.messages({ to: email }).at(-1)!.text);
    await catcher.waitFor((m) => m.text.includes(third));
    expect(await inspectInvitation(db, third)).toMatchObject({ state: "valid", hasAccount: true });
    expect(await acceptInvitation(db, { token: third, password: "not-my-password" })).toMatchObject({ ok: false, reason: "wrong_password" });
    expect((await acceptInvitation(db, { token: third, password: "owner-long-password" })).ok).toBe(true);
    const memberships = await db.membership.findMany({ where: { user: { email } } });
    expect(memberships.map((m) => [m.tenantId, m.role]).sort()).toEqual([[a.id, "OWNER"], [b.id, "STAFF"]].sort());
  });

  it("refuses bad input and people who are already in", async () => {
    const t = await tenant();
    await expect(
      createInvitation(db, { email: "not-an-email", tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl }),
    ).rejects.toThrow(/email/);
    await expect(
      createInvitation(db, { email: `s-${unique()}@x.test`, tenantId: t.id, role: "SUPPORT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl }),
    ).rejects.toThrow(/tenantId/);
    const member = await db.user.create({ data: { email: `member-${unique()}@winery.test`, memberships: { create: { tenantId: t.id, role: "STAFF" } } } });
    await expect(
      createInvitation(db, { email: member.email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl }),
    ).rejects.toThrow(/already a user/);
  });

  it("withdraws the invitation when the mail cannot be sent", async () => {
    const t = await tenant();
    const email = `nomail-${unique()}@winery.test`;
    const broken = createMailer({ smtpUrl: "smtp://127.0.0.1:1", from: "x@test", log: () => {} });
    await expect(
      createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer: broken, appUrl }),
    ).rejects.toThrow(/could not be sent/);
    expect(await db.invitation.count({ where: { email } })).toBe(0);
    broken.close();
  });
});

describe("who may invite, and what an invitation tells the inviter", () => {
  async function owned() {
    const t = await tenant();
    const owner = await db.user.create({ data: { email: `owner-${unique()}@winery.test`, memberships: { create: { tenantId: t.id, role: "OWNER" } } } });
    return { t, owner: { id: owner.id, email: owner.email } };
  }

  async function invite(t: { id: string }, invitedBy: { id: string; email: string }, membershipRole: "OWNER" | "STAFF") {
    const email = `invitee-${unique()}@winery.test`;
    await createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole, invitedBy }, { mailer, appUrl });
    return { email, token: tokenFrom((await catcher.waitFor((m) => m.to.includes(email))).text) };
  }

  /** The invitation was refused and nothing changed: no account, no membership, the link still unused. */
  async function expectRefusedUnchanged(token: string, email: string) {
    const result = await acceptInvitation(db, { token, password: "a-long-enough-password" });
    expect(result).toMatchObject({ ok: false, reason: "not_allowed", message: expect.stringContaining("can no longer be accepted") });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await db.invitation.findFirstOrThrow({ where: { email } })).toMatchObject({ acceptedAt: null });
  }

  it("an owner's invitation works while they are an owner, and stops once they are removed, disabled, or made staff", async () => {
    const { t, owner } = await owned();
    const kept = await invite(t, owner, "OWNER");
    expect((await acceptInvitation(db, { token: kept.token, password: "a-long-enough-password" })).ok).toBe(true);

    const afterRemoval = await invite(t, owner, "STAFF");
    const afterDemotion = await invite(t, owner, "OWNER");
    const staffInvite = await invite(t, owner, "STAFF");

    await db.membership.update({ where: { userId_tenantId: { userId: owner.id, tenantId: t.id } }, data: { role: "STAFF" } });
    // An owner invitation needs an owner; so does a staff one, since staff invite nobody.
    await expectRefusedUnchanged(afterDemotion.token, afterDemotion.email);
    await expectRefusedUnchanged(staffInvite.token, staffInvite.email);

    await db.membership.delete({ where: { userId_tenantId: { userId: owner.id, tenantId: t.id } } });
    await expectRefusedUnchanged(afterRemoval.token, afterRemoval.email);
  });

  it("a disabled inviter's invitations stop working, support staff's too", async () => {
    const { t, owner } = await owned();
    const fromOwner = await invite(t, owner, "STAFF");
    const support = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT" } });
    const fromSupport = await invite(t, { id: support.id, email: support.email }, "OWNER");
    await db.user.updateMany({ where: { id: { in: [owner.id, support.id] } }, data: { disabled: true } });
    await expectRefusedUnchanged(fromOwner.token, fromOwner.email);
    await expectRefusedUnchanged(fromSupport.token, fromSupport.email);
  });

  it("an acceptance that meets the inviter being disabled waits for it, then refuses", async () => {
    const { t, owner } = await owned();
    const { email, token } = await invite(t, owner, "STAFF");
    const other = createPrisma();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The disable is under way on another connection (its row lock held) when the invitee accepts.
    const disabling = other.$transaction(async (tx) => {
      await tx.user.update({ where: { id: owner.id }, data: { disabled: true } });
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const accepting = acceptInvitation(db, { token, password: "a-long-enough-password" });
    // Released once the acceptance waits on a lock (or after 5 s, when it never does).
    for (let waited = 0; waited < 5_000; waited += 50) {
      const [{ waiting }] = await db.$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (waiting > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    release();
    await disabling;
    expect(await accepting).toMatchObject({ ok: false, reason: "not_allowed" });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    await other.$disconnect();
  });

  it("a staff member cannot send an invitation, for an owner or for staff", async () => {
    const { t } = await owned();
    const staff = await db.user.create({ data: { email: `staff-${unique()}@winery.test`, memberships: { create: { tenantId: t.id, role: "STAFF" } } } });
    for (const membershipRole of ["OWNER", "STAFF"] as const) {
      const email = `by-staff-${unique()}@winery.test`;
      await expect(
        createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole, invitedBy: { id: staff.id, email: staff.email } }, { mailer, appUrl }),
      ).rejects.toBeInstanceOf(InviterNotAllowedError);
      expect(await db.invitation.count({ where: { email } })).toBe(0);
    }
  });

  it("a withdrawn invitation cannot be accepted, and its link is shown as withdrawn", async () => {
    const { t, owner } = await owned();
    const { email, token } = await invite(t, owner, "STAFF");
    await db.invitation.updateMany({ where: { email }, data: { revokedAt: new Date() } });
    expect(await inspectInvitation(db, token)).toEqual({ state: "revoked" });
    expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toMatchObject({
      ok: false,
      reason: "revoked",
      message: expect.stringContaining("withdrawn"),
    });
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
  });
});

describe("confirming an existing password to accept an invitation", () => {
  const accept = (token: string, password: string, from: string) =>
    acceptRoute(
      new Request("http://app.test/api/invitations/accept", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": from },
        body: JSON.stringify({ token, password }),
      }),
    );

  async function existingUserInvited() {
    const email = `existing-${unique()}@winery.test`;
    await db.user.create({ data: { email, role: "MERCHANT", passwordHash: await hashPassword("the-owners-long-password") } });
    const t = await tenant();
    await createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl });
    const token = tokenFrom((await catcher.waitFor((m) => m.to.includes(email))).text);
    return { email, token };
  }

  it("is throttled per address like sign-in: guesses from one address never lock the owner out from another", async () => {
    const { email, token } = await existingUserInvited();
    const guesses: number[] = [];
    for (let i = 0; i <= SIGN_IN_POLICY.accountAtAddress.refuseAfter; i++) guesses.push((await accept(token, `guess-${i}-wrong-password`, "203.0.113.7")).status);
    expect(guesses).toEqual([...Array(SIGN_IN_POLICY.accountAtAddress.refuseAfter).fill(401), 429]);
    // The guessing address is refused, for accepting and for signing in alike (one count), even with the right password.
    expect((await accept(token, "the-owners-long-password", "203.0.113.7")).status).toBe(429);
    expect(await signInWithPassword(db, { email, password: "the-owners-long-password" }, { clientAddress: "203.0.113.7" })).toMatchObject({ reason: "locked" });
    // The owner, elsewhere, accepts at once.
    const owner = await accept(token, "the-owners-long-password", "198.51.100.20");
    expect(owner.status).toBe(200);
    expect(await owner.json()).toEqual({ email });
  });

  it("answers 429 with Retry-After while every argon2 slot is taken, and the link still works afterwards", async () => {
    const { token } = await existingUserInvited();
    const t = await tenant();
    const newcomer = `newcomer-${unique()}@winery.test`;
    await createInvitation(db, { email: newcomer, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl });
    const newToken = tokenFrom((await catcher.waitFor((m) => m.to.includes(newcomer))).text);

    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = Array.from({ length: ARGON2_LIMITS.concurrency + ARGON2_LIMITS.queue }, () => argon2Slots.run(() => gate));
    const busy = [await accept(token, "the-owners-long-password", "203.0.113.8"), await accept(newToken, "a-brand-new-long-password", "203.0.113.8")];
    open();
    await Promise.all(held);
    for (const answer of busy) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get("Retry-After")).toBe("5");
      expect(await answer.json()).toMatchObject({ reason: "busy", message: expect.stringContaining("still works") });
    }
    expect((await accept(token, "the-owners-long-password", "203.0.113.8")).status).toBe(200);
    expect((await accept(newToken, "a-brand-new-long-password", "203.0.113.8")).status).toBe(200);
  });
});
