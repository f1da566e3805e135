// One order's page: where it stands, why it failed in plain words with the link to its fix, every attempt with its
// request and response (stored redacted by the sync engine), the lines as Shopify sent them, the tag state and where
// the vintrace code stands in the Shopify order's metafield.
import "server-only";
import type { Db } from "@/server/db";
import type { OrderSync, Prisma } from "@/server/generated/prisma/client";
import { changesOfOrder, type OrderChangeEntry } from "@/server/order-changes/list";
import { explainSyncError, type SyncErrorExplanation } from "@/server/orders/status";
import { parseShopifyOrder } from "@/server/shopify/order";
import { isLeased } from "@/server/sync/queue";
import { CAUSE_INFO, causeOf, fixHref, type Cause } from "../../lib/causes";

export interface OrderLine {
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  giftCard: boolean;
  /** the sync's last refusal named this line's SKU */
  missing: boolean;
}

export interface OrderAttempt {
  id: string;
  at: Date;
  step: string;
  outcome: string;
  errorClass: string | null;
  message: string | null;
  trigger: string;
  durationMs: number;
  request: Prisma.JsonValue | null;
  response: Prisma.JsonValue | null;
}

/** The vintrace code in the Shopify order's metafield: written, waiting for a (re)try, or not written (yet, or given up). */
export interface MetafieldStatus {
  state: "written" | "waiting" | "not_written";
  /** why the last write failed: retrying when waiting, given up when not written */
  error: string | null;
}

export function metafieldStatus(row: Pick<OrderSync, "metafieldState" | "metafieldError">): MetafieldStatus {
  if (row.metafieldState === "DONE") return { state: "written", error: null };
  return { state: row.metafieldState === "PENDING" ? "waiting" : "not_written", error: row.metafieldError };
}

export interface OrderDetail {
  id: string;
  tenantId: string;
  tenantName: string;
  orderName: string;
  orderGid: string;
  orderCreatedAt: Date | null;
  status: string;
  statusReason: string | null;
  source: string;
  attempts: number;
  nextAttemptAt: Date | null;
  inProgress: boolean;
  queuedBy: string | null;
  salesOrder: { id: number; code: string | null } | null;
  tagState: string;
  tagError: string | null;
  metafield: MetafieldStatus;
  warnings: string[];
  missingSkus: string[];
  error:
    | (SyncErrorExplanation & {
        cause: Cause | null;
        causeLabel: string | null;
        /** the field or page that fixes it (the order's own page, for words support must read) */
        fixHref: string | null;
        /** vintrace's own words, as it wrote them */
        vintraceText: string | null;
      })
    | null;
  order: { currency: string; total: string | null; test: boolean; cancelledAt: string | null; lines: OrderLine[] } | null;
  history: OrderAttempt[];
  /** what Shopify changed after the order was sent to vintrace ("Changed after sending"), open entries first */
  changes: OrderChangeEntry[];
  createdAt: Date;
  updatedAt: Date;
  syncedAt: Date | null;
}

export const MAX_ATTEMPTS_SHOWN = 200;

export async function orderDetail(db: Db, tenantId: string, orderSyncId: string, now = new Date()): Promise<OrderDetail | null> {
  const row = await db.orderSync.findFirst({ where: { id: orderSyncId, tenantId }, include: { tenant: { select: { name: true } } } });
  if (!row) return null;
  const history = await db.syncAttempt.findMany({ where: { orderSyncId: row.id, tenantId }, orderBy: { createdAt: "asc" }, take: MAX_ATTEMPTS_SHOWN });
  const changes = await changesOfOrder(db, tenantId, row.id);
  const explained = explainSyncError(row);
  const cause = causeOf(row.lastErrorClass, row.lastErrorMessage, row.lastErrorCause);
  const parsed = row.payload ? parseShopifyOrder(row.payload) : null;
  const missing = new Set(row.missingSkus);
  return {
    id: row.id,
    tenantId: row.tenantId,
    tenantName: row.tenant.name,
    orderName: row.orderName,
    orderGid: row.orderGid,
    orderCreatedAt: row.orderCreatedAt,
    status: row.status,
    statusReason: row.statusReason,
    source: row.source,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    inProgress: isLeased(row, now),
    queuedBy: row.queuedBy,
    salesOrder: row.vintraceSalesOrderId !== null ? { id: row.vintraceSalesOrderId, code: row.vintraceSalesOrderCode } : null,
    tagState: row.tagState,
    tagError: row.tagError,
    metafield: metafieldStatus(row),
    warnings: row.warnings,
    missingSkus: row.missingSkus,
    error: explained && {
      ...explained,
      cause,
      causeLabel: cause ? CAUSE_INFO[cause].label : null,
      fixHref: fixHref(cause, { tenantId: row.tenantId, sku: row.missingSkus[0] ?? null, orderSyncId: row.id }),
      vintraceText: row.lastErrorVintraceText,
    },
    order:
      parsed && parsed.ok
        ? {
            currency: parsed.order.currency,
            total: parsed.order.total_price ?? null,
            test: parsed.order.test,
            cancelledAt: parsed.order.cancelled_at,
            lines: parsed.order.line_items.map((line) => ({
              sku: line.sku,
              title: line.name ?? [line.title, line.variant_title].filter(Boolean).join(" – "),
              quantity: line.quantity,
              price: line.price,
              giftCard: line.gift_card,
              missing: line.sku !== null && missing.has(line.sku),
            })),
          }
        : null,
    history: history.map((a) => ({
      id: a.id,
      at: a.createdAt,
      step: a.step,
      outcome: a.outcome,
      errorClass: a.errorClass,
      message: a.message,
      trigger: a.trigger,
      durationMs: a.durationMs,
      request: a.request,
      response: a.response,
    })),
    changes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    syncedAt: row.syncedAt,
  };
}
