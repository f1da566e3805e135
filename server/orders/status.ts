// Reading where orders stand, for the CLI's orders:status and any page that shows one order: the same records the
// worker writes, put in words.
import "server-only";
import type { OrderSync, SyncAttempt } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { CAUSE_INFO, causeOf } from "../../lib/causes";
import { orderNameFormatFor } from "./order-name-format";
import { parseOrderNames } from "./parse-order-names";
import { isLeased } from "../sync/queue";

export interface SyncErrorExplanation {
  errorClass: NonNullable<OrderSync["lastErrorClass"]>;
  /** plain words for the winery */
  message: string;
  /** the page where it is fixed, and how; null when there is nothing to fix but waiting or a manual retry */
  fix: { where: "settings" | "products"; howTo: string } | null;
  /** when it is retried without anyone doing anything */
  retry: string;
}

/** The last error of a sync record, explained, or null when it has none. */
export function explainSyncError(
  row: Pick<OrderSync, "status" | "lastErrorClass" | "lastErrorMessage" | "lastErrorFix" | "lastErrorHowTo" | "nextAttemptAt"> & Partial<Pick<OrderSync, "lastErrorCause">>,
): SyncErrorExplanation | null {
  if (!row.lastErrorClass || !row.lastErrorMessage) return null;
  const where = row.lastErrorFix === "settings" || row.lastErrorFix === "products" ? row.lastErrorFix : null;
  const cause = causeOf(row.lastErrorClass, row.lastErrorMessage, row.lastErrorCause ?? null);
  const retry =
    row.status === "PENDING" && row.nextAttemptAt
      ? `Retried automatically at ${row.nextAttemptAt.toISOString()}.`
      : cause === "UNRECOGNISED"
        ? "Tell support: once they have found the cause, they retry it. Or retry it by hand."
        : cause === "NOT_ENOUGH_STOCK"
          ? "Retried automatically when the stock setting is saved (failures of the last 7 days), or retry it by hand once restocked."
          : cause && CAUSE_INFO[cause].fix === "settings"
            ? "Retried automatically when the settings are saved (failures of the last 7 days), or retry it by hand."
            : cause === "NO_PRODUCT_LINES"
              ? "Retried automatically when the ignore rules are saved letting more lines through (failures of the last 7 days), or retry it by hand."
              : row.lastErrorClass === "VALIDATION"
                ? "Retried automatically when the product it named is matched or mapped, or retry it by hand."
                : "Retry it by hand once vintrace is reachable again.";
  return {
    errorClass: row.lastErrorClass,
    message: row.lastErrorMessage,
    fix: where ? { where, howTo: row.lastErrorHowTo ?? "" } : null,
    retry,
  };
}

export interface OrderStatusView {
  name: string;
  orderGid: string;
  status: OrderSync["status"];
  source: OrderSync["source"];
  reason: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  inProgress: boolean;
  salesOrder: { id: number; code: string | null } | null;
  error: SyncErrorExplanation | null;
  tag: { state: OrderSync["tagState"]; error: string | null };
  warnings: string[];
  createdAt: string;
  syncedAt: string | null;
  history?: { at: string; step: string; outcome: string; errorClass: string | null; message: string | null; trigger: string; durationMs: number }[];
}

export function orderStatusView(row: OrderSync, history?: SyncAttempt[], now = new Date()): OrderStatusView {
  return {
    name: row.orderName,
    orderGid: row.orderGid,
    status: row.status,
    source: row.source,
    reason: row.statusReason,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    inProgress: isLeased(row, now),
    salesOrder: row.vintraceSalesOrderId !== null ? { id: row.vintraceSalesOrderId, code: row.vintraceSalesOrderCode } : null,
    error: explainSyncError(row),
    tag: { state: row.tagState, error: row.tagError },
    warnings: row.warnings,
    createdAt: row.createdAt.toISOString(),
    syncedAt: row.syncedAt?.toISOString() ?? null,
    ...(history
      ? {
          history: history.map((a) => ({
            at: a.createdAt.toISOString(),
            step: a.step,
            outcome: a.outcome,
            errorClass: a.errorClass,
            message: a.message,
            trigger: a.trigger,
            durationMs: a.durationMs,
          })),
        }
      : {}),
  };
}

export interface TenantSyncSummary {
  counts: Record<OrderSync["status"], number>;
  tagsPending: number;
  recent: OrderStatusView[];
}

/** One order (by name, in any of the ways people write it) with its attempt history. */
export async function orderStatusByName(db: Db, tenantId: string, name: string): Promise<OrderStatusView[]> {
  const format = await orderNameFormatFor(db, tenantId);
  const parsed = parseOrderNames(name, format);
  const names = parsed.ok && parsed.names.length > 0 ? parsed.names : [name.trim()];
  const rows = await db.orderSync.findMany({ where: { tenantId, orderName: { in: names } }, orderBy: { createdAt: "desc" } });
  return Promise.all(
    rows.map(async (row) => orderStatusView(row, await db.syncAttempt.findMany({ where: { orderSyncId: row.id }, orderBy: { createdAt: "asc" }, take: 100 }))),
  );
}

/** A winery's counts by status and its most recent orders. */
export async function tenantSyncSummary(db: Db, tenantId: string, recent = 20): Promise<TenantSyncSummary> {
  const [groups, tagsPending, rows] = await Promise.all([
    db.orderSync.groupBy({ by: ["status"], where: { tenantId }, _count: { _all: true } }),
    db.orderSync.count({ where: { tenantId, tagState: { in: ["PENDING_CREATED", "PENDING_ERROR"] } } }),
    db.orderSync.findMany({ where: { tenantId }, orderBy: { createdAt: "desc" }, take: recent }),
  ]);
  const counts = { PENDING: 0, HELD: 0, SYNCED: 0, FAILED: 0, SKIPPED: 0 };
  for (const group of groups) counts[group.status] = group._count._all;
  return { counts, tagsPending, recent: rows.map((row) => orderStatusView(row)) };
}
