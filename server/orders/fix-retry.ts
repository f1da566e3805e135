// Fix-triggered retries. A permanent failure is retried automatically once its cause may be fixed:
//   - a settings change re-queues the winery's CONFIG failures (wrong customer, storage area, currency, shipping
//     code, no connection) and AUTH failures (a new API key) of the last 7 days;
//   - a SKU that becomes matched or mapped re-queues the VALIDATION failures that named it (as a Shopify SKU or
//     as the vintrace code it was sent as);
//   - ignore rules that narrow (a SKU taken off the ignore list, a kind of line no longer ignored) re-queue the
//     orders refused for having no product lines to send: one of their lines may now be sent.
// Re-queued orders go through the whole sync again, lookup before POST included, so a retry never duplicates.
import "server-only";
import type { Db } from "@/server/db";
import { NO_PRODUCT_LINES_PREFIX } from "../../lib/no-product-lines";
import { requeueFailed } from "../sync/queue";

export const FIX_RETRY_WINDOW_DAYS = 7;

export interface FixRetryOptions {
  /** failures older than this many days stay failed (default 7) */
  windowDays?: number;
  /** also re-queue VALIDATION failures of the product rules (ignore rules live in the settings) */
  includeValidation?: boolean;
  now?: Date;
}

type FailedWhere = Parameters<typeof requeueFailed>[2];

/** Re-queues the winery's failures that match `where` and failed within the fix-retry window. */
function requeueRecentFailures(db: Db, tenantId: string, where: FailedWhere, trigger: string, options: FixRetryOptions): Promise<number> {
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - (options.windowDays ?? FIX_RETRY_WINDOW_DAYS) * 24 * 60 * 60 * 1000);
  return requeueFailed(db, tenantId, { ...where, updatedAt: { gte: windowStart } }, trigger, now);
}

/** Call after a winery's vintrace settings (or product rules, with includeValidation) were saved. */
export async function retryAfterSettingsChange(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const classes = options.includeValidation ? (["CONFIG", "AUTH", "VALIDATION"] as const) : (["CONFIG", "AUTH"] as const);
  return requeueRecentFailures(db, tenantId, { lastErrorClass: { in: [...classes] } }, "settings-change", options);
}

/** Call when SKUs (or vintrace codes) became matched or mapped on the Products page. */
export async function retryAfterSkuMatched(db: Db, tenantId: string, skus: string[], options: FixRetryOptions = {}): Promise<number> {
  const wanted = [...new Set(skus.map((s) => s.trim()).filter(Boolean))];
  if (wanted.length === 0) return 0;
  return requeueRecentFailures(db, tenantId, { lastErrorClass: "VALIDATION", missingSkus: { hasSome: wanted } }, "product-fix", options);
}

/**
 * Call when a winery's ignore rules narrowed. The refusal's message names only some of the lines left out, so every
 * such failure of the window is queued again; one whose lines are all still left out fails again at once, unsent.
 */
export async function retryAfterIgnoreRulesNarrowed(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const where = { lastErrorClass: "VALIDATION" as const, lastErrorMessage: { startsWith: NO_PRODUCT_LINES_PREFIX } };
  return requeueRecentFailures(db, tenantId, where, "ignore-rules-change", options);
}
