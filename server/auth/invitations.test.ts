import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { signInWithPassword } from "./signIn";
import { acceptInvitation, createInvitation, inspectInvitation, INVITATION_TTL_MS } from "./invitations";

const db = createPrisma();
let catcher: MailCatcher;
let mailer: Mailer;
const appUrl = "http://app.test";
const inviter = { id: "inviter", email: "owner@winery.test" };

beforeAll(async () => {
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
    const support = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT" } });
    await expect(
      createInvitation(db, { email: support.email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl }),
    ).rejects.toThrow(/support account/);
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
