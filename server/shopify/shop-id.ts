// Shopify's numeric shop id on the winery (Tenant.shopifyShopId). Signed lifecycle webhooks name their shop by id
// as well as by domain, and a delivery is only acted on when both are this winery's. The id is asked for when a
// shop is installed or connected by token, and once for an older winery that has none.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import { Prisma } from "@/server/generated/prisma/client";
import { createShopifyAdmin, type ShopCredentials, type ShopifyAdminOptions } from "@/server/shopify/admin";

/** Stores the id; another winery already holding it is left alone and recorded for support to look at. */
export async function storeShopId(db: Db, tenantId: string, shopId: string): Promise<void> {
  try {
    await db.tenant.update({ where: { id: tenantId }, data: { shopifyShopId: shopId } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const holder = await db.tenant.findUnique({ where: { shopifyShopId: shopId }, select: { id: true, shopDomain: true } });
    await recordAudit(db, { action: "shopify.shop_id_conflict", tenantId, details: { shopifyShopId: shopId, heldBy: holder?.shopDomain ?? null } });
  }
}

/** One quick try: the caller is waiting, and a failure is left for the next occasion. */
export const ONE_TRY = { maxAttempts: 1, timeoutMs: 5_000 };

/** Asks Shopify for the shop's id with these credentials and stores it; null (and nothing stored) when that fails. */
export async function learnShopId(db: Db, tenantId: string, credentials: ShopCredentials, options: ShopifyAdminOptions = {}): Promise<string | null> {
  let shopId: string;
  try {
    shopId = await createShopifyAdmin(credentials, { ...options, retry: { ...options.retry, ...ONE_TRY } }).shopId();
  } catch {
    return null;
  }
  await storeShopId(db, tenantId, shopId);
  return shopId;
}
