// orders/create: verified as every business delivery is (shop-delivery.ts), parsed, and handed to the queue's
// `enqueue`, which stores the delivery and the order's sync record in one statement and wakes the workers. The
// order's content (what vintrace is sent) and its hash are computed here, in memory, and stored with it.
import "server-only";
import { contentWithHash } from "@/server/order-changes/content";
import { parseShopifyOrder, type ShopifyOrder } from "@/server/shopify/order";
import { enqueue } from "@/server/sync/queue";
import { dedupKeyOf, isoOrNull, textResponse } from "@/server/shopify/webhooks/delivery";
import { acceptShopDelivery, parseJson, type Parsed, type ShopDelivery } from "@/server/shopify/webhooks/shop-delivery";

export type OrderDeliveryOutcome = "queued" | "held" | "order-known";

interface NewOrder {
  order: ShopifyOrder;
  json: unknown;
}

function parseOrder(rawBody: string): Parsed<NewOrder> {
  const json = parseJson(rawBody);
  if (!json.ok) return json;
  const parsed = parseShopifyOrder(json.value);
  return parsed.ok ? { ok: true, value: { order: parsed.order, json: json.value } } : { ok: false, response: textResponse(400, parsed.problems.join("\n")) };
}

export function handleOrderCreated(delivery: ShopDelivery): Promise<Response> {
  const { headers } = delivery;
  return acceptShopDelivery(delivery, {
    name: "orders/create",
    parse: parseOrder,
    store: ({ order, json }, signedWithOwnSecret) =>
      enqueue(delivery.db, {
        shopDomain: headers.shopDomain,
        orderGid: order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`,
        orderName: order.name,
        orderCreatedAt: isoOrNull(order.created_at),
        rawBody: delivery.rawBody,
        ...contentWithHash(json),
        signedWithOwnSecret,
        delivery: { webhookId: headers.webhookId ?? "", eventId: headers.eventId ?? null, dedupKey: dedupKeyOf(headers), triggeredAt: isoOrNull(headers.triggeredAt) },
        now: delivery.now,
      }),
  });
}
