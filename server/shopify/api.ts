// The one shopifyApi instance. The web-api adapter is imported here and nowhere else: adapters are global
// singletons (the last one imported wins), and the node adapter cannot read a Web Request's headers, so webhook
// validation would fail with missing_hmac.
import "server-only";
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { getEnv } from "@/server/env";
import { installSimulatorSeam, rewriteAuthorizeRedirect } from "@/server/shopify/seam";

export const SHOPIFY_API_VERSION = ApiVersion.October26;
export const SHOPIFY_SCOPES = ["read_orders", "write_orders", "read_products"];

export interface ShopifyConfig {
  apiKey: string;
  apiSecretKey: string;
  /** the app's public address; OAuth callbacks are built from its host and scheme */
  appUrl: string;
  /** SHOPIFY_ADMIN_ORIGIN: send admin and OAuth traffic to this simulator instead of Shopify */
  adminOrigin?: string;
}

export function createShopify(config: ShopifyConfig): Shopify {
  const appUrl = new URL(config.appUrl);
  const shopify = shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecretKey,
    scopes: SHOPIFY_SCOPES,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === "http:" ? "http" : "https",
    apiVersion: SHOPIFY_API_VERSION,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Warning },
  });
  if (config.adminOrigin) {
    const origin = config.adminOrigin;
    installSimulatorSeam(origin);
    const begin = shopify.auth.begin;
    // The merchant's browser must land on the simulator's authorize page too, or the install would leave the demo.
    shopify.auth.begin = async (params) => rewriteAuthorizeRedirect(await begin(params), origin);
  }
  return shopify;
}

let cached: Shopify | undefined;

/** The app's shopifyApi instance, configured from the environment on first use. */
export function getShopify(): Shopify {
  if (!cached) {
    const env = getEnv();
    cached = createShopify({
      apiKey: env.SHOPIFY_API_KEY,
      apiSecretKey: env.SHOPIFY_API_SECRET,
      appUrl: env.APP_URL,
      adminOrigin: env.SHOPIFY_ADMIN_ORIGIN,
    });
  }
  return cached;
}
