// "Forgot password": the answer is the same whether or not the email has an account, and no mail goes to an
// unknown address. Requests are counted in the database per email and per client address (every instance sees
// the same counts), whether or not the email exists, so the limit itself reveals nothing. The link is single-use,
// expires after an hour, and using it bumps the user's sessionVersion, which ends every other session; the user is
// then told by mail that the password changed.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import { hashToken, randomToken } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { getMailer } from "@/server/mail/mailer";
import { renderMail } from "@/server/mail/render";
import { logError } from "@/server/observability/log";
import { mailPasswordChanged } from "./account";
import { newPasswordSchema, type MailDeps } from "./invitations";
import { BusyError } from "./limiter";
import { clearAccountThrottles } from "./login-throttle";
import { hashPassword } from "./password";
import { endSessionsOf } from "./sessions";

export const RESET_TTL_MS = 60 * 60 * 1000;
export const RESET_LIMITS = {
  perEmail: { max: 3, windowMs: 60 * 60 * 1000 },
  perAddress: { max: 20, windowMs: 60 * 60 * 1000 },
};

export const FORGOT_PASSWORD_ANSWER =
  "If an account uses that address, we have sent it a link to choose a new password. The link works once, for 1 hour.";
export const FORGOT_PASSWORD_LIMITED = "Too many reset requests. Wait an hour, then try again.";

export const resetLink = (appUrl: string, token: string) => `${appUrl.replace(/\/$/, "")}/reset-password/${token}`;

/** Adds one to a fixed-window counter (in the LoginThrottle table) and says whether the request is within `max`. */
async function countRequest(db: Db, key: string, limit: { max: number; windowMs: number }, now: Date): Promise<boolean> {
  const windowStart = new Date(now.getTime() - limit.windowMs);
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "LoginThrottle"."windowStart" END
    RETURNING "failures"`;
  return (rows[0]?.failures ?? 1) <= limit.max;
}

export const forgotPasswordSchema = z.object({ email: z.email().max(254).trim().toLowerCase() });

export interface ResetRequestOutcome {
  /** over a limit: the caller answers 429 (the same for every email) */
  limited: boolean;
  /** the mail on its way, when there is one: the HTTP answer does not wait for it, so timing says nothing */
  delivery: Promise<void>;
}

export async function requestPasswordReset(
  db: Db,
  raw: unknown,
  clientAddress: string | null,
  deps: MailDeps & { onDeliveryError?: (error: unknown) => void } = {},
): Promise<ResetRequestOutcome> {
  const done = Promise.resolve();
  const parsed = forgotPasswordSchema.safeParse(raw);
  if (!parsed.success) return { limited: false, delivery: done };
  const { email } = parsed.data;
  const now = deps.now ?? new Date();

  const addressOk = clientAddress ? await countRequest(db, `reset-ip:${clientAddress}`, RESET_LIMITS.perAddress, now) : true;
  const emailOk = await countRequest(db, `reset-email:${email}`, RESET_LIMITS.perEmail, now);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, disabled: true } });
  if (!addressOk || !emailOk) return { limited: true, delivery: done };
  if (!user || user.disabled) return { limited: false, delivery: done };

  const token = randomToken();
  await db.$transaction([
    // Only the newest link works.
    db.passwordReset.updateMany({ where: { userId: user.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } }),
    db.passwordReset.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + RESET_TTL_MS) } }),
    recordAudit(db, { action: "password.reset_requested", actor: user, details: { clientAddress } }),
  ]);
  const mail = renderMail("Reset your vintrace-sync password", [
    { kind: "paragraph", text: `Someone (we hope you) asked to reset the password of ${user.email} on vintrace-sync.` },
    { kind: "action", label: "Choose a new password", url: resetLink(deps.appUrl ?? getEnv().APP_URL, token) },
    {
      kind: "paragraph",
      text: "The link works once and expires in 1 hour. Using it signs you out everywhere else. If you did not ask for this, ignore this mail: your password stays as it is.",
    },
  ]);
  const mailer = deps.mailer ?? getMailer();
  const delivery = mailer
    .send({ to: user.email, ...mail })
    .then(() => undefined)
    .catch((error: unknown) => (deps.onDeliveryError ?? ((e) => logError("mail: the password reset mail failed", e)))(error));
  return { limited: false, delivery };
}

export type ResetTokenView = { state: "valid"; email: string } | { state: "expired" | "used" | "unknown" };

const tokenSchema = z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/);

export async function inspectResetToken(db: Db, token: string, now = new Date()): Promise<ResetTokenView> {
  if (!tokenSchema.safeParse(token).success) return { state: "unknown" };
  const reset = await db.passwordReset.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { select: { email: true, disabled: true } } } });
  if (!reset || reset.user.disabled) return { state: "unknown" };
  if (reset.usedAt) return { state: "used" };
  if (reset.expiresAt <= now) return { state: "expired" };
  return { state: "valid", email: reset.user.email };
}

export const resetPasswordSchema = z.object({ token: tokenSchema, password: z.string().max(200) });

export type ResetResult =
  | { ok: true; email: string }
  | { ok: false; reason: "expired" | "used" | "unknown" | "weak_password" | "busy"; message: string };

const REFUSALS = {
  expired: "This reset link has expired. Ask for a new one.",
  used: "This reset link has already been used. Ask for a new one if you still need it.",
  unknown: "This reset link is not valid. Check that you copied the whole link from the mail, or ask for a new one.",
  weak_password: `Choose a password of at least 10 characters.`,
  busy: "The server is busy. Wait a few seconds, then try again: your link still works.",
} as const;

const refuse = (reason: keyof typeof REFUSALS): ResetResult => ({ ok: false, reason, message: REFUSALS[reason] });

/** Sets the new password once per link, ends every session, clears the account's sign-in counts and mails the user. */
export async function resetPassword(db: Db, raw: unknown, now = new Date(), deps: Omit<MailDeps, "now"> = {}): Promise<ResetResult> {
  const parsed = resetPasswordSchema.safeParse(raw);
  if (!parsed.success) return refuse("unknown");
  const view = await inspectResetToken(db, parsed.data.token, now);
  if (view.state !== "valid") return refuse(view.state);
  if (!newPasswordSchema.safeParse(parsed.data.password).success) return refuse("weak_password");
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(parsed.data.password);
  } catch (error) {
    if (error instanceof BusyError) return refuse("busy");
    throw error;
  }
  const tokenHash = hashToken(parsed.data.token);

  const result = await db.$transaction(async (tx) => {
    const consumed = await tx.passwordReset.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (consumed.count !== 1) return refuse("used");
    const reset = await tx.passwordReset.findUniqueOrThrow({ where: { tokenHash } });
    const user = await tx.user.update({ where: { id: reset.userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { expiresAt: now } });
    await endSessionsOf(tx, user.id, now);
    await clearAccountThrottles(tx, user.email);
    await recordAudit(tx, { action: "password.reset", actor: user });
    return { ok: true as const, email: user.email };
  });
  if (result.ok) await mailPasswordChanged(result.email, "reset", { ...deps, now });
  return result;
}
