// Fix-triggered retries. A permanent failure is retried automatically once its cause may be fixed:
//   - a settings change re-queues the winery's CONFIG failures (wrong customer, storage area, currency, shipping
//     code, no connection) and AUTH failures (a new API key) of the last 7 days;
//   - a SKU that becomes matched or mapped re-queues the VALIDATION failures that named it (as a Shopify SKU or
//     as the vintrace code it was sent as);
//   - ignore rules that narrow (a SKU taken off the ignore list, a kind of line no longer ignored) re-queue the
//     orders refused for having no product lines to send: one of their lines may now be sent.
// Re-queued orders go through the whole sync again, lookup before POST included, so a retry never duplicates.
import type { Prisma } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { NO_PRODUCT_LINES_PREFIX } from "./noProductLines";
import { notifyOrderSyncDue } from "./notify";

export const FIX_RETRY_WINDOW_DAYS = 7;

export interface FixRetryOptions {
  /** failures older than this many days stay failed (default 7) */
  windowDays?: number;
  /** also re-queue VALIDATION failures of the product rules (ignore rules live in the settings) */
  includeValidation?: boolean;
  now?: Date;
}

async function requeue(db: Db, tenantId: string, where: Prisma.OrderSyncWhereInput, queuedBy: string, now: Date): Promise<number> {
  const { count } = await db.orderSync.updateMany({
    where: { tenantId, status: "FAILED", OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }], ...where },
    data: {
      status: "PENDING",
      attempts: 0,
      nextAttemptAt: now,
      queuedBy,
      statusReason: null,
    },
  });
  // A failure whose error tag was never written needs none now; one that was tagged keeps its tag until the retry
  // succeeds, which removes it.
  if (count > 0) {
    await db.orderSync.updateMany({ where: { tenantId, status: "PENDING", queuedBy, tagState: "PENDING_ERROR" }, data: { tagState: "NONE" } });
    await notifyOrderSyncDue(db, tenantId);
  }
  return count;
}

const since = (now: Date, days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

/** Call after a winery's vintrace settings (or product rules, with includeValidation) were saved. */
export async function retryAfterSettingsChange(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const classes = options.includeValidation ? (["CONFIG", "AUTH", "VALIDATION"] as const) : (["CONFIG", "AUTH"] as const);
  return requeue(db, tenantId, { lastErrorClass: { in: [...classes] }, updatedAt: { gte: since(now, options.windowDays ?? FIX_RETRY_WINDOW_DAYS) } }, "settings-change", now);
}

/** Call when SKUs (or vintrace codes) became matched or mapped on the Products page. */
export async function retryAfterSkuMatched(db: Db, tenantId: string, skus: string[], options: FixRetryOptions = {}): Promise<number> {
  const wanted = [...new Set(skus.map((s) => s.trim()).filter(Boolean))];
  if (wanted.length === 0) return 0;
  const now = options.now ?? new Date();
  return requeue(
    db,
    tenantId,
    { lastErrorClass: "VALIDATION", missingSkus: { hasSome: wanted }, updatedAt: { gte: since(now, options.windowDays ?? FIX_RETRY_WINDOW_DAYS) } },
    "product-fix",
    now,
  );
}

/**
 * Call when a winery's ignore rules narrowed. The refusal's message names only some of the lines left out, so every
 * such failure of the window is queued again; one whose lines are all still left out fails again at once, unsent.
 */
export async function retryAfterIgnoreRulesNarrowed(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  return requeue(
    db,
    tenantId,
    { lastErrorClass: "VALIDATION", lastErrorMessage: { startsWith: NO_PRODUCT_LINES_PREFIX }, updatedAt: { gte: since(now, options.windowDays ?? FIX_RETRY_WINDOW_DAYS) } },
    "ignore-rules-change",
    now,
  );
}
