import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { recordAudit } from "@/server/audit/record";
import type { CurrentUser } from "@/server/auth/current-user";
import { createInvitation, InviterNotAllowedError, revokeInvitationsSentBy } from "@/server/auth/invitations";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** Invites someone to a winery as `inviter`, for the Users page and the support team's Wineries page alike. */
export async function inviteToWinery(
  db: Db,
  inviter: CurrentUser,
  input: { tenantId: string; email: string; membershipRole: "OWNER" | "STAFF" },
): Promise<{ invitationId: string; expiresAt: Date }> {
  try {
    return await createInvitation(db, { ...input, role: "MERCHANT", invitedBy: { id: inviter.id, email: inviter.email } });
  } catch (error) {
    if (error instanceof InviterNotAllowedError) throw new TRPCError({ code: "FORBIDDEN", message: error.message });
    throw error;
  }
}

/**
 * Locks every membership of the winery until the transaction ends, so changes to its users happen one at a time:
 * two owners removing each other at once cannot both see the other owner still there.
 */
async function lockMemberships(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Membership" WHERE "tenantId" = ${tenantId} FOR UPDATE`;
}

export const usersRouter = createTRPCRouter({
  /** The winery's users and its open invitations (expired ones are shown as expired, for a week; withdrawn ones not at all). */
  list: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const [members, invitations] = await Promise.all([
      ctx.db.membership.findMany({
        where: { tenantId: ctx.tenantId },
        orderBy: { createdAt: "asc" },
        select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true, disabled: true } } },
      }),
      ctx.db.invitation.findMany({
        where: { tenantId: ctx.tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date(now.getTime() - WEEK_MS) } },
        orderBy: { createdAt: "desc" },
        select: { id: true, email: true, membershipRole: true, createdAt: true, expiresAt: true },
      }),
    ]);
    return {
      canManage: ctx.isOwner,
      members: members.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, disabled: m.user.disabled, role: m.role, since: m.createdAt, isYou: m.user.id === ctx.user.id })),
      invitations: invitations.map((i) => ({ ...i, expired: i.expiresAt <= now })),
    };
  }),

  /** Mails a single-use invitation link that expires after 7 days. */
  invite: tenantOwnerProcedure
    .input(z.object({ email: z.email("must be an email address").max(254), membershipRole: z.enum(["OWNER", "STAFF"]) }))
    .mutation(({ ctx, input }) => inviteToWinery(ctx.db, ctx.user, { tenantId: ctx.tenantId, email: input.email, membershipRole: input.membershipRole })),

  /** Withdraws an open invitation: its link stops working at once. */
  revokeInvitation: tenantOwnerProcedure.input(z.object({ invitationId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.invitation.updateMany({
      where: { id: input.invitationId, tenantId: ctx.tenantId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such open invitation." });
    await recordAudit(ctx.db, {
      action: "invitation.revoked",
      actor: ctx.user,
      tenantId: ctx.tenantId,
      details: { invitationId: input.invitationId },
    });
    return { revoked: true };
  }),

  /**
   * Removes a user from the winery: their open sessions end at once (sessionVersion) and the invitations they sent
   * to it are withdrawn. The last owner stays, and an owner removed meanwhile can no longer remove anyone.
   */
  remove: tenantOwnerProcedure.input(z.object({ userId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    return ctx.db.$transaction(async (tx) => {
      await lockMemberships(tx, ctx.tenantId);
      if (ctx.user.role !== "SUPPORT") {
        const own = await tx.membership.findUnique({ where: { userId_tenantId: { userId: ctx.user.id, tenantId: ctx.tenantId } }, select: { role: true } });
        if (own?.role !== "OWNER") throw new TRPCError({ code: "FORBIDDEN", message: "You are no longer an owner of this winery." });
      }
      const membership = await tx.membership.findUnique({
        where: { userId_tenantId: { userId: input.userId, tenantId: ctx.tenantId } },
        include: { user: { select: { email: true } } },
      });
      if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such user." });
      if (membership.role === "OWNER") {
        const owners = await tx.membership.count({ where: { tenantId: ctx.tenantId, role: "OWNER" } });
        if (owners <= 1) throw new TRPCError({ code: "BAD_REQUEST", message: "A winery keeps at least one owner: make someone else an owner first." });
      }
      await tx.membership.delete({ where: { userId_tenantId: { userId: input.userId, tenantId: ctx.tenantId } } });
      await tx.user.update({ where: { id: input.userId }, data: { sessionVersion: { increment: 1 } } });
      const invitationsRevoked = await revokeInvitationsSentBy(tx, input.userId, ctx.tenantId);
      await recordAudit(tx, {
        action: "user.removed",
        actor: ctx.user,
        tenantId: ctx.tenantId,
        details: { email: membership.user.email, role: membership.role, invitationsRevoked },
      });
      return { removed: membership.user.email };
    });
  }),
});
