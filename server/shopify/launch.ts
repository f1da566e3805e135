// Opening the app from the Shopify admin. Shopify sends the merchant's browser to the app's application_url
// (shopify.app.toml: the site's root, which next.config.mjs routes here when the query carries shop and hmac) with
// shop, host and timestamp, signed with the app secret. A valid, fresh link means Shopify vouches that this shop opened
// the app; it says nothing about who the browser's user is. So:
// - no working token for the shop (never installed, uninstalled, or Shopify refuses our tokens): begin OAuth, which
//   installs it (server/shopify/install.ts);
// - otherwise: that winery's overview, through sign-in when the browser has no session.
// A link with a wrong signature, or older than 90 seconds, gets a plain error page and changes nothing.
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { getShopify } from "@/server/shopify/api";
import { beginInstall, plainResponse } from "@/server/shopify/install";
import { getShopifyAccess, ShopifyAccessError } from "@/server/shopify/tokens";

export const LAUNCH_PATH = "/api/shopify/launch";

export interface LaunchDeps {
  db: Db;
  shopify?: Shopify;
  /** default: APP_URL */
  appUrl?: string;
  /** whether the browser is signed in to the dashboard */
  signedIn: () => Promise<boolean>;
}

/** Verifies the query's HMAC and its timestamp (within Shopify's 90 seconds); false for anything malformed. */
async function signedByShopify(shopify: Shopify, query: URLSearchParams): Promise<boolean> {
  try {
    return await shopify.utils.validateHmac(query);
  } catch {
    return false;
  }
}

/** Whether Shopify's access for the winery works as far as we know: a stored token, renewed first when it expires. */
async function holdsWorkingToken(deps: LaunchDeps, shopify: Shopify, tenantId: string): Promise<boolean> {
  try {
    await getShopifyAccess(deps.db, tenantId, { shopify });
    return true;
  } catch (error) {
    // Shopify could not be asked just now: the token may well work, and OAuth would not get further.
    if (error instanceof ShopifyAccessError && error.kind === "REFRESH_FAILED") return true;
    if (error instanceof ShopifyAccessError) return false;
    throw error;
  }
}

export async function handleLaunch(request: Request, deps: LaunchDeps): Promise<Response> {
  const shopify = deps.shopify ?? getShopify();
  const appUrl = deps.appUrl ?? getEnv().APP_URL;
  const query = new URL(request.url).searchParams;
  if (!(await signedByShopify(shopify, query))) {
    return plainResponse(401, "This link to vintrace-sync is not signed by Shopify, or it has expired. Open the app again from your Shopify admin.");
  }
  let shop: string | null = null;
  try {
    shop = shopify.utils.sanitizeShop(query.get("shop") ?? "", true);
  } catch {
    shop = null;
  }
  if (!shop) return plainResponse(400, "This link does not name a Shopify shop. Open the app again from your Shopify admin.");

  const tenant = await deps.db.tenant.findUnique({ where: { shopDomain: shop }, select: { id: true } });
  if (!tenant || !(await holdsWorkingToken(deps, shopify, tenant.id))) return beginInstall(request, { shopify });

  const overview = `/?winery=${encodeURIComponent(tenant.id)}`;
  const target = (await deps.signedIn()) ? overview : `/login?callbackUrl=${encodeURIComponent(overview)}`;
  return Response.redirect(new URL(target, appUrl).href, 302);
}
