import "server-only";
import { z } from "zod";
import { createTRPCRouter, supportProcedure } from "@/server/api/trpc";
import { inviteToTenant } from "@/server/auth/tenant-users";
import { addTenant, connectShopManually, installLink, tenantDirectory } from "@/server/tenants/directory";
import { shopDomainSchema } from "@/server/tenants/service";

const tenantIdInput = z.object({ tenantId: z.string().min(1).max(64) });

// Support only. These take a tenantId without the tenant-scoped builder because only support staff reach them.
export const tenantAdminRouter = createTRPCRouter({
  /** Every winery with how it is connected (never a token or key). */
  list: supportProcedure.query(({ ctx }) => tenantDirectory(ctx.db)),

  /** Adds a winery (connect its shop afterwards by OAuth or with a custom-app token). */
  create: supportProcedure
    .input(z.object({ name: z.string().max(120), shopDomain: z.string().max(200) }))
    .mutation(({ ctx, input }) => addTenant(ctx.db, { name: input.name, shopDomain: input.shopDomain }, ctx.user.email)),

  /** Connects a shop with a custom app's Admin API token (and its webhook secret), stored encrypted. */
  connectManual: supportProcedure
    .input(tenantIdInput.extend({ accessToken: z.string().trim().min(1, "is required").max(500), webhookSecret: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) => connectShopManually(ctx.db, input, { id: ctx.user.id, email: ctx.user.email })),

  /** The OAuth install link for a shop: the merchant opens it and approves the app in Shopify. */
  installLink: supportProcedure.input(z.object({ shopDomain: shopDomainSchema })).query(({ input }) => installLink(input.shopDomain)),

  /** Invites a winery user (usually its first owner). */
  invite: supportProcedure
    .input(tenantIdInput.extend({ email: z.email("must be an email address").max(254), membershipRole: z.enum(["OWNER", "STAFF"]) }))
    .mutation(({ ctx, input }) => inviteToTenant(ctx.db, ctx.user, input)),
});
