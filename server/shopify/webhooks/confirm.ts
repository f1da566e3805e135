// Before an uninstall or an erasure is acted on, Shopify is asked whether the app is still installed: one Admin
// call (`shop { id }`) with the shop's own stored token. A signed delivery can be replayed or pinned on the wrong
// shop; Shopify's answer to our token cannot. Only a refusal of the token (or no token at all) counts as "not
// installed"; an answer we cannot get counts as "ask again later"; anything else leaves the shop as it is.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import type { Db } from "@/server/db";
import { createShopifyAdmin } from "@/server/shopify/admin";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import { getShopifyAccess, ShopifyAccessError } from "@/server/shopify/tokens";

export type InstallCheck =
  /** Shopify did not refuse the token; shopId is what it answered, when it answered */
  | { kind: "installed"; shopId: string | null; detail: string }
  | { kind: "not-installed"; detail: string }
  | { kind: "unreachable"; detail: string };

/** Shopify waits 5 seconds for our answer to a delivery: one try, well inside that. */
const ONE_QUICK_TRY = { maxAttempts: 1, timeoutMs: 3_000 };

const refusesToken = (error: ShopifyAdminError) => error.kind === "NOT_FOUND" || (error.kind === "AUTH" && (error.status === 401 || error.status === 403));

export async function askShopifyIfInstalled(db: Db, tenantId: string, shopify: Shopify): Promise<InstallCheck> {
  let access;
  try {
    access = await getShopifyAccess(db, tenantId, { shopify, evenIfUninstalled: true });
  } catch (error) {
    if (!(error instanceof ShopifyAccessError)) throw error;
    return { kind: error.retryable ? "unreachable" : "not-installed", detail: error.message };
  }
  try {
    const shopId = await createShopifyAdmin(access, { shopify, retry: ONE_QUICK_TRY }).shopId();
    return { kind: "installed", shopId, detail: "Shopify still accepts the app's token for this shop" };
  } catch (error) {
    if (!(error instanceof ShopifyAdminError)) throw error;
    if (error.retryable) return { kind: "unreachable", detail: error.message };
    if (refusesToken(error)) return { kind: "not-installed", detail: error.message };
    return { kind: "installed", shopId: null, detail: `Shopify did not refuse the app's token (${error.message})` };
  }
}
