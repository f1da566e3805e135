// The bodies of the lifecycle and compliance webhooks Shopify sends, for one simulated shop. app/uninstalled
// carries the Shop resource as the REST API shows it; the compliance topics name the shop by id and domain. Every
// body carries the shop's own numeric id, the same one the Admin API answers to `shop { id }`.
import type { SimShop } from "@/simulators/shopify/shop-state";

export const LIFECYCLE_TOPICS = ["app/uninstalled", "shop/redact", "customers/redact", "customers/data_request"] as const;
export type LifecycleTopic = (typeof LIFECYCLE_TOPICS)[number];

const storeName = (shop: SimShop) => shop.domain.replace(/\.myshopify\.com$/, "");

const SAMPLE_CUSTOMER = { id: 7301122334455, email: "customer@example.com", phone: "+61400111222" };

export function lifecyclePayload(shop: SimShop, topic: LifecycleTopic): Record<string, unknown> {
  const named = { shop_id: shop.id, shop_domain: shop.domain };
  switch (topic) {
    case "app/uninstalled":
      return {
        id: shop.id,
        name: storeName(shop),
        email: `owner@${storeName(shop)}.example`,
        domain: shop.domain,
        myshopify_domain: shop.domain,
        country_code: "AU",
        currency: "AUD",
        iana_timezone: "Australia/Adelaide",
        plan_name: "basic",
        created_at: "2024-01-15T09:30:00+10:30",
      };
    case "shop/redact":
      return named;
    case "customers/redact":
      return { ...named, customer: SAMPLE_CUSTOMER, orders_to_redact: [] };
    case "customers/data_request":
      return { ...named, customer: SAMPLE_CUSTOMER, orders_requested: [], data_request: { id: 9999 } };
  }
}
