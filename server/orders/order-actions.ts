// What the dashboard does with one winery's orders by id: open one, retry one, follow a handful being retried. An
// order of another winery is refused exactly like one that does not exist.
import "server-only";
import type { Db } from "@/server/db";
import { confirmRetryOfOrder, type RetryDeps } from "@/server/orders/bulk-retry";
import { orderDetail, type OrderDetail } from "@/server/orders/detail";
import { retryDeps } from "@/server/orders/retry";
import { isLeased } from "@/server/sync/queue";
import { Refused } from "@/server/lib/refused";

const noSuchOrder = () => new Refused("NOT_FOUND", "This winery has no such order.");

/** One order's page. */
export async function getOrder(db: Db, tenantId: string, orderSyncId: string): Promise<OrderDetail> {
  const detail = await orderDetail(db, tenantId, orderSyncId);
  if (!detail) throw noSuchOrder();
  return detail;
}

/**
 * Retries one order: the bulk retry's confirm step for this very order, looked up again in Shopify by its id (never
 * by its name, which another order of the shop may share).
 */
export async function retryOrder(db: Db, tenantId: string, orderSyncId: string, actor: { id: string; email: string }, deps: RetryDeps = retryDeps(db)) {
  const row = await db.orderSync.findFirst({ where: { id: orderSyncId, tenantId }, select: { orderGid: true, orderName: true } });
  if (!row) throw noSuchOrder();
  const result = await confirmRetryOfOrder(db, tenantId, { gid: row.orderGid, name: row.orderName }, actor, deps);
  if (!result.ok) throw new Refused("BAD_REQUEST", result.error);
  const outcome = result.results[0];
  return { action: outcome?.action ?? "none", verdict: outcome?.verdict ?? "not_found", message: outcome?.message ?? "Nothing to retry." };
}

/**
 * Where the given orders stand now, for the retry page's live progress. An order is settled once nothing more will
 * happen to it without waiting: synced, failed, skipped or held with its tag written, or backing off until a
 * scheduled retry (`nextTryAt`), which may be hours away; only one being synced or due now is still working.
 */
export async function orderProgress(db: Db, tenantId: string, orderGids: string[], now = new Date()) {
  const rows = await db.orderSync.findMany({
    where: { tenantId, orderGid: { in: orderGids } },
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
      nextAttemptAt: true,
      updatedAt: true,
    },
  });
  return rows.map((row) => {
    const leased = isLeased(row, now);
    const nextTryAt = row.status === "PENDING" && !leased && row.nextAttemptAt !== null && row.nextAttemptAt > now ? row.nextAttemptAt : null;
    const tagPending = row.tagState === "PENDING_CREATED" || row.tagState === "PENDING_ERROR";
    const settled = !leased && (nextTryAt !== null || (row.status !== "PENDING" && !tagPending));
    return { ...row, nextTryAt, settled };
  });
}
