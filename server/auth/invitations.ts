// Invitations: support invites winery users (and other support staff); a winery owner invites its owners and staff.
// The mail carries a single-use link that expires after 7 days; only the sha256 of its token is stored. Who may
// invite whom is decided by the procedure builder of the caller (tenantOwnerProcedure or supportProcedure), and
// checked again here when the invitation is sent and when it is accepted: an inviter who has since been removed or
// disabled no longer lets anyone in. An install from Shopify invites the shop's owner itself (SHOPIFY_INSTALL): Shopify
// vouched for the shop, so its invitation grants ownership of that winery only, and only while the app is installed.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/server/audit/record";
import { hashToken, randomToken } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import type { Prisma } from "@/server/generated/prisma/client";
import { InputError, parseOrThrow } from "@/server/lib/errors";
import { getMailer, type Mailer } from "@/server/mail/mailer";
import { renderMail } from "@/server/mail/render";
import { BusyError } from "./limiter";
import { hashPassword } from "./password";
import { checkPasswordThrottled, type SignInContext } from "./sign-in";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, "must be at most 200 characters");

export const invitationInputSchema = z
  .object({
    email: z.email("must be an email address").max(254).trim().toLowerCase(),
    tenantId: z.string().min(1).max(64).nullable(),
    role: z.enum(["SUPPORT", "MERCHANT"]),
    membershipRole: z.enum(["OWNER", "STAFF"]),
    invitedBy: z.object({ id: z.string().min(1), email: z.string().min(1) }),
  })
  .refine((i) => (i.role === "MERCHANT") === (i.tenantId !== null), {
    message: "a winery user is invited to one winery; support staff to none",
    path: ["tenantId"],
  });
export type InvitationInput = z.input<typeof invitationInputSchema>;

export interface MailDeps {
  mailer?: Mailer;
  appUrl?: string;
  now?: Date;
}

type Tx = Prisma.TransactionClient;

/** What an invitation grants: a support account, or a membership of one winery with this role. */
interface Grant {
  role: "SUPPORT" | "MERCHANT";
  tenantId: string | null;
  membershipRole: "OWNER" | "STAFF";
}

/** The inviter may no longer grant what the invitation grants. */
export class InviterNotAllowedError extends Error {
  constructor() {
    super("Only an owner of this winery or Winehub support can invite to it.");
  }
}

/** The inviter of the owner invitation an install sends: no user, and no user's id can ever be the same. */
export const SHOPIFY_INSTALL = { id: "shopify-install", email: "Shopify (the app's install)" } as const;

/**
 * Whether this user may grant this invitation now: support staff may invite anyone; an owner of the winery may invite
 * its owners and staff; nobody else, and nobody disabled. The rows read are locked for the rest of the transaction,
 * the inviter's membership before the user, the order a removal takes them in, so a removal waits or is waited for.
 */
export async function inviterMayGrant(tx: Tx, inviterId: string | null, grant: Grant): Promise<boolean> {
  if (!inviterId) return false;
  if (inviterId === SHOPIFY_INSTALL.id) return installMayGrant(tx, grant);
  const memberships = grant.tenantId
    ? await tx.$queryRaw<{ role: string }[]>`SELECT role::text AS role FROM "Membership" WHERE "userId" = ${inviterId} AND "tenantId" = ${grant.tenantId} FOR SHARE`
    : [];
  const [inviter] = await tx.$queryRaw<{ role: string; disabled: boolean }[]>`SELECT role::text AS role, disabled FROM "User" WHERE id = ${inviterId} FOR SHARE`;
  if (!inviter || inviter.disabled) return false;
  if (inviter.role === "SUPPORT") return true;
  return grant.role === "MERCHANT" && memberships[0]?.role === "OWNER";
}

/** The install's invitation makes an owner of its own winery, while the app is still installed on the shop. */
async function installMayGrant(tx: Tx, grant: Grant): Promise<boolean> {
  if (grant.role !== "MERCHANT" || grant.membershipRole !== "OWNER" || !grant.tenantId) return false;
  const [tenant] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "Tenant" WHERE id = ${grant.tenantId} FOR SHARE`;
  return tenant !== undefined && tenant.status !== "UNINSTALLED";
}

/** Withdraws the open invitations a user sent to a winery, when they leave it: their links stop working at once. */
export async function revokeInvitationsSentBy(tx: Tx, inviterId: string, tenantId: string, now = new Date()): Promise<number> {
  const { count } = await tx.invitation.updateMany({
    where: { invitedById: inviterId, tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  return count;
}

export const invitationLink = (appUrl: string, token: string) => `${appUrl.replace(/\/$/, "")}/invite/${token}`;

/**
 * Stores the invitation (replacing any still-open one for the same email and winery) and mails the link.
 * When the mail cannot be sent, the invitation is withdrawn and the error thrown, so nothing waits on a lost link.
 */
export async function createInvitation(db: Db, input: InvitationInput, deps: MailDeps = {}): Promise<{ invitationId: string; expiresAt: Date }> {
  const data = parseOrThrow(invitationInputSchema, input);
  const now = deps.now ?? new Date();
  const tenant = data.tenantId ? await db.tenant.findUnique({ where: { id: data.tenantId }, select: { id: true, name: true } }) : null;
  if (data.tenantId && !tenant) throw new InputError({ tenantId: "no such winery" });

  const existing = await db.user.findUnique({ where: { email: data.email }, include: { memberships: true } });
  // Only what the inviter can already see is said: the winery's own users, and (to support) the support team.
  if (existing?.memberships.some((m) => m.tenantId === data.tenantId)) {
    throw new InputError({ email: `${data.email} is already a user of ${tenant?.name ?? "this winery"}` });
  }
  if (existing && data.role === "SUPPORT" && existing.role === "SUPPORT" && !existing.disabled) {
    throw new InputError({ email: `${data.email} is already on the support team` });
  }
  // A disabled account, or one of the other kind, cannot accept: it gets no mail, but the inviter is answered as for
  // anyone else, so an invitation never tells whether an address is support staff's or a disabled account's.
  const deliverable = !existing || (!existing.disabled && existing.role === data.role);

  const token = randomToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const invitation = await db.$transaction(async (tx) => {
    if (!(await inviterMayGrant(tx, data.invitedBy.id, data))) throw new InviterNotAllowedError();
    // An earlier open invitation for the same person and place stops working: only the newest link counts.
    await tx.invitation.updateMany({
      where: { email: data.email, tenantId: data.tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const created = await tx.invitation.create({
      data: {
        email: data.email,
        tenantId: data.tenantId,
        role: data.role,
        membershipRole: data.membershipRole,
        tokenHash: hashToken(token),
        expiresAt,
        invitedById: data.invitedBy.id,
      },
    });
    await recordAudit(tx, {
      action: "invitation.sent",
      actor: data.invitedBy,
      tenantId: data.tenantId,
      details: { email: data.email, role: data.role, membershipRole: data.role === "MERCHANT" ? data.membershipRole : null },
    });
    return created;
  });
  if (!deliverable) return { invitationId: invitation.id, expiresAt };

  const appUrl = deps.appUrl ?? getEnv().APP_URL;
  const place = tenant ? `${tenant.name} on vintrace-sync` : "the Winehub support team on vintrace-sync";
  const as = data.role === "SUPPORT" ? "" : data.membershipRole === "OWNER" ? " as an owner" : " as staff";
  const mail = renderMail(`You're invited to ${tenant ? tenant.name : "Winehub support"} on vintrace-sync`, [
    {
      kind: "paragraph",
      text:
        data.invitedBy.id === SHOPIFY_INSTALL.id
          ? `vintrace-sync was installed on your Shopify shop ${tenant?.name ?? ""}. You are invited to it as its owner, to finish setting it up.`
          : `${data.invitedBy.email} invited you to ${place}${as}.`,
    },
    { kind: "paragraph", text: "vintrace-sync sends your Shopify orders to vintrace and tells you when one needs attention." },
    { kind: "action", label: existing ? "Accept the invitation" : "Accept and choose a password", url: invitationLink(appUrl, token) },
    {
      kind: "paragraph",
      text: `The link works once and expires on ${expiresAt.toUTCString()}. If you were not expecting this, ignore this mail.`,
    },
  ]);
  try {
    await (deps.mailer ?? getMailer()).send({ to: data.email, ...mail });
  } catch (error) {
    await db.invitation.delete({ where: { id: invitation.id } }).catch(() => {});
    throw new Error(`The invitation mail to ${data.email} could not be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { invitationId: invitation.id, expiresAt };
}

export type InvitationView =
  | {
      state: "valid";
      email: string;
      tenantName: string | null;
      role: "SUPPORT" | "MERCHANT";
      membershipRole: "OWNER" | "STAFF";
      /** the email already has an account with a password: accepting asks for it instead of a new one */
      hasAccount: boolean;
      expiresAt: Date;
    }
  | { state: "expired" | "used" | "revoked" | "unknown" };

const tokenSchema = z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/);

/** What the invitation page shows for a link. */
export async function inspectInvitation(db: Db, token: string, now = new Date()): Promise<InvitationView> {
  if (!tokenSchema.safeParse(token).success) return { state: "unknown" };
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { tenant: { select: { name: true } } } });
  if (!invitation) return { state: "unknown" };
  if (invitation.acceptedAt) return { state: "used" };
  if (invitation.revokedAt) return { state: "revoked" };
  if (invitation.expiresAt <= now) return { state: "expired" };
  const user = await db.user.findUnique({ where: { email: invitation.email }, select: { passwordHash: true } });
  return {
    state: "valid",
    email: invitation.email,
    tenantName: invitation.tenant?.name ?? null,
    role: invitation.role,
    membershipRole: invitation.membershipRole,
    hasAccount: Boolean(user?.passwordHash),
    expiresAt: invitation.expiresAt,
  };
}

export const acceptInvitationSchema = z.object({
  token: tokenSchema,
  password: z.string().min(1, "is required").max(200),
  name: z.string().trim().max(120).optional(),
});

export type AcceptResult =
  | { ok: true; email: string }
  | { ok: false; reason: "expired" | "used" | "revoked" | "not_allowed" | "unknown" | "wrong_password" | "locked" | "busy" | "weak_password"; message: string };

const REFUSALS = {
  expired: "This invitation has expired. Ask whoever invited you to send a new one.",
  used: "This invitation has already been used. Sign in instead, or ask for a new invitation.",
  revoked: "This invitation has been withdrawn. Ask an owner of the winery, or Winehub support, if you still need access.",
  not_allowed: "This invitation can no longer be accepted. Ask an owner of the winery, or Winehub support, to invite you again.",
  unknown: "This invitation link is not valid. Check that you copied the whole link from the mail.",
  wrong_password: "That is not the password of your existing account.",
  locked: "Too many failed attempts. Wait 15 minutes, then try again.",
  busy: "The server is busy. Wait a few seconds, then try again: your invitation still works.",
  weak_password: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
} as const;

const refuse = (reason: keyof typeof REFUSALS): AcceptResult => ({ ok: false, reason, message: REFUSALS[reason] });

/**
 * Accepts an invitation once. A new user sets a password; someone who already has an account confirms theirs and
 * gains the membership. The token is consumed by a conditional update, so two racing accepts cannot both win.
 * Afterwards the caller signs in with the same email and password. Confirming an existing password counts as a
 * sign-in attempt from `context.clientAddress` (see checkPasswordThrottled), so it cannot be used to lock anyone out.
 */
export async function acceptInvitation(db: Db, raw: unknown, context: SignInContext = {}): Promise<AcceptResult> {
  const now = context.now ?? new Date();
  const parsed = acceptInvitationSchema.safeParse(raw);
  if (!parsed.success) return refuse("unknown");
  const { token, password, name } = parsed.data;
  const view = await inspectInvitation(db, token, now);
  if (view.state !== "valid") return refuse(view.state);

  const existing = await db.user.findUnique({ where: { email: view.email } });
  if (existing && (existing.disabled || existing.role !== view.role)) return refuse("not_allowed");
  let passwordHash: string | null = null;
  if (existing?.passwordHash) {
    const verdict = await checkPasswordThrottled(db, view.email, existing.passwordHash, password, { ...context, now });
    if (verdict !== "valid") return refuse(verdict === "invalid" ? "wrong_password" : verdict);
  } else {
    if (!newPasswordSchema.safeParse(password).success) return refuse("weak_password");
    try {
      passwordHash = await hashPassword(password);
    } catch (error) {
      if (error instanceof BusyError) return refuse("busy");
      throw error;
    }
  }

  const tokenHash = hashToken(token);
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { tokenHash } });
    // Checked before anything is written, so a refusal changes nothing.
    if (!(await inviterMayGrant(tx, invitation.invitedById, invitation))) return refuse("not_allowed");
    const consumed = await tx.invitation.updateMany({
      where: { tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (consumed.count !== 1) {
      const { revokedAt } = await tx.invitation.findUniqueOrThrow({ where: { tokenHash }, select: { revokedAt: true } });
      return refuse(revokedAt ? "revoked" : "used");
    }
    const user = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data: passwordHash ? { passwordHash, ...(name && !existing.name ? { name } : {}) } : {},
        })
      : await tx.user.create({ data: { email: invitation.email, name: name || null, passwordHash, role: invitation.role } });
    if (invitation.tenantId && invitation.role === "MERCHANT") {
      await tx.membership.upsert({
        where: { userId_tenantId: { userId: user.id, tenantId: invitation.tenantId } },
        create: { userId: user.id, tenantId: invitation.tenantId, role: invitation.membershipRole },
        update: {},
      });
    }
    await recordAudit(tx, {
      action: "invitation.accepted",
      actor: user,
      tenantId: invitation.tenantId,
      details: { invitationId: invitation.id, role: invitation.role, membershipRole: invitation.membershipRole, newUser: !existing },
    });
    return { ok: true as const, email: user.email };
  });
}
