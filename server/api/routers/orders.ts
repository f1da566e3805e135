import "server-only";
import { z } from "zod";
import { createTRPCRouter, scopedProcedure, supportProcedure, tenantProcedure } from "@/server/api/trpc";
import { retryOrderAfterSupportReview } from "@/server/orders/fix-retry";
import { getOrder, orderProgress, retryOrder } from "@/server/orders/order-actions";
import { cursorSchema, listSyncLog, MAX_PAGE_SIZE, syncLogFilterSchema } from "@/server/orders/sync-log";

const pageInput = z.object({
  filter: syncLogFilterSchema.default({}),
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

const orderSyncIdInput = z.object({ orderSyncId: z.string().min(1).max(64) });

export const ordersRouter = createTRPCRouter({
  /** The sync log of the winery picked, or of every winery the caller sees, newest first, a keyset page at a time. */
  list: scopedProcedure
    .input(pageInput)
    .query(({ ctx, input }) => listSyncLog(ctx.db, { tenantIds: ctx.tenantIds }, input.filter, { cursor: input.cursor, limit: input.limit })),

  /** One order's page. Another winery's order is NOT_FOUND, exactly like one that does not exist. */
  get: tenantProcedure.input(orderSyncIdInput).query(({ ctx, input }) => getOrder(ctx.db, ctx.tenantId, input.orderSyncId)),

  /** Retry one order. */
  retry: tenantProcedure
    .input(orderSyncIdInput)
    .mutation(({ ctx, input }) => retryOrder(ctx.db, ctx.tenantId, input.orderSyncId, { id: ctx.user.id, email: ctx.user.email })),

  /** Support, having read the words of the order's unrecognised refusal and found the cause: retry it. */
  retryAfterReview: supportProcedure
    .input(orderSyncIdInput.extend({ tenantId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => ({
      requeued: await retryOrderAfterSupportReview(ctx.db, input.tenantId, input.orderSyncId, { actor: { id: ctx.user.id, email: ctx.user.email } }),
    })),

  /** Where the given orders stand now, for the retry page's live progress. */
  progress: tenantProcedure
    .input(z.object({ orderGids: z.array(z.string().min(1).max(200)).max(500) }))
    .query(({ ctx, input }) => orderProgress(ctx.db, ctx.tenantId, input.orderGids)),
});
