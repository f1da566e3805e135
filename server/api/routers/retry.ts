import "server-only";
import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { retryDeps } from "@/server/orders/retry";
import { confirmRetry, previewRetry } from "@/server/orders/bulk-retry";
import { MAX_ORDER_NAMES } from "@/server/orders/parse-order-names";

// Bulk retry in two steps, so that nothing is queued before the merchant has seen what will happen: the preview reads
// and changes nothing; the confirm queues.
export const retryRouter = createTRPCRouter({
  preview: tenantProcedure
    .input(z.object({ text: z.string().max(50_000, "is too long: paste at most 500 order names at once") }))
    .query(({ ctx, input }) => previewRetry(ctx.db, ctx.tenantId, input.text, retryDeps(ctx.db))),

  confirm: tenantProcedure
    .input(z.object({ names: z.array(z.string().trim().min(1).max(100)).min(1, "Nothing to retry.").max(MAX_ORDER_NAMES) }))
    .mutation(({ ctx, input }) => confirmRetry(ctx.db, ctx.tenantId, input.names, { id: ctx.user.id, email: ctx.user.email }, retryDeps(ctx.db))),
});
