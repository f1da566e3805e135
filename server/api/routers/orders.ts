import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, supportProcedure, tenantProcedure } from "@/server/api/trpc";
import { orderDetail } from "@/server/orders/detail";
import { retryDeps } from "@/server/orders/retry";
import { cursorSchema, listSyncLog, MAX_PAGE_SIZE, syncLogFilterSchema } from "@/server/orders/sync-log";
import { confirmRetry } from "@/server/orders/bulk-retry";

const pageInput = z.object({
  filter: syncLogFilterSchema.default({}),
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

const orderSyncIdInput = z.object({ orderSyncId: z.string().min(1).max(64) });

export const ordersRouter = createTRPCRouter({
  /** The sync log of one winery, newest first, a keyset page at a time. */
  list: tenantProcedure.input(pageInput).query(({ ctx, input }) =>
    listSyncLog(ctx.db, { tenantIds: [ctx.tenantId] }, input.filter, { cursor: input.cursor, limit: input.limit }),
  ),

  /** Support: the sync log across wineries (all of them, or the ones named). */
  listAll: supportProcedure
    .input(pageInput.extend({ tenantIds: z.array(z.string().min(1).max(64)).max(200).optional() }))
    .query(({ ctx, input }) =>
      listSyncLog(ctx.db, { tenantIds: input.tenantIds?.length ? input.tenantIds : null }, input.filter, { cursor: input.cursor, limit: input.limit }),
    ),

  /** One order's page. Another winery's order is NOT_FOUND, exactly like one that does not exist. */
  get: tenantProcedure.input(orderSyncIdInput).query(async ({ ctx, input }) => {
    const detail = await orderDetail(ctx.db, ctx.tenantId, input.orderSyncId);
    if (!detail) throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such order." });
    return detail;
  }),

  /** Retry one order: the bulk retry's confirm step for its name (it is looked up again in Shopify first). */
  retry: tenantProcedure.input(orderSyncIdInput).mutation(async ({ ctx, input }) => {
    const row = await ctx.db.orderSync.findFirst({ where: { id: input.orderSyncId, tenantId: ctx.tenantId }, select: { orderName: true } });
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "This winery has no such order." });
    const result = await confirmRetry(ctx.db, ctx.tenantId, [row.orderName], { id: ctx.user.id, email: ctx.user.email }, retryDeps(ctx.db));
    if (!result.ok) throw new TRPCError({ code: "BAD_REQUEST", message: result.error });
    const outcome = result.results[0];
    return { action: outcome?.action ?? "none", verdict: outcome?.verdict ?? "not_found", message: outcome?.message ?? "Nothing to retry." };
  }),

  /** Where the given orders stand now, for the retry page's live progress. */
  progress: tenantProcedure.input(z.object({ orderGids: z.array(z.string().min(1).max(200)).max(500) })).query(({ ctx, input }) =>
    ctx.db.orderSync.findMany({
      where: { tenantId: ctx.tenantId, orderGid: { in: input.orderGids } },
      select: {
        id: true,
        orderGid: true,
        orderName: true,
        status: true,
        attempts: true,
        statusReason: true,
        lastErrorClass: true,
        lastErrorMessage: true,
        lastErrorFix: true,
        vintraceSalesOrderCode: true,
        tagState: true,
        tagError: true,
        leaseUntil: true,
        updatedAt: true,
      },
    }),
  ),
});
