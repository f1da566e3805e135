// What the bulk retry needs to reach a winery's Shopify and vintrace: the sync engine's defaults, from the stored
// connections.
import "server-only";
import type { Db } from "@/server/db";
import type { RetryDeps } from "@/server/orders/bulk-retry";
import { adminFromTokens, vintraceFromSettings } from "@/server/sync/context";

export function retryDeps(db: Db): RetryDeps {
  return { adminFor: adminFromTokens(db), vintraceFor: vintraceFromSettings(db) };
}
