// The signed-in user's own account: changing the password (which needs the current one) and signing out
// everywhere. Both leave an audit event; a password change or reset also mails the user, so someone who took over
// a session cannot quietly lock the owner out.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { getMailer } from "@/server/mail/mailer";
import { renderMail } from "@/server/mail/render";
import { logError } from "@/server/observability/log";
import { newPasswordSchema, type MailDeps } from "./invitations";
import { BusyError } from "./limiter";
import { clearPasswordChecks, countPasswordCheck, PASSWORD_CHECK_POLICY } from "./login-throttle";
import { hashPassword, verifyPassword } from "./password";
import { endSessionsOf } from "./sessions";

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "is required").max(200),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export type ChangePasswordResult = { ok: true } | { ok: false; reason: "wrong_password" | "locked" | "busy"; message: string };

const REFUSALS = {
  wrong_password: "The current password is not right.",
  locked: `Too many wrong passwords. Wait ${PASSWORD_CHECK_POLICY.refuseMs / 60_000} minutes, then try again.`,
  busy: "The server is busy. Wait a few seconds, then try again.",
} as const;

const refuse = (reason: keyof typeof REFUSALS): ChangePasswordResult => ({ ok: false, reason, message: REFUSALS[reason] });

interface Who {
  id: string;
  /** the session making the change, which stays signed in */
  sessionId?: string;
}

/** Sets a new password after checking the current one (throttled per user), and ends the user's other sessions. */
export async function changePassword(db: Db, who: Who, input: ChangePasswordInput, deps: MailDeps = {}): Promise<ChangePasswordResult> {
  const now = deps.now ?? new Date();
  if (!(await countPasswordCheck(db, who.id, now))) return refuse("locked");
  const user = await db.user.findUniqueOrThrow({ where: { id: who.id } });
  let passwordHash: string;
  try {
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) return refuse("wrong_password");
    passwordHash = await hashPassword(input.newPassword);
  } catch (error) {
    if (error instanceof BusyError) return refuse("busy");
    throw error;
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const ended = await endSessionsOf(tx, user.id, now, who.sessionId);
    await clearPasswordChecks(tx, user.id);
    await recordAudit(tx, { action: "password.changed", actor: user, details: { otherSessionsEnded: ended } });
  });
  await mailPasswordChanged(user.email, "changed", deps);
  return { ok: true };
}

/** Ends every session of the user, this one included, and moves sessionVersion on. */
export async function signOutEverywhere(db: Db, user: { id: string; email: string }, now = new Date()): Promise<{ ended: number }> {
  return db.$transaction(async (tx) => {
    const ended = await endSessionsOf(tx, user.id, now);
    await tx.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(tx, { action: "sessions.signed_out_everywhere", actor: user, details: { ended } });
    return { ended };
  });
}

/**
 * Tells the user their password was changed or reset, with the way back if it was not them. A mail that cannot be
 * sent is logged: the password has already changed, and failing now would only hide that.
 */
export async function mailPasswordChanged(email: string, how: "changed" | "reset", deps: MailDeps = {}): Promise<void> {
  const when = (deps.now ?? new Date()).toUTCString();
  const forgot = `${(deps.appUrl ?? getEnv().APP_URL).replace(/\/$/, "")}/forgot-password`;
  const mail = renderMail("Your vintrace-sync password was changed", [
    {
      kind: "paragraph",
      text: `The password of ${email} on vintrace-sync was ${how === "reset" ? "reset with a link sent to this address" : "changed on the Account page"} (${when}). Your other sessions were signed out.`,
    },
    { kind: "paragraph", text: "If this wasn't you, choose a new password at once, and tell Winehub support." },
    { kind: "action", label: "Choose a new password", url: forgot },
  ]);
  try {
    await (deps.mailer ?? getMailer()).send({ to: email, ...mail });
  } catch (error) {
    logError("mail: the password-changed notice failed", error);
  }
}
