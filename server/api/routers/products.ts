import "server-only";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { recordAudit, type AuditActor } from "@/server/audit/record";
import { latestProductCheck, productCheckRows, requestProductCheck } from "@/server/products/check";
import type { Db } from "@/server/db";
import { retryAfterIgnoreRulesNarrowed, retryAfterSettingsChange, retryAfterSkuMatched } from "@/server/orders/fix-retry";

const sku = z.string().trim().min(1, "is required").max(100, "is too long");

interface IgnoreRules {
  ignoreNoSkuLines: boolean;
  ignoreGiftCards: boolean;
  ignoredSkus: string[];
}

/**
 * Re-queues the failures a change of the ignore rules may fix. Rules that widen (a SKU or a kind of line newly left
 * out) may fix refusals of what was sent; rules that narrow may fix orders that had no product line left to send.
 */
async function retryAfterIgnoreRulesChange(db: Db, tenantId: string, before: IgnoreRules, after: IgnoreRules, actor: AuditActor): Promise<number> {
  const added = after.ignoredSkus.filter((s) => !before.ignoredSkus.includes(s));
  const removed = before.ignoredSkus.filter((s) => !after.ignoredSkus.includes(s));
  const widened = (after.ignoreNoSkuLines && !before.ignoreNoSkuLines) || (after.ignoreGiftCards && !before.ignoreGiftCards);
  const narrowed = removed.length > 0 || (before.ignoreNoSkuLines && !after.ignoreNoSkuLines) || (before.ignoreGiftCards && !after.ignoreGiftCards);
  const forWidening = widened
    ? await retryAfterSettingsChange(db, tenantId, { includeValidation: true, actor })
    : added.length
      ? await retryAfterSkuMatched(db, tenantId, added, { actor })
      : 0;
  return forWidening + (narrowed ? await retryAfterIgnoreRulesNarrowed(db, tenantId, { actor }) : 0);
}

export const productsRouter = createTRPCRouter({
  /** The last finished match check, and the open run (queued or in progress, with its phase and progress), without rows. */
  latest: tenantProcedure.query(({ ctx }) => latestProductCheck(ctx.db, ctx.tenantId)),

  /** The rows of one of the winery's checks. A finished run never changes, so the page asks once per run. */
  rows: tenantProcedure.input(z.object({ productCheckId: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const rows = await productCheckRows(ctx.db, ctx.tenantId, input.productCheckId);
    if (!rows) throw new TRPCError({ code: "NOT_FOUND", message: "No such product check for this winery." });
    return rows;
  }),

  /**
   * Asks for the match check and returns at once: a worker runs it while the page polls `latest`. A second request
   * while a run is open joins that run (`joined`).
   */
  run: tenantProcedure.mutation(async ({ ctx }) => {
    const run = await requestProductCheck(ctx.db, ctx.tenantId, `user:${ctx.user.email}`);
    await recordAudit(ctx.db, { action: "products.checked", actor: ctx.user, tenantId: ctx.tenantId, details: { runId: run.id, joined: run.joined } });
    return run;
  }),

  /** The SKU map (Shopify SKU → vintrace code × multiplier) and the ignore rules (no SKU, gift cards, listed SKUs). */
  rules: tenantProcedure.query(async ({ ctx }) => {
    const [mappings, settings] = await Promise.all([
      ctx.db.skuMapping.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { shopifySku: "asc" } }),
      ctx.db.vintraceSettings.findUnique({ where: { tenantId: ctx.tenantId }, select: { ignoreNoSkuLines: true, ignoreGiftCards: true, ignoredSkus: true } }),
    ]);
    return {
      mappings: mappings.map((m) => ({ shopifySku: m.shopifySku, vintraceCode: m.vintraceCode, multiplier: m.multiplier })),
      ignore: settings,
    };
  }),

  /** Maps a Shopify SKU to a vintrace code (× units per item); orders that failed on either are queued again. */
  saveMapping: tenantProcedure
    .input(z.object({ shopifySku: sku, vintraceCode: sku, multiplier: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const data = { vintraceCode: input.vintraceCode, multiplier: input.multiplier };
      await ctx.db.$transaction([
        ctx.db.skuMapping.upsert({
          where: { tenantId_shopifySku: { tenantId: ctx.tenantId, shopifySku: input.shopifySku } },
          create: { tenantId: ctx.tenantId, shopifySku: input.shopifySku, ...data },
          update: data,
        }),
        recordAudit(ctx.db, { action: "products.mapping_saved", actor: ctx.user, tenantId: ctx.tenantId, details: { shopifySku: input.shopifySku, ...data } }),
      ]);
      const requeued = await retryAfterSkuMatched(ctx.db, ctx.tenantId, [input.shopifySku, input.vintraceCode], { actor: ctx.user });
      return { requeued };
    }),

  deleteMapping: tenantProcedure.input(z.object({ shopifySku: sku })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.skuMapping.deleteMany({ where: { tenantId: ctx.tenantId, shopifySku: input.shopifySku } });
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: `No mapping for ${input.shopifySku}.` });
    await recordAudit(ctx.db, {
      action: "products.mapping_deleted",
      actor: ctx.user,
      tenantId: ctx.tenantId,
      details: { shopifySku: input.shopifySku },
    });
    return { deleted: count };
  }),

  /** Lines to leave out of sales orders: those without a SKU, gift cards, listed SKUs. */
  saveIgnoreRules: tenantProcedure
    .input(z.object({ ignoreNoSkuLines: z.boolean(), ignoreGiftCards: z.boolean(), ignoredSkus: z.array(sku).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.vintraceSettings.findUnique({
        where: { tenantId: ctx.tenantId },
        select: { ignoreNoSkuLines: true, ignoreGiftCards: true, ignoredSkus: true },
      });
      if (!before) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Set up vintrace in Settings first." });
      const ignoredSkus = [...new Set(input.ignoredSkus)];
      const after = { ignoreNoSkuLines: input.ignoreNoSkuLines, ignoreGiftCards: input.ignoreGiftCards, ignoredSkus };
      await ctx.db.vintraceSettings.update({ where: { tenantId: ctx.tenantId }, data: after });
      const requeued = await retryAfterIgnoreRulesChange(ctx.db, ctx.tenantId, before, after, ctx.user);
      await recordAudit(ctx.db, { action: "products.ignore_rules_saved", actor: ctx.user, tenantId: ctx.tenantId, details: { before, after, requeued } });
      return { requeued };
    }),
});
