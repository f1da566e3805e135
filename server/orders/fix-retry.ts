// Fix-triggered retries. A permanent failure is retried automatically once its cause may be fixed:
//   - saving a Settings field re-queues the winery's failures of the causes that field fixes (lib/causes.ts): the
//     customer name → customer not found, the price list → price list not found, the storage area → storage area
//     refused, "send even when vintrace shows too little stock" → not enough stock, the address → vintrace address
//     wrong (404), a new key or scheme → key refused; any saved change re-queues the other setting failures
//     (currency, shipping code, no connection), whose cause was not told apart;
//   - a SKU that becomes matched or mapped re-queues the unknown-stock-code failures that named it (as a Shopify SKU
//     or as the vintrace code it was sent as);
//   - ignore rules that narrow (a SKU taken off the ignore list, a kind of line no longer ignored) re-queue the
//     orders refused for having no product lines to send: one of their lines may now be sent;
//   - support, once they have read vintrace's unrecognised words and found the cause, re-queue those refusals: every
//     one in the same words (from the Overview), or one order (from its page).
// Each retry that re-queues anything is recorded in the audit log (orders.fix_retry) with what set it off and the
// orders it queued. Re-queued orders go through the whole sync again, lookup before POST included, so a retry never
// duplicates.
import "server-only";
import type { Cause, DIAGNOSED_CAUSES } from "@/lib/causes";
import { recordAudit, type AuditActor } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { Refused } from "@/server/lib/refused";
import { NO_PRODUCT_LINES_PREFIX } from "../../lib/no-product-lines";
import { requeueFailed } from "../sync/queue";

export const FIX_RETRY_WINDOW_DAYS = 7;

export interface FixRetryOptions {
  /** failures older than this many days stay failed (default 7) */
  windowDays?: number;
  /** also re-queue VALIDATION failures of the product rules (ignore rules live in the settings) */
  includeValidation?: boolean;
  /** the settings fields that changed; every field when left out */
  changed?: readonly string[];
  /** who saved the fix, for the audit record */
  actor?: AuditActor | null;
  now?: Date;
}

/** Orders named in one audit record at most (the count is always exact). */
const ORDERS_NAMED = 50;

/** The diagnosed cause each Settings field fixes. */
const FIELD_FIXES: Record<string, (typeof DIAGNOSED_CAUSES)[number]> = {
  customerName: "CUSTOMER_NOT_FOUND",
  salesPriceList: "PRICE_LIST_NOT_FOUND",
  storageAreaId: "STORAGE_AREA_REFUSED",
  ignoreStockError: "NOT_ENOUGH_STOCK",
};

/** The error classes (of failures with no diagnosed cause) each Settings field fixes; CONFIG is fixed by any. */
const FIELD_CLASSES: Record<string, Array<"AUTH" | "NOT_FOUND">> = {
  baseUrl: ["NOT_FOUND"],
  apiKey: ["AUTH"],
  authScheme: ["AUTH"],
};

/**
 * Re-queues the winery's failures that match `where` and failed within the fix-retry window, and records in the
 * audit log what set the retry off and which orders it queued.
 */
async function requeueRecentFailures(
  db: Db,
  tenantId: string,
  where: Prisma.OrderSyncWhereInput,
  trigger: string,
  options: FixRetryOptions,
  details: Prisma.InputJsonObject = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - (options.windowDays ?? FIX_RETRY_WINDOW_DAYS) * 24 * 60 * 60 * 1000);
  const recent = { ...where, updatedAt: { gte: windowStart } };
  // The orders named in the audit record: read first, since the re-queue changes what they match.
  const named = await db.orderSync.findMany({
    where: { tenantId, status: "FAILED", ...recent },
    select: { orderName: true },
    orderBy: { createdAt: "asc" },
    take: ORDERS_NAMED,
  });
  if (named.length === 0) return 0;
  const count = await requeueFailed(db, tenantId, recent, trigger, now);
  if (count > 0) {
    await recordAudit(db, {
      action: "orders.fix_retry",
      actor: options.actor ?? null,
      tenantId,
      details: { trigger, ...details, requeued: count, orders: named.map((d) => d.orderName) },
    });
  }
  return count;
}

/** The failures a save of `changed` settings fields may fix (every field when undefined). */
export function settingsFixWhere(changed: readonly string[] | undefined, includeValidation = false): Prisma.OrderSyncWhereInput {
  const fields = changed ?? [...Object.keys(FIELD_FIXES), ...Object.keys(FIELD_CLASSES)];
  const causes = [...new Set(fields.flatMap((f) => (FIELD_FIXES[f] ? [FIELD_FIXES[f]] : [])))];
  const classes = [...new Set(["CONFIG" as const, ...fields.flatMap((f) => FIELD_CLASSES[f] ?? [])])];
  return {
    OR: [
      ...(causes.length ? [{ lastErrorCause: { in: causes } }] : []),
      { lastErrorCause: null, lastErrorClass: { in: classes } },
      ...(includeValidation ? [{ lastErrorClass: "VALIDATION" as const }] : []),
    ],
  };
}

/** Call after a winery's vintrace settings (or product rules, with includeValidation) were saved. */
export async function retryAfterSettingsChange(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const details = options.changed ? { fields: [...options.changed] } : {};
  return requeueRecentFailures(db, tenantId, settingsFixWhere(options.changed, options.includeValidation), "settings-change", options, details);
}

/** Call when SKUs (or vintrace codes) became matched or mapped on the Products page. */
export async function retryAfterSkuMatched(db: Db, tenantId: string, skus: string[], options: FixRetryOptions = {}): Promise<number> {
  const wanted = [...new Set(skus.map((s) => s.trim()).filter(Boolean))];
  if (wanted.length === 0) return 0;
  return requeueRecentFailures(db, tenantId, { lastErrorClass: "VALIDATION", missingSkus: { hasSome: wanted } }, "product-fix", options, { skus: wanted });
}

/**
 * Call when a winery's ignore rules narrowed. The refusal's message names only some of the lines left out, so every
 * such failure of the window is queued again; one whose lines are all still left out fails again at once, unsent.
 */
export async function retryAfterIgnoreRulesNarrowed(db: Db, tenantId: string, options: FixRetryOptions = {}): Promise<number> {
  const where = { lastErrorClass: "VALIDATION" as const, lastErrorMessage: { startsWith: NO_PRODUCT_LINES_PREFIX } };
  return requeueRecentFailures(db, tenantId, where, "ignore-rules-change", options);
}

/**
 * Support's retry of refusals whose words were not recognised, once they found the cause: the winery's failures
 * with exactly these words (every unrecognised one when `vintraceText` is undefined).
 */
export async function retryAfterSupportReview(db: Db, tenantId: string, vintraceText: string | null | undefined, options: FixRetryOptions = {}): Promise<number> {
  const words = vintraceText !== undefined ? { lastErrorVintraceText: vintraceText } : {};
  return requeueSupportReviewed(db, tenantId, words, options, vintraceText !== undefined ? { vintraceText } : {});
}

/**
 * Support's retry of one order refused in unrecognised words, from the order's page once they have read them. An
 * order that is not the winery's is refused like one that does not exist; one that no longer failed that way is
 * left alone (0).
 */
export async function retryOrderAfterSupportReview(db: Db, tenantId: string, orderSyncId: string, options: FixRetryOptions = {}): Promise<number> {
  const order = await db.orderSync.findFirst({ where: { id: orderSyncId, tenantId }, select: { lastErrorVintraceText: true } });
  if (!order) throw new Refused("NOT_FOUND", "This winery has no such order.");
  return requeueSupportReviewed(db, tenantId, { id: orderSyncId }, options, { orderSyncId, vintraceText: order.lastErrorVintraceText });
}

/** The unrecognised refusals among `where`, re-queued and audited as support's review. */
function requeueSupportReviewed(db: Db, tenantId: string, where: Prisma.OrderSyncWhereInput, options: FixRetryOptions, details: Prisma.InputJsonObject): Promise<number> {
  const cause: Cause = "UNRECOGNISED";
  return requeueRecentFailures(db, tenantId, { ...where, lastErrorCause: cause }, "support-review", options, { cause, ...details });
}
