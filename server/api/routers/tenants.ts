import "server-only";
import { createTRPCRouter, signedInProcedure, tenantProcedure } from "@/server/api/trpc";
import { visibleTenants, tenant } from "@/server/tenants/directory";

export const tenantsRouter = createTRPCRouter({
  /** The wineries the caller may see: all of them for support staff, their own for a winery's users. */
  list: signedInProcedure.query(({ ctx }) => visibleTenants(ctx.db, ctx.user)),

  get: tenantProcedure.query(({ ctx }) => tenant(ctx.db, ctx.tenantId)),
});
