// orders/create, the path Shopify times (it gives up after 5 s) and the one that carries the load. This handler
// verifies, parses and calls the queue's `enqueue`. Most shops sign with the app secret, so the delivery is checked
// against it first, in memory; then ONE statement finds the tenant, stores the delivery and the order's sync record,
// and wakes the workers. The statement only stores when the tenant is installed and really signs with the app
// secret; for a shop with its own secret it stores nothing, and the delivery is checked again against that secret.
// So the outcome is the same as "look the tenant up, then verify with its secret", at half the database work.
import "server-only";
import type { Db } from "@/server/db";
import { parseShopifyOrder, type ShopifyOrder } from "@/server/shopify/order";
import { enqueue, type EnqueueResult } from "@/server/sync/queue";
import { acknowledged, dedupKeyOf, findWebhookTenant, isoOrNull, ownWebhookSecret, refuseUnreadableSecret, textResponse } from "@/server/shopify/webhooks/delivery";
import { verifyDelivery, type DeliveryHeaders } from "@/server/shopify/webhooks/verify";

export type OrderDeliveryOutcome = "queued" | "held" | "order-known";

export interface OrderDelivery {
  rawBody: string;
  headers: DeliveryHeaders & { shopDomain: string };
  db: Db;
  appSecret: string;
  now: Date;
}

type Parsed = { ok: true; order: ShopifyOrder } | { ok: false; response: Response };

function parseOrder(rawBody: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, response: textResponse(400, "The body is not valid JSON") };
  }
  const parsed = parseShopifyOrder(json);
  return parsed.ok ? parsed : { ok: false, response: textResponse(400, parsed.problems.join("\n")) };
}

/** Stores the delivery and the order's sync record if the tenant is installed and signs as `signedWithOwnSecret` says. */
function storeOrder(delivery: OrderDelivery, order: ShopifyOrder, signedWithOwnSecret: boolean): Promise<EnqueueResult> {
  const { headers } = delivery;
  return enqueue(delivery.db, {
    shopDomain: headers.shopDomain,
    orderGid: order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`,
    orderName: order.name,
    orderCreatedAt: isoOrNull(order.created_at),
    rawBody: delivery.rawBody,
    signedWithOwnSecret,
    delivery: { webhookId: headers.webhookId ?? "", eventId: headers.eventId ?? null, dedupKey: dedupKeyOf(headers), triggeredAt: isoOrNull(headers.triggeredAt) },
    now: delivery.now,
  });
}

const notInstalled = (shop: string) => textResponse(404, `No installed shop ${shop}`);

export async function handleOrderCreated(delivery: OrderDelivery): Promise<Response> {
  const { rawBody, headers, db, appSecret } = delivery;

  const byApp = verifyDelivery({ rawBody, headers, secret: appSecret, lenient: false });
  if (byApp.ok) {
    const parsed = parseOrder(rawBody);
    if (!parsed.ok) return parsed.response;
    const stored = await storeOrder(delivery, parsed.order, false);
    if (stored.tenantStatus === null || stored.tenantStatus === "UNINSTALLED") return notInstalled(headers.shopDomain);
    if (!stored.ownSecret) return acknowledged();
    // The shop signs with its own secret, and this was signed with the app's: checked below, and refused.
  } else if (byApp.status === 400) {
    return textResponse(400, byApp.reason);
  }

  const tenant = await findWebhookTenant(db, headers.shopDomain);
  if (!tenant?.webhookSecretEnc) return textResponse(401, "Invalid signature");
  const own = ownWebhookSecret({ id: tenant.id, webhookSecretEnc: tenant.webhookSecretEnc });
  if (!own.ok) return refuseUnreadableSecret(db, delivery.now, { tenantId: tenant.id, shopDomain: headers.shopDomain, topic: "orders/create", problem: own.problem });
  const byShop = verifyDelivery({ rawBody, headers, secret: own.secret, lenient: false });
  if (!byShop.ok) return textResponse(byShop.status, byShop.reason);
  const parsed = parseOrder(rawBody);
  if (!parsed.ok) return parsed.response;
  const stored = await storeOrder(delivery, parsed.order, true);
  if (stored.tenantStatus === null || stored.tenantStatus === "UNINSTALLED") return notInstalled(headers.shopDomain);
  // The shop's secret was removed between the two statements: nothing was stored, so Shopify should try again.
  if (!stored.ownSecret) return textResponse(401, "Invalid signature");
  return acknowledged();
}
