// POST /api/webhooks/shopify: one endpoint for every topic.
// Order of checks: size → signature (against the shop's own secret if it has one) → headers → body → the body's
// shop. Nothing is stored until all of them pass. orders/create and the after-sale topics have their own, faster,
// path (shop-delivery.ts, with orders-create.ts and order-changes.ts).
import "server-only";
import type { Shopify } from "@shopify/shopify-api";
import type { z } from "zod";
import type { Db } from "@/server/db";
import { readBodyTextUpTo } from "@/server/http/read-bounded-body";
import { logger } from "@/server/observability/log";
import { metrics } from "@/server/observability/metrics";
import { withRequestContext } from "@/server/observability/request-context";
import { getShopify } from "@/server/shopify/api";
import { handleAppUninstalled } from "@/server/shopify/webhooks/app-uninstalled";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "@/server/shopify/webhooks/compliance";
import {
  acknowledged,
  findWebhookTenant,
  ownWebhookSecret,
  recordSuspectedForgery,
  refuseUnreadableSecret,
  shopDomainFromBody,
  textResponse,
  type VerifiedDelivery,
} from "@/server/shopify/webhooks/delivery";
import { ORDER_CHANGE_TOPICS, type OrderChangeTopic } from "@/server/order-changes/events";
import { handleOrderChange } from "@/server/shopify/webhooks/order-changes";
import { handleOrderCreated } from "@/server/shopify/webhooks/orders-create";
import {
  appUninstalledBody,
  bindingProblem,
  customersDataRequestBody,
  customersRedactBody,
  parseJsonBody,
  shopRedactBody,
  type BodyShop,
} from "@/server/shopify/webhooks/shop-binding";
import { deliveryHeaders, MAX_WEBHOOK_BYTES, verifyDelivery } from "@/server/shopify/webhooks/verify";

export interface WebhookDeps {
  db: Db;
  /** default: the app's instance (getShopify()); its apiSecretKey signs every delivery but manual-token shops' */
  shopify?: Shopify;
  now?: () => Date;
}

/** A lifecycle topic: its body, the shop that body names, and what is done once the body is bound to that shop. */
interface LifecycleTopic {
  /** null when the body is not this topic's payload */
  parse(rawBody: string): { shop: BodyShop; handle: (delivery: VerifiedDelivery) => Promise<Response> } | null;
}

function lifecycleTopic<T>(schema: z.ZodType<T>, shopOf: (body: T) => BodyShop, handler: (delivery: VerifiedDelivery, body: T) => Promise<Response>): LifecycleTopic {
  return {
    parse(rawBody) {
      const body = parseJsonBody(schema, rawBody);
      return body === null ? null : { shop: shopOf(body), handle: (delivery) => handler(delivery, body) };
    },
  };
}

/** Acknowledged for any shop once the signature holds and the body is bound to the shop, even unknown or erased ones. */
const LIFECYCLE_TOPICS = new Map<string, LifecycleTopic>([
  ["app/uninstalled", lifecycleTopic(appUninstalledBody, (b) => ({ domain: b.myshopify_domain, id: b.id }), handleAppUninstalled)],
  ["customers/data_request", lifecycleTopic(customersDataRequestBody, (b) => ({ domain: b.shop_domain, id: b.shop_id }), handleCustomersDataRequest)],
  ["customers/redact", lifecycleTopic(customersRedactBody, (b) => ({ domain: b.shop_domain, id: b.shop_id }), handleCustomersRedact)],
  ["shop/redact", lifecycleTopic(shopRedactBody, (b) => ({ domain: b.shop_domain, id: b.shop_id }), handleShopRedact)],
]);

export const WEBHOOK_TOPICS = ["orders/create", ...ORDER_CHANGE_TOPICS, ...LIFECYCLE_TOPICS.keys()];

const isOrderChangeTopic = (topic: string): topic is OrderChangeTopic => (ORDER_CHANGE_TOPICS as readonly string[]).includes(topic);

/**
 * Handles one delivery and logs it: topic, shop, the status answered and how long it took (never the body, the
 * signature or a secret), and counts it by topic and status for /api/metrics.
 */
export function handleShopifyWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  return withRequestContext(request, async () => {
    const started = performance.now();
    const sentTopic = request.headers.get("x-shopify-topic") ?? "";
    const topic = WEBHOOK_TOPICS.includes(sentTopic) ? sentTopic : sentTopic ? "other" : "none";
    const fields = { topic: sentTopic.slice(0, 64) || null, shop: request.headers.get("x-shopify-shop-domain")?.slice(0, 255) ?? null, webhookId: request.headers.get("x-shopify-webhook-id")?.slice(0, 64) ?? null };
    try {
      const response = await handleDelivery(request, deps);
      const ms = Math.round(performance.now() - started);
      metrics().webhookDeliveries.inc({ topic, status: String(response.status) });
      const outcome = response.status < 300 ? "accepted" : "refused";
      logger()[response.status >= 500 ? "error" : response.status >= 400 ? "warn" : "info"]({ ...fields, status: response.status, outcome, ms }, "webhook");
      return response;
    } catch (error) {
      metrics().webhookDeliveries.inc({ topic, status: "500" });
      logger().error({ ...fields, outcome: "error", ms: Math.round(performance.now() - started), err: error }, "webhook failed unexpectedly");
      throw error;
    }
  });
}

async function handleDelivery(request: Request, deps: WebhookDeps): Promise<Response> {
  const rawBody = await readBodyTextUpTo(request, MAX_WEBHOOK_BYTES);
  if (rawBody === null) return textResponse(413, `The body is larger than ${MAX_WEBHOOK_BYTES} bytes`);

  const headers = deliveryHeaders(request.headers);
  if (!headers.topic) return textResponse(400, "Missing X-Shopify-Topic");
  if (!headers.hmac) return textResponse(400, "Missing X-Shopify-Hmac-Sha256");
  const shopify = deps.shopify ?? getShopify();
  const now = deps.now?.() ?? new Date();

  // Business topics: unknown and uninstalled shops are refused (404), and the shop must be named in the header.
  if (headers.topic === "orders/create" || isOrderChangeTopic(headers.topic)) {
    if (!headers.shopDomain) return textResponse(400, "Missing X-Shopify-Shop-Domain");
    const delivery = { rawBody, headers: { ...headers, shopDomain: headers.shopDomain }, db: deps.db, appSecret: shopify.config.apiSecretKey, now };
    return isOrderChangeTopic(headers.topic) ? handleOrderChange(delivery, headers.topic) : handleOrderCreated(delivery);
  }

  const topic = LIFECYCLE_TOPICS.get(headers.topic);
  const shopDomain = headers.shopDomain ?? shopDomainFromBody(rawBody);
  const tenant = shopDomain ? await findWebhookTenant(deps.db, shopDomain) : null;
  const own = tenant?.webhookSecretEnc ? ownWebhookSecret({ id: tenant.id, webhookSecretEnc: tenant.webhookSecretEnc }) : null;
  if (tenant && shopDomain && own && !own.ok) {
    return refuseUnreadableSecret(deps.db, now, { tenantId: tenant.id, shopDomain, topic: headers.topic, problem: own.problem });
  }
  const verification = verifyDelivery({
    rawBody,
    headers,
    // A topic we do not handle is checked as strictly as orders/create.
    lenient: topic !== undefined,
    secret: own?.ok ? own.secret : shopify.config.apiSecretKey,
  });
  if (!verification.ok) return textResponse(verification.status, verification.reason);
  if (!shopDomain) return textResponse(400, "Missing X-Shopify-Shop-Domain (and no shop_domain in the body)");
  // A topic we never subscribe to: acknowledged, so Shopify neither retries nor removes the subscription.
  if (!topic) return acknowledged();

  const suspect = { tenantId: tenant?.id ?? null, topic: headers.topic, headerShop: headers.shopDomain ?? null, webhookId: headers.webhookId ?? null };
  const parsed = topic.parse(rawBody);
  if (!parsed) {
    // Shopify's own deliveries are always their topic's JSON; a signed body that is not is our secret's signature
    // taken from somewhere else (an install or launch link).
    await recordSuspectedForgery(deps.db, now, { ...suspect, reason: `The signed body is not a ${headers.topic} payload` });
    return textResponse(400, `The body is not a ${headers.topic} payload`);
  }
  const problem = bindingProblem(parsed.shop, headers.shopDomain, tenant);
  if (problem) {
    await recordSuspectedForgery(deps.db, now, { ...suspect, reason: problem, bodyShop: parsed.shop.domain, bodyShopId: parsed.shop.id });
    return textResponse(401, "The body is not about this shop");
  }
  return parsed.handle({ db: deps.db, shopify, now, shopDomain, topic: headers.topic, headers, rawBody, tenant });
}
