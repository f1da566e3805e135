import { TRPCError } from "@trpc/server";
import { createTRPCRouter, signedInProcedure, tenantProcedure } from "@/server/api/trpc";

export const tenantsRouter = createTRPCRouter({
  /** The wineries the caller may see: all of them for support staff, their own for a winery's users. */
  list: signedInProcedure.query(({ ctx }) =>
    ctx.db.tenant.findMany({
      where: ctx.user.role === "SUPPORT" ? {} : { id: { in: ctx.user.tenantIds } },
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
