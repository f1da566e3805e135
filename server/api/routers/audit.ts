import "server-only";
import { z } from "zod";
import { createTRPCRouter, scopedProcedure } from "@/server/api/trpc";
import { auditCursorSchema, auditFilterSchema, listAudit } from "@/server/audit/list";

const pageInput = z.object({ filter: auditFilterSchema.default({}), cursor: auditCursorSchema.nullish(), limit: z.number().int().min(1).max(200).default(50) });

export const auditRouter = createTRPCRouter({
  /** The audit log of the winery picked, or of every winery the caller sees (for support, with support's own actions too). */
  list: scopedProcedure.input(pageInput).query(({ ctx, input }) => listAudit(ctx.db, ctx.tenantIds, input.filter, { cursor: input.cursor, limit: input.limit })),
});
