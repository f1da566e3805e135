import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as forgotRoute } from "@/app/api/password/forgot/route";
import { POST as resetRoute } from "@/app/api/password/reset/route";
import ResetPasswordPage from "@/app/reset-password/[token]/page";
import InvitePage from "@/app/invite/[token]/page";
import { createPrisma, getDb } from "@/server/db";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import type { MailCatcher } from "@/simulators/mail/catcher";
import { catchProcessMail } from "@/test/process-mail";
import { argon2Slots, ARGON2_LIMITS, hashPassword } from "./password";
import { createInvitation, INVITATION_TTL_MS } from "./invitations";
import { FORGOT_PASSWORD_ANSWER, FORGOT_PASSWORD_LIMITED, inspectResetToken, requestPasswordReset, RESET_LIMITS, RESET_TTL_MS, resetPassword } from "./password-reset";
import { signInWithPassword } from "./sign-in";
import { loadCurrentUser } from "./current-user";
import { openSession } from "./sessions";

const db = createPrisma();
let mailer: Mailer;
const appUrl = "http://app.test";
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
// The route handlers use the process-wide mailer; the functions called directly get `mailer`, on the same catcher.
const mail = catchProcessMail(appUrl);
let catcher: MailCatcher;

beforeAll(() => {
  catcher = mail.catcher;
  mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <no-reply@test>", log: () => {} });
});
afterAll(async () => {
  mailer.close();
  await db.$disconnect();
  await getDb().$disconnect();
});

async function user(password = "the-old-long-password") {
  const email = `reset-${unique()}@winery.test`;
  return db.user.create({ data: { email, passwordHash: await hashPassword(password) } });
}

const tokenFrom = (text: string) => /\/reset-password\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? "";

const forgot = (email: string, ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) =>
  forgotRoute(
    new Request("http://app.test/api/password/forgot", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ email }),
    }),
  );

async function html(element: Promise<React.ReactElement>): Promise<string> {
  return renderToStaticMarkup(await element);
}

describe("password reset over real SMTP", () => {
  it("mails a one-hour single-use link; using it sets the password and ends the other sessions", async () => {
    const u = await user();
    const { limited, delivery } = await requestPasswordReset(db, { email: u.email.toUpperCase() }, "10.1.1.1", { mailer, appUrl });
    expect(limited).toBe(false);
    await delivery;
    const mail = await catcher.waitFor((m) => m.to.includes(u.email));
    expect(mail.subject).toBe("Reset your vintrace-sync password");
    expect(mail.html).toContain(`${appUrl}/reset-password/`);
    const token = tokenFrom(mail.text);
    const stored = await db.passwordReset.findFirstOrThrow({ where: { userId: u.id } });
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBeLessThanOrEqual(RESET_TTL_MS + 1000);
    expect(JSON.stringify(stored)).not.toContain(token);

    const before = { uid: u.id, sv: 0, sid: await openSession(db, u.id) };
    expect(await loadCurrentUser(db, before)).not.toBeNull();
    expect(await resetPassword(db, { token, password: "short" }, new Date(), { mailer, appUrl })).toMatchObject({ ok: false, reason: "weak_password" });
    expect(await resetPassword(db, { token, password: "the-new-long-password" }, new Date(), { mailer, appUrl })).toEqual({ ok: true, email: u.email });
    expect(await loadCurrentUser(db, before)).toBeNull(); // the session opened before the reset has ended
    expect((await db.userSession.findUniqueOrThrow({ where: { id: before.sid } })).endedAt).not.toBeNull();
    const notice = await catcher.waitFor((m) => m.to.includes(u.email) && m.subject === "Your vintrace-sync password was changed");
    expect(notice.text).toContain("reset with a link");
    expect(notice.text).toContain("If this wasn't you");
    expect(notice.text).toContain(`${appUrl}/forgot-password`);
    expect((await signInWithPassword(db, { email: u.email, password: "the-old-long-password" })).ok).toBe(false);
    expect((await signInWithPassword(db, { email: u.email, password: "the-new-long-password" })).ok).toBe(true);

    expect(await resetPassword(db, { token, password: "a-third-long-password" })).toMatchObject({ ok: false, reason: "used" });
    const page = await html(ResetPasswordPage({ params: Promise.resolve({ token }) }));
    expect(page).toContain("This reset link has already been used");
    expect(page).not.toContain("New password");
  });

  it("refuses an expired link with a clear page, and only the newest link works", async () => {
    const u = await user();
    const longAgo = new Date(Date.now() - RESET_TTL_MS - 60_000);
    await (await requestPasswordReset(db, { email: u.email }, null, { mailer, appUrl, now: longAgo })).delivery;
    const expired = tokenFrom((await catcher.waitFor((m) => m.to.includes(u.email))).text);
    expect(await inspectResetToken(db, expired)).toEqual({ state: "expired" });
    expect(await resetPassword(db, { token: expired, password: "the-new-long-password" })).toMatchObject({ ok: false, reason: "expired" });
    expect(await html(ResetPasswordPage({ params: Promise.resolve({ token: expired }) }))).toContain("This reset link has expired");

    await (await requestPasswordReset(db, { email: u.email }, null, { mailer, appUrl })).delivery;
    const first = tokenFrom(catcher.messages({ to: u.email }).at(-1)!.text);
    await (await requestPasswordReset(db, { email: u.email }, null, { mailer, appUrl })).delivery;
    const second = tokenFrom(catcher.messages({ to: u.email }).at(-1)!.text);
    expect(await inspectResetToken(db, first)).toEqual({ state: "expired" });
    expect(await inspectResetToken(db, second)).toEqual({ state: "valid", email: u.email });
    expect(await html(ResetPasswordPage({ params: Promise.resolve({ token: "not-a-real-token-at-all-0123456789" }) }))).toContain("This reset link is not valid");
  });

  it("answers the same for an unknown email, sends it no mail, and takes about as long", async () => {
    const known = await user();
    const unknown = `nobody-${unique()}@winery.test`;
    catcher.clear();
    const t0 = Date.now();
    const a = await forgot(known.email);
    const t1 = Date.now();
    const b = await forgot(unknown);
    const t2 = Date.now();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await a.json()).toEqual({ message: FORGOT_PASSWORD_ANSWER });
    expect(await b.json()).toEqual({ message: FORGOT_PASSWORD_ANSWER });
    expect(Math.abs(t1 - t0 - (t2 - t1))).toBeLessThan(250);
    await catcher.waitFor((m) => m.to.includes(known.email));
    await new Promise((r) => setTimeout(r, 300));
    expect(catcher.messages({ to: unknown })).toHaveLength(0);
    expect(await db.passwordReset.count({ where: { user: { email: unknown } } })).toBe(0);
  });

  it("is rate-limited per email and per client address, the same for known and unknown emails", async () => {
    const known = await user();
    const unknown = `ghost-${unique()}@winery.test`;
    const ask = (email: string, ip: string | null) => requestPasswordReset(db, { email }, ip, { mailer, appUrl }).then((o) => o.limited);
    for (const email of [known.email, unknown]) {
      const limited: boolean[] = [];
      for (let i = 0; i < RESET_LIMITS.perEmail.max; i++) limited.push(await ask(email, null));
      expect(limited.every((l) => !l)).toBe(true);
      const over = await forgot(email);
      expect(over.status).toBe(429);
      expect(await over.json()).toEqual({ message: FORGOT_PASSWORD_LIMITED });
    }
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const limited: boolean[] = [];
    for (let i = 0; i < RESET_LIMITS.perAddress.max + 1; i++) limited.push(await ask(`spray-${i}-${unique()}@winery.test`, ip));
    expect(limited).toEqual([...Array(RESET_LIMITS.perAddress.max).fill(false), true]);
  });

  it("the reset endpoint refuses a reused token with 410 and a plain message, and answers 429 while the server is busy", async () => {
    const u = await user();
    await (await requestPasswordReset(db, { email: u.email }, null, { mailer, appUrl })).delivery;
    const token = tokenFrom(catcher.messages({ to: u.email }).at(-1)!.text);
    const post = (password: string) =>
      resetRoute(new Request("http://app.test/api/password/reset", { method: "POST", body: JSON.stringify({ token, password }) }));
    expect((await post("the-new-long-password")).status).toBe(200);
    const again = await post("another-long-password");
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ reason: "used", message: expect.stringContaining("already been used") });

    // With every argon2 slot taken, a fresh link answers 429 and stays usable.
    await (await requestPasswordReset(db, { email: u.email }, null, { mailer, appUrl })).delivery;
    const fresh = tokenFrom(catcher.messages({ to: u.email }).at(-1)!.text);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = Array.from({ length: ARGON2_LIMITS.concurrency + ARGON2_LIMITS.queue }, () => argon2Slots.run(() => gate));
    const busy = await resetRoute(new Request("http://app.test/api/password/reset", { method: "POST", body: JSON.stringify({ token: fresh, password: "third-long-password" }) }));
    open();
    await Promise.all(held);
    expect(busy.status).toBe(429);
    expect(busy.headers.get("Retry-After")).toBe("5");
    expect(await inspectResetToken(db, fresh)).toEqual({ state: "valid", email: u.email });

    const junk = await resetRoute(new Request("http://app.test/api/password/reset", { method: "POST", body: "{not json" }));
    expect(junk.status).toBe(400);
  });
});

describe("the invitation page", () => {
  it("shows a clear page for an expired, a used, a withdrawn and an unknown link", async () => {
    const t = await db.tenant.create({ data: { name: `Page Estate ${unique()}`, shopDomain: `page-${unique()}.myshopify.com` } });
    const inviter = await db.user.create({ data: { email: `page-inviter-${unique()}@winehub.test`, role: "SUPPORT" } });
    const invite = async (email: string, now?: Date) => {
      await createInvitation(db, { email, tenantId: t.id, role: "MERCHANT", membershipRole: "STAFF", invitedBy: inviter }, { mailer, appUrl, now });
      return /\/invite\/([A-Za-z0-9_-]+)/.exec(catcher.messages({ to: email }).at(-1)!.text)![1];
    };
    const expired = await invite(`old-${unique()}@winery.test`, new Date(Date.now() - INVITATION_TTL_MS - 1000));
    expect(await html(InvitePage({ params: Promise.resolve({ token: expired }) }))).toContain("This invitation has expired");
    const used = await invite(`used-${unique()}@winery.test`);
    await db.invitation.updateMany({ where: { email: { startsWith: "used-" }, tenantId: t.id }, data: { acceptedAt: new Date() } });
    expect(await html(InvitePage({ params: Promise.resolve({ token: used }) }))).toContain("This invitation has already been used");
    const withdrawn = await invite(`withdrawn-${unique()}@winery.test`);
    await db.invitation.updateMany({ where: { email: { startsWith: "withdrawn-" }, tenantId: t.id }, data: { revokedAt: new Date() } });
    expect(await html(InvitePage({ params: Promise.resolve({ token: withdrawn }) }))).toContain("This invitation has been withdrawn");
    expect(await html(InvitePage({ params: Promise.resolve({ token: "abc" }) }))).toContain("This invitation link is not valid");
  });
});
