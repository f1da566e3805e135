// Orders synced before the vintrace code was written to Shopify get their metafield too, a bounded number per winery
// at each reconciliation run, oldest first, so the step reaches every old order in time without a flood.
import "server-only";
import type { Db } from "@/server/db";
import { queueMetafieldBackfill } from "./queue";

/**
 * At most this many old orders per winery per run (every 15 minutes by default): a shop with thousands of them is
 * done in a day or so, while each run adds at most 100 metafield writes (about 1,000 points of Shopify's cost bucket,
 * spread by the shop pacer) to the shop's own traffic, so its new orders are never kept waiting behind the backfill.
 */
export const METAFIELD_BACKFILL_PER_RUN = 100;

/** Makes the metafield step due for the winery's oldest orders synced without it; returns how many. */
export function backfillMetafields(db: Db, tenantId: string, limit = METAFIELD_BACKFILL_PER_RUN): Promise<number> {
  return queueMetafieldBackfill(db, tenantId, limit);
}
