import "server-only";
import { z } from "zod";
import { createTRPCRouter, supportProcedure, tenantProcedure } from "@/server/api/trpc";
import { auditCursorSchema, auditFilterSchema, listAudit } from "@/server/audit/list";

const pageInput = z.object({ filter: auditFilterSchema.default({}), cursor: auditCursorSchema.nullish(), limit: z.number().int().min(1).max(200).default(50) });

export const auditRouter = createTRPCRouter({
  /** One winery's audit log. */
  list: tenantProcedure.input(pageInput).query(({ ctx, input }) => listAudit(ctx.db, [ctx.tenantId], input.filter, { cursor: input.cursor, limit: input.limit })),

  /** Support: the audit log of every winery (and of support's own actions), or of the wineries named. */
  listAll: supportProcedure
    .input(pageInput.extend({ tenantIds: z.array(z.string().min(1).max(64)).max(200).optional() }))
    .query(({ ctx, input }) =>
      listAudit(ctx.db, input.tenantIds?.length ? input.tenantIds : null, input.filter, { cursor: input.cursor, limit: input.limit }),
    ),
});
