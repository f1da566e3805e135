import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { createInvitation } from "@/server/auth/invitations";
import { rethrowInputError } from "@/server/dashboard/fieldErrors";

/** A winery's owner (or support staff): tenant-scoped like every winery procedure, then owner-only. */
export const tenantOwnerProcedure = tenantProcedure.use(({ ctx, next }) => {
  if (!ctx.isOwner) throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner of this winery can manage its users." });
  return next();
});

export const usersRouter = createTRPCRouter({
  /** The winery's users and its open invitations (expired ones are shown as expired, for a week). */
  list: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const [members, invitations] = await Promise.all([
      ctx.db.membership.findMany({
        where: { tenantId: ctx.tenantId },
        orderBy: { createdAt: "asc" },
        select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true, disabled: true } } },
      }),
      ctx.db.invitation.findMany({
        where: { tenantId: ctx.tenantId, acceptedAt: null, expiresAt: { gt: new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000) } },
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
    .mutation(async ({ ctx, input }) => {
      try {
        return await createInvitation(ctx.db, {
          email: input.email,
          tenantId: ctx.tenantId,
          role: "MERCHANT",
          membershipRole: input.membershipRole,
          invitedBy: { id: ctx.user.id, email: ctx.user.email },
        });
      } catch (error) {
        return rethrowInputError(error);
      }
    }),

  /** Withdraws an open invitation: its link stops working at once. */
  revokeInvitation: tenantOwnerProcedure.input(z.object({ invitationId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.invitation.updateMany({
      where: { id: input.invitationId, tenantId: ctx.tenantId, acceptedAt: null },
      data: { expiresAt: new Date() },
    });
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such open invitation." });
    await ctx.db.auditEvent.create({
      data: { tenantId: ctx.tenantId, actorId: ctx.user.id, actorEmail: ctx.user.email, action: "invitation.revoked", details: { invitationId: input.invitationId } },
    });
    return { revoked: true };
  }),

  /** Removes a user from the winery; their open sessions end at once (sessionVersion). The last owner stays. */
  remove: tenantOwnerProcedure.input(z.object({ userId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    return ctx.db.$transaction(async (tx) => {
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
      await tx.auditEvent.create({
        data: {
          tenantId: ctx.tenantId,
          actorId: ctx.user.id,
          actorEmail: ctx.user.email,
          action: "user.removed",
          details: { email: membership.user.email, role: membership.role },
        },
      });
      return { removed: membership.user.email };
    });
  }),
});
