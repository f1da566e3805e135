// Reconciliation finds the orders whose webhook never arrived (Shopify gives up on a delivery after retries; an
// outage of ours, a subscription that went missing). Per winery, it asks Shopify for the orders of the last
// RECONCILE_LOOKBACK_DAYS days that carry neither sync tag, and queues those we have no record of, with source
// RECONCILE. The worker then treats them like any other order (fetching the payload, the skip rules, the lookup
// before POST), so reconciling twice, or racing a late webhook, never makes a second sales order.
//
// Seven days: long enough to cover a lost week-end of deliveries, short enough that each run reads a few pages
// (Shopify only lets an app read 60 days of orders without read_all_orders, so N may go up to 60). Orders younger
// than five minutes are left to their webhook, which is most likely still on its way.
import "server-only";
import type { Db } from "@/server/db";
import type { AdminFor } from "./context";
import { backfillMetafields } from "./metafield-backfill";
import { enqueueMissed } from "./queue";

export const RECONCILE_LOOKBACK_DAYS = 7;
export const MAX_RECONCILE_LOOKBACK_DAYS = 60;
export const RECONCILE_GRACE_MS = 5 * 60 * 1000;
const PAGE_SIZE = 100;
/** A runaway guard: 50 pages of 100 is far more than a week of a winery's untagged orders. */
const MAX_PAGES = 50;

export interface ReconcileOptions {
  lookbackDays?: number;
  graceMs?: number;
  now?: Date;
}

export interface ReconcileResult {
  tenantId: string;
  /** untagged orders Shopify returned in the window */
  examined: number;
  queued: { name: string; gid: string }[];
  /** untagged but already known to us (pending, skipped, failed before tagging…) */
  known: number;
  cancelled: number;
  tooRecent: number;
  /** why nothing was asked, when the winery is not active */
  skipped?: string;
  /** old synced orders whose vintrace code is now due to be written to Shopify */
  metafieldsQueued?: number;
}

export async function reconcileTenant(
  deps: { db: Db; adminFor: AdminFor },
  tenantId: string,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { db } = deps;
  const now = options.now ?? new Date();
  const result: ReconcileResult = { tenantId, examined: 0, queued: [], known: 0, cancelled: 0, tooRecent: 0 };
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw new Error(`No winery with id ${tenantId}`);
  if (tenant.status !== "ACTIVE") {
    // A winery in setup is not asked either: it goes live with a pass that looks back its usual days.
    return { ...result, skipped: tenant.status === "SETUP" ? "the winery is still being set up" : `the winery is ${tenant.status.toLowerCase()}` };
  }

  const lookbackDays = Math.min(MAX_RECONCILE_LOOKBACK_DAYS, Math.max(1, options.lookbackDays ?? RECONCILE_LOOKBACK_DAYS));
  const since = now.getTime() - lookbackDays * 24 * 60 * 60 * 1000;
  const createdAfter = new Date(Math.max(since, tenant.syncOrdersCreatedAfter.getTime()));
  const youngest = now.getTime() - (options.graceMs ?? RECONCILE_GRACE_MS);
  const admin = await deps.adminFor(tenantId);

  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const batch = await admin.ordersForReconcile({ createdAfter, first: PAGE_SIZE, after });
    result.examined += batch.orders.length;
    const candidates = batch.orders.filter((order) => {
      if (order.cancelledAt) {
        result.cancelled++;
        return false;
      }
      if (Date.parse(order.createdAt) > youngest) {
        result.tooRecent++;
        return false;
      }
      return true;
    });
    if (candidates.length > 0) {
      const known = await db.orderSync.findMany({
        where: { tenantId, orderGid: { in: candidates.map((o) => o.id) } },
        select: { orderGid: true },
      });
      const knownGids = new Set(known.map((k) => k.orderGid));
      result.known += knownGids.size;
      const unknown = candidates.filter((o) => !knownGids.has(o.id));
      // A webhook that lands meanwhile has already made the record, and wins.
      const created = await enqueueMissed(db, tenantId, unknown);
      result.queued.push(...created.map((c) => ({ name: c.orderName, gid: c.orderGid })));
    }
    if (!batch.hasNextPage || !batch.endCursor) break;
    after = batch.endCursor;
  }
  return { ...result, metafieldsQueued: await backfillMetafields(db, tenantId) };
}
