// POST /api/webhooks/shopify: one endpoint for every topic (DESIGN "The one path that matters").
// Order of checks: size → signature (against the shop's own secret if it has one) → headers → topic. Nothing is
// stored until all of them pass.
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
  /** default: the app's instance (getShopify()) */
  shopify?: Shopify;
  now?: () => Date;
}

type TopicHandler = (delivery: VerifiedDelivery) => Promise<Response>;

/** Business topics refuse unknown and uninstalled shops; the others are acknowledged for any shop (amendment 13). */
const BUSINESS_TOPICS: Record<string, TopicHandler> = {
  "orders/create": handleOrderCreated,
};
const LIFECYCLE_TOPICS: Record<string, TopicHandler> = {
  "app/uninstalled": handleAppUninstalled,
  "customers/data_request": handleCustomersDataRequest,
  "customers/redact": handleCustomersRedact,
  "shop/redact": handleShopRedact,
};

export const WEBHOOK_TOPICS = [...Object.keys(BUSINESS_TOPICS), ...Object.keys(LIFECYCLE_TOPICS)];

export async function handleShopifyWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  const rawBody = await readWebhookBody(request);
  if (rawBody === null) return textResponse(413, `The body is larger than ${MAX_WEBHOOK_BYTES} bytes`);

  const headers = deliveryHeaders(request.headers);
  if (!headers.topic) return textResponse(400, "Missing X-Shopify-Topic");
  if (!headers.hmac) return textResponse(400, "Missing X-Shopify-Hmac-Sha256");
  const business = BUSINESS_TOPICS[headers.topic];
  const handler = business ?? LIFECYCLE_TOPICS[headers.topic];
  const lenient = !business;

  const shopDomain = headers.shopDomain ?? (lenient ? shopDomainFromBody(rawBody) : undefined);
  const tenant = shopDomain ? await findWebhookTenant(deps.db, shopDomain) : null;
  const verification = await verifyDelivery({
    request,
    rawBody,
    headers,
    lenient,
    shopify: deps.shopify ?? getShopify(),
    shopSecret: tenant?.webhookSecretEnc ? decryptSecret(tenant.webhookSecretEnc) : undefined,
  });
  if (!verification.ok) return textResponse(verification.status, verification.reason);
  if (!shopDomain) return textResponse(400, "Missing X-Shopify-Shop-Domain (and no shop_domain in the body)");
  // A topic we never subscribe to: acknowledged, so Shopify neither retries nor removes the subscription.
  if (!handler) return acknowledged();

  return handler({ db: deps.db, now: deps.now?.() ?? new Date(), shopDomain, topic: headers.topic, headers, rawBody, tenant });
}
