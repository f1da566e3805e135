// orders/cancelled, orders/updated, orders/edited and refunds/create: an order changed after it was placed. Verified
// and bound to the shop exactly as orders/create is (shop-delivery.ts); the body is read only for the order and
// Shopify's time of the change, then stored in one statement (storeOrderEvent) for the change processor
// (server/order-changes/processor.ts). orders/updated is most of Shopify's traffic, mostly our own tag writes: its
// content hash is computed here, in memory, so one that changes nothing vintrace holds is dropped by that statement.
import "server-only";
import { contentHash, orderContent } from "@/server/order-changes/content";
import { storeOrderEvent, type OrderChangeTopic } from "@/server/order-changes/events";
import { eventKeyOf, type EventKey } from "@/server/order-changes/payloads";
import { dedupKeyOf, isoOrNull, textResponse } from "@/server/shopify/webhooks/delivery";
import { acceptShopDelivery, parseJson, type Parsed, type ShopDelivery } from "@/server/shopify/webhooks/shop-delivery";

interface OrderChange extends EventKey {
  contentHash: string | null;
}

function parseChange(topic: OrderChangeTopic, rawBody: string): Parsed<OrderChange> {
  const json = parseJson(rawBody);
  if (!json.ok) return json;
  const key = eventKeyOf(topic, json.value);
  if (!key) return { ok: false, response: textResponse(400, `The body is not a ${topic} payload`) };
  const content = topic === "orders/updated" ? orderContent(json.value) : null;
  return { ok: true, value: { ...key, contentHash: content ? contentHash(content) : null } };
}

export function handleOrderChange(delivery: ShopDelivery, topic: OrderChangeTopic): Promise<Response> {
  const { headers } = delivery;
  return acceptShopDelivery(delivery, {
    name: topic,
    parse: (rawBody) => parseChange(topic, rawBody),
    store: (change, signedWithOwnSecret) =>
      storeOrderEvent(delivery.db, {
        shopDomain: headers.shopDomain,
        topic,
        orderGid: change.orderGid,
        occurredAt: change.occurredAt,
        rawBody: delivery.rawBody,
        contentHash: change.contentHash,
        signedWithOwnSecret,
        delivery: { webhookId: headers.webhookId ?? "", eventId: headers.eventId ?? null, dedupKey: dedupKeyOf(headers), triggeredAt: isoOrNull(headers.triggeredAt) },
        now: delivery.now,
      }),
  });
}
