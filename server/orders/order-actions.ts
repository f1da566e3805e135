// What the dashboard does with one winery's orders by id: open one, retry one, follow a handful being retried. An
// order of another winery is refused exactly like one that does not exist.
import "server-only";
import type { Db } from "@/server/db";
import { confirmRetry } from "@/server/orders/bulk-retry";
import { orderDetail, type OrderDetail } from "@/server/orders/detail";
import { retryDeps } from "@/server/orders/retry";
import { Refused } from "@/server/lib/refused";

const noSuchOrder = () => new Refused("NOT_FOUND", "This winery has no such order.");

/** One order's page. */
export async function getOrder(db: Db, tenantId: string, orderSyncId: string): Promise<OrderDetail> {
  const detail = await orderDetail(db, tenantId, orderSyncId);
  if (!detail) throw noSuchOrder();
  return detail;
}

/** Retries one order: the bulk retry's confirm step for its name (it is looked up again in Shopify first). */
export async function retryOrder(db: Db, tenantId: string, orderSyncId: string, actor: { id: string; email: string }) {
  const row = await db.orderSync.findFirst({ where: { id: orderSyncId, tenantId }, select: { orderName: true } });
  if (!row) throw noSuchOrder();
  const result = await confirmRetry(db, tenantId, [row.orderName], actor, retryDeps(db));
  if (!result.ok) throw new Refused("BAD_REQUEST", result.error);
  const outcome = result.results[0];
  return { action: outcome?.action ?? "none", verdict: outcome?.verdict ?? "not_found", message: outcome?.message ?? "Nothing to retry." };
}

/** Where the given orders stand now, for the retry page's live progress. */
export function orderProgress(db: Db, tenantId: string, orderGids: string[]) {
  return db.orderSync.findMany({
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
      updatedAt: true,
    },
  });
}
