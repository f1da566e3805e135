import "server-only";
import { TRPCError } from "@trpc/server";
import { createTRPCRouter, signedInProcedure, tenantProcedure } from "@/server/api/trpc";
import { visibleTenantIds } from "@/server/auth/access";
import type { CurrentUser } from "@/server/auth/current-user";

function wineriesVisibleTo(user: CurrentUser) {
  const ids = visibleTenantIds(user);
  return ids === null ? {} : { id: { in: ids } };
}

export const tenantsRouter = createTRPCRouter({
  /** The wineries the caller may see: all of them for support staff, their own for a winery's users. */
  list: signedInProcedure.query(({ ctx }) =>
    ctx.db.tenant.findMany({
      where: wineriesVisibleTo(ctx.user),
      orderBy: { name: "asc" },
      select: { id: true, name: true, shopDomain: true, status: true, createdAt: true },
    }),
  ),

  get: tenantProcedure.query(async ({ ctx }) => {
    const tenant = await ctx.db.tenant.findUnique({
      where: { id: ctx.tenantId },
      select: { id: true, name: true, shopDomain: true, status: true, createdAt: true, syncOrdersCreatedAfter: true },
    });
    if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "No such winery." });
    return tenant;
  }),
});
