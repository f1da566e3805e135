// POST /api/webhooks/shopify: one endpoint for every topic (DESIGN "The one path that matters").
// Order of checks: size → signature (against the shop's own secret if it has one, amendment 15) → headers → body.
// Nothing is stored until all of them pass. orders/create has its own, faster, path (orders-create.ts).
import type { Shopify } from "@shopify/shopify-api";
import { decryptSecret } from "@/server/crypto";
import type { Db } from "@/server/db";
import { getShopify } from "@/server/shopify/api";
import { handleAppUninstalled } from "@/server/shopify/webhooks/app-uninstalled";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "@/server/shopify/webhooks/compliance";
import { acknowledged, findWebhookTenant, shopDomainFromBody, textResponse, type VerifiedDelivery } from "@/server/shopify/webhooks/delivery";
import { handleOrderCreated } from "@/server/shopify/webhooks/orders-create";
import { deliveryHeaders, MAX_WEBHOOK_BYTES, readWebhookBody, verifyDelivery } from "@/server/shopify/webhooks/verify";

export interface WebhookDeps {
  db: Db;
  /** default: the app's instance (getShopify()); its apiSecretKey signs every delivery but manual-token shops' */
  shopify?: Shopify;
  now?: () => Date;
}

type TopicHandler = (delivery: VerifiedDelivery) => Promise<Response>;

/** Acknowledged for any shop once the signature holds, even unknown or erased ones (amendment 13). */
const LIFECYCLE_TOPICS = new Map<string, TopicHandler>([
  ["app/uninstalled", handleAppUninstalled],
  ["customers/data_request", handleCustomersDataRequest],
  ["customers/redact", handleCustomersRedact],
  ["shop/redact", handleShopRedact],
]);

export const WEBHOOK_TOPICS = ["orders/create", ...LIFECYCLE_TOPICS.keys()];

export async function handleShopifyWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  const rawBody = await readWebhookBody(request);
  if (rawBody === null) return textResponse(413, `The body is larger than ${MAX_WEBHOOK_BYTES} bytes`);

  const headers = deliveryHeaders(request.headers);
  if (!headers.topic) return textResponse(400, "Missing X-Shopify-Topic");
  if (!headers.hmac) return textResponse(400, "Missing X-Shopify-Hmac-Sha256");
  const shopify = deps.shopify ?? getShopify();
  const now = deps.now?.() ?? new Date();

  // Business topics: unknown and uninstalled shops are refused (404), and the shop must be named in the header.
  if (headers.topic === "orders/create") {
    if (!headers.shopDomain) return textResponse(400, "Missing X-Shopify-Shop-Domain");
    return handleOrderCreated({ rawBody, headers: { ...headers, shopDomain: headers.shopDomain }, db: deps.db, appSecret: shopify.config.apiSecretKey, now });
  }

  const handler = LIFECYCLE_TOPICS.get(headers.topic);
  const shopDomain = headers.shopDomain ?? shopDomainFromBody(rawBody);
  const tenant = shopDomain ? await findWebhookTenant(deps.db, shopDomain) : null;
  const verification = verifyDelivery({
    rawBody,
    headers,
    // A topic we do not handle is checked as strictly as orders/create.
    lenient: handler !== undefined,
    secret: tenant?.webhookSecretEnc ? decryptSecret(tenant.webhookSecretEnc, { tenantId: tenant.id, column: "ShopifyConnection.webhookSecretEnc" }) : shopify.config.apiSecretKey,
  });
  if (!verification.ok) return textResponse(verification.status, verification.reason);
  if (!shopDomain) return textResponse(400, "Missing X-Shopify-Shop-Domain (and no shop_domain in the body)");
  // A topic we never subscribe to: acknowledged, so Shopify neither retries nor removes the subscription.
  if (!handler) return acknowledged();

  return handler({ db: deps.db, now, shopDomain, topic: headers.topic, headers, rawBody, tenant });
}
