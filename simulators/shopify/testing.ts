// For tests: a Shopify simulator on a free port and a shopifyApi instance pointed at it through the seam.
import type { Shopify } from "@shopify/shopify-api";
import { createShopifyAdmin, type ShopifyAdmin, type ShopifyAdminOptions } from "@/server/shopify/admin";
import { createShopify } from "@/server/shopify/api";
import { ShopPacer } from "@/server/shopify/shop-pacer";
import { startShopifySimulator, type ShopifySimulator, type ShopifySimulatorOptions } from "@/simulators/shopify/server";

export const TEST_APP = { apiKey: "test-api-key", apiSecret: "test-api-secret-0123456789", appUrl: "http://localhost:3999" };

export interface SimulatedShopify {
  sim: ShopifySimulator;
  shopify: Shopify;
  /** An admin client for `shop` with a fresh token, its own pacer and short retry waits. */
  adminFor(shop: string, options?: ShopifyAdminOptions): ShopifyAdmin;
}

export async function startSimulatedShopify(options: Partial<ShopifySimulatorOptions> = {}): Promise<SimulatedShopify> {
  const sim = await startShopifySimulator({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl, ...options });
  const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl, adminOrigin: sim.url });
  return {
    sim,
    shopify,
    adminFor: (shop, adminOptions = {}) =>
      createShopifyAdmin(
        { shop, accessToken: sim.issueToken(shop) },
        { shopify, pacer: new ShopPacer(), ...adminOptions, retry: { baseDelayMs: 20, jitterMs: 10, ...adminOptions.retry } },
      ),
  };
}
