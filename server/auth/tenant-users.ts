// A winery's users as its Users page manages them: who belongs and who is invited, inviting, withdrawing an
// invitation, removing a user. Who may do which is decided by the caller's procedure builder (owners and support
// staff change things); removing is checked again under a lock, since an owner may have been removed meanwhile.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { CurrentUser } from "@/server/auth/current-user";
import { createInvitation, InviterNotAllowedError, revokeInvitationsSentBy } from "@/server/auth/invitations";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { Refused } from "@/server/lib/refused";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The winery's users and its open invitations (expired ones are shown as expired, for a week; withdrawn ones not at all). */
export async function tenantUsers(db: Db, tenantId: string, viewer: CurrentUser, canManage: boolean) {
  const now = new Date();
  const [members, invitations] = await Promise.all([
    db.membership.findMany({
      where: { tenantId },
      orderBy: { createdAt: "asc" },
      select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true, disabled: true } } },
    }),
    db.invitation.findMany({
      where: { tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date(now.getTime() - WEEK_MS) } },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, membershipRole: true, createdAt: true, expiresAt: true },
    }),
  ]);
  return {
    canManage,
    members: members.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, disabled: m.user.disabled, role: m.role, since: m.createdAt, isYou: m.user.id === viewer.id })),
    invitations: invitations.map((i) => ({ ...i, expired: i.expiresAt <= now })),
  };
}

/** Invites someone to a winery as `inviter` (an owner of it, or support staff): a single-use link that expires after 7 days. */
export async function inviteToTenant(
  db: Db,
  inviter: CurrentUser,
  input: { tenantId: string; email: string; membershipRole: "OWNER" | "STAFF" },
): Promise<{ invitationId: string; expiresAt: Date }> {
  try {
    return await createInvitation(db, { ...input, role: "MERCHANT", invitedBy: { id: inviter.id, email: inviter.email } });
  } catch (error) {
    if (error instanceof InviterNotAllowedError) throw new Refused("FORBIDDEN", error.message);
    throw error;
  }
}

/** Withdraws an open invitation of the winery: its link stops working at once. */
export async function revokeInvitation(db: Db, actor: CurrentUser, tenantId: string, invitationId: string): Promise<{ revoked: true }> {
  const { count } = await db.invitation.updateMany({
    where: { id: invitationId, tenantId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new Refused("NOT_FOUND", "This winery has no such open invitation.");
  await recordAudit(db, { action: "invitation.revoked", actor, tenantId, details: { invitationId } });
  return { revoked: true };
}

/**
 * Locks every membership of the winery until the transaction ends, so changes to its users happen one at a time:
 * two owners removing each other at once cannot both see the other owner still there.
 */
async function lockMemberships(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Membership" WHERE "tenantId" = ${tenantId} FOR UPDATE`;
}

/**
 * Removes a user from the winery: their open sessions end at once (sessionVersion) and the invitations they sent
 * to it are withdrawn. The last owner stays, and an owner removed meanwhile can no longer remove anyone.
 */
export function removeTenantUser(db: Db, actor: CurrentUser, tenantId: string, userId: string): Promise<{ removed: string }> {
  return db.$transaction(async (tx) => {
    await lockMemberships(tx, tenantId);
    if (actor.role !== "SUPPORT") {
      const own = await tx.membership.findUnique({ where: { userId_tenantId: { userId: actor.id, tenantId } }, select: { role: true } });
      if (own?.role !== "OWNER") throw new Refused("FORBIDDEN", "You are no longer an owner of this winery.");
    }
    const membership = await tx.membership.findUnique({
      where: { userId_tenantId: { userId, tenantId } },
      include: { user: { select: { email: true } } },
    });
    if (!membership) throw new Refused("NOT_FOUND", "This winery has no such user.");
    if (membership.role === "OWNER") {
      const owners = await tx.membership.count({ where: { tenantId, role: "OWNER" } });
      if (owners <= 1) throw new Refused("BAD_REQUEST", "A winery keeps at least one owner: make someone else an owner first.");
    }
    await tx.membership.delete({ where: { userId_tenantId: { userId, tenantId } } });
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    const invitationsRevoked = await revokeInvitationsSentBy(tx, userId, tenantId);
    await recordAudit(tx, {
      action: "user.removed",
      actor,
      tenantId,
      details: { email: membership.user.email, role: membership.role, invitationsRevoked },
    });
    return { removed: membership.user.email };
  });
}
