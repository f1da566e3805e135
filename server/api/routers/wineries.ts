import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, supportProcedure } from "@/server/api/trpc";
import { inviteToWinery } from "@/server/api/routers/users";
import { getEnv } from "@/server/env";
import { saveManualConnection } from "@/server/shopify/tokens";
import { createTenant, shopDomainSchema } from "@/server/tenants/service";

const tenantIdInput = z.object({ tenantId: z.string().min(1).max(64) });

// Support only. These take a tenantId without the tenant-scoped builder because only support staff reach them.
export const wineriesRouter = createTRPCRouter({
  /** Every winery with how it is connected (never a token or key). */
  list: supportProcedure.query(async ({ ctx }) => {
    const tenants = await ctx.db.tenant.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        shopDomain: true,
        status: true,
        createdAt: true,
        syncOrdersCreatedAfter: true,
        shopify: { select: { method: true, scopes: true, installedAt: true, revokedAt: true, subscriptionsCheckedAt: true, subscriptionsProblem: true } },
        vintrace: { select: { baseUrl: true, lastVerifiedAt: true } },
        _count: { select: { memberships: true } },
      },
    });
    return tenants.map(({ _count, ...t }) => ({ ...t, users: _count.memberships }));
  }),

  /** Adds a winery (connect its shop afterwards by OAuth or with a custom-app token). */
  create: supportProcedure
    .input(z.object({ name: z.string().max(120), shopDomain: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await createTenant(ctx.db, { name: input.name, shopDomain: input.shopDomain }, getEnv().outboundAllowlist, ctx.user.email);
      return { id: tenant.id, name: tenant.name, shopDomain: tenant.shopDomain };
    }),

  /** Connects a shop with a custom app's Admin API token (and its webhook secret), stored encrypted. */
  connectManual: supportProcedure
    .input(tenantIdInput.extend({ accessToken: z.string().trim().min(1, "is required").max(500), webhookSecret: z.string().trim().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
      if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "No such winery." });
      await saveManualConnection(ctx.db, {
        tenantId: input.tenantId,
        accessToken: input.accessToken,
        webhookSecret: input.webhookSecret || undefined,
        scopes: "read_orders,write_orders,read_products",
        actor: { id: ctx.user.id, email: ctx.user.email },
      });
      return { connected: true };
    }),

  /** The OAuth install link for a shop: the merchant opens it and approves the app in Shopify. */
  installLink: supportProcedure.input(z.object({ shopDomain: shopDomainSchema })).query(({ input }) => ({
    path: `/api/shopify/install?shop=${encodeURIComponent(input.shopDomain)}`,
  })),

  /** Invites a winery user (usually its first owner). */
  invite: supportProcedure
    .input(tenantIdInput.extend({ email: z.email("must be an email address").max(254), membershipRole: z.enum(["OWNER", "STAFF"]) }))
    .mutation(({ ctx, input }) => inviteToWinery(ctx.db, ctx.user, input)),
});
