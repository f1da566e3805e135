import "server-only";
import { z } from "zod";
import { createTRPCRouter, tenantOwnerProcedure, tenantProcedure } from "@/server/api/trpc";
import { inviteToTenant, removeTenantUser, revokeInvitation, tenantUsers } from "@/server/auth/tenant-users";

export const usersRouter = createTRPCRouter({
  /** The winery's users and its open invitations. */
  list: tenantProcedure.query(({ ctx }) => tenantUsers(ctx.db, ctx.tenantId, ctx.user, ctx.isOwner)),

  /** Mails a single-use invitation link that expires after 7 days. */
  invite: tenantOwnerProcedure
    .input(z.object({ email: z.email("must be an email address").max(254), membershipRole: z.enum(["OWNER", "STAFF"]) }))
    .mutation(({ ctx, input }) => inviteToTenant(ctx.db, ctx.user, { tenantId: ctx.tenantId, email: input.email, membershipRole: input.membershipRole })),

  /** Withdraws an open invitation: its link stops working at once. */
  revokeInvitation: tenantOwnerProcedure
    .input(z.object({ invitationId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.user, ctx.tenantId, input.invitationId)),

  /** Removes a user from the winery; the last owner stays. */
  remove: tenantOwnerProcedure
    .input(z.object({ userId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => removeTenantUser(ctx.db, ctx.user, ctx.tenantId, input.userId)),
});
