// orders/create: store the delivery and the order's sync record in one statement, then answer. The worker does the
// rest. One statement is one transaction, and the fewest round trips on the path Shopify times (§1.3).
import { randomUUID } from "node:crypto";
import { parseShopifyOrder } from "@/server/sync/orderPayload";
import { acknowledged, dedupKeyOf, isoOrNull, textResponse, type VerifiedDelivery } from "@/server/shopify/webhooks/delivery";

/** Workers LISTEN on this channel; the payload is the tenant id. */
export const ORDER_SYNC_DUE_CHANNEL = "order_sync_due";

export const PAUSED_REASON = "Winery paused";

export type OrderDeliveryOutcome = "queued" | "held" | "order-known";

function parseJson(rawBody: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(rawBody) };
  } catch {
    return { ok: false };
  }
}

export async function handleOrderCreated(delivery: VerifiedDelivery): Promise<Response> {
  const { tenant, db, headers, now } = delivery;
  if (!tenant || tenant.status === "UNINSTALLED") return textResponse(404, `No installed shop ${delivery.shopDomain}`);

  const json = parseJson(delivery.rawBody);
  if (!json.ok) return textResponse(400, "The body is not valid JSON");
  const parsed = parseShopifyOrder(json.value);
  if (!parsed.ok) return textResponse(400, parsed.problems.join("\n"));
  const order = parsed.order;
  const orderGid = order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`;

  const held = tenant.status === "PAUSED";
  const status = held ? "HELD" : "PENDING";
  const newOutcome: OrderDeliveryOutcome = held ? "held" : "queued";
  const knownOutcome: OrderDeliveryOutcome = "order-known";
  const at = now.toISOString();
  // Embedded PGlite has no listeners (amendment 4): workers poll there.
  const notify = !held && process.env.EMBEDDED_DB !== "1";

  // The payload is stored from the raw text: PostgreSQL parses it, so 64-bit ids keep every digit.
  // pg_notify inside the statement is delivered at commit, so a worker never wakes before the row is visible.
  await db.$queryRaw`
    WITH o AS (
      INSERT INTO "OrderSync" ("id", "tenantId", "orderGid", "orderName", "orderCreatedAt", "status", "source", "nextAttemptAt",
                               "statusReason", "payload", "createdAt", "updatedAt")
      VALUES (${randomUUID()}, ${tenant.id}, ${orderGid}, ${order.name}, ${isoOrNull(order.created_at)}::timestamp(3),
              ${status}::"SyncStatus", 'WEBHOOK', ${at}::timestamp(3), ${held ? PAUSED_REASON : null}::text,
              ${delivery.rawBody}::jsonb, ${at}::timestamp(3), ${at}::timestamp(3))
      ON CONFLICT ("tenantId", "orderGid") DO NOTHING
      RETURNING 1
    ), d AS (
      INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "webhookId", "eventId", "dedupKey", "triggeredAt", "receivedAt", "outcome")
      SELECT ${randomUUID()}, ${delivery.shopDomain}, ${delivery.topic}, ${headers.webhookId ?? ""}, ${headers.eventId ?? null}::text,
             ${dedupKeyOf(headers)}, ${isoOrNull(headers.triggeredAt)}::timestamp(3), ${at}::timestamp(3),
             CASE WHEN EXISTS (SELECT 1 FROM o) THEN ${newOutcome} ELSE ${knownOutcome} END
      ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING
      RETURNING 1
    ), n AS (
      SELECT pg_notify(${ORDER_SYNC_DUE_CHANNEL}, ${tenant.id}) FROM o WHERE ${notify}::boolean
    )
    SELECT (SELECT count(*) FROM d)::int AS "delivered", (SELECT count(*) FROM o)::int AS "created", (SELECT count(*) FROM n)::int AS "notified"`;
  return acknowledged();
}
