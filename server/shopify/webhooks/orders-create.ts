// orders/create, the path Shopify times (§1.3) and the one that carries the load. Most shops sign with the app
// secret, so the delivery is checked against it first, in memory; then ONE statement finds the tenant, stores the
// delivery and the order's sync record, and wakes the workers. A single statement is a single transaction, and one
// round trip. The statement only stores when the tenant is installed and really signs with the app secret; for a
// shop with its own secret (amendment 15) it stores nothing, and the delivery is checked again against that secret.
// So the outcome is the same as "look the tenant up, then verify with its secret", at half the database work.
import { randomUUID } from "node:crypto";
import { databaseOf, type Db } from "@/server/db";
import { sqlTimestamp } from "@/server/lib/sqlTime";
import { parseShopifyOrder, type ShopifyOrder } from "@/server/sync/orderPayload";
import { acknowledged, dedupKeyOf, findWebhookTenant, isoOrNull, ownWebhookSecret, refuseUnreadableSecret, textResponse } from "@/server/shopify/webhooks/delivery";
import { verifyDelivery, type DeliveryHeaders } from "@/server/shopify/webhooks/verify";

/** Workers LISTEN on this channel; the payload is the tenant id. */
export const ORDER_SYNC_DUE_CHANNEL = "order_sync_due";

export const PAUSED_REASON = "Winery paused";

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

interface StoreResult {
  /** null: no tenant has this shop domain */
  tenantStatus: "ACTIVE" | "PAUSED" | "UNINSTALLED" | null;
  ownSecret: boolean | null;
  created: number;
  delivered: number;
}

/** Stores the delivery and the order's sync record if the tenant is installed and signs as `signedWithOwnSecret` says. */
async function storeOrder(delivery: OrderDelivery, order: ShopifyOrder, signedWithOwnSecret: boolean): Promise<StoreResult> {
  const { db, headers, now, rawBody } = delivery;
  const at = now.toISOString();
  const orderGid = order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`;
  // Embedded PGlite has no listeners (amendment 4): workers poll there.
  const notify = !databaseOf(db)?.embedded;
  // The payload is stored from the raw text: PostgreSQL parses it, so 64-bit ids keep every digit.
  // pg_notify inside the statement is delivered at commit, so a worker never wakes before the row is visible.
  // An existing OrderSync is left as it is (ON CONFLICT DO NOTHING), and so is a delivery already seen.
  const rows = await db.$queryRaw<StoreResult[]>`
    WITH t AS (
      SELECT t."id", t."status", c."webhookSecretEnc" IS NOT NULL AS "ownSecret"
      FROM "Tenant" t LEFT JOIN "ShopifyConnection" c ON c."tenantId" = t."id"
      WHERE t."shopDomain" = ${headers.shopDomain}
    ), ok AS (
      SELECT "id", "status" FROM t WHERE "status" <> 'UNINSTALLED' AND "ownSecret" = ${signedWithOwnSecret}::boolean
    ), o AS (
      INSERT INTO "OrderSync" ("id", "tenantId", "orderGid", "orderName", "orderCreatedAt", "status", "source", "nextAttemptAt",
                               "statusReason", "payload", "createdAt", "updatedAt")
      SELECT ${randomUUID()}, ok."id", ${orderGid}, ${order.name}, ${sqlTimestamp(isoOrNull(order.created_at))},
             (CASE WHEN ok."status" = 'PAUSED' THEN 'HELD' ELSE 'PENDING' END)::"SyncStatus", 'WEBHOOK', ${sqlTimestamp(at)},
             CASE WHEN ok."status" = 'PAUSED' THEN ${PAUSED_REASON}::text END,
             ${rawBody}::jsonb, ${sqlTimestamp(at)}, ${sqlTimestamp(at)}
      FROM ok
      ON CONFLICT ("tenantId", "orderGid") DO NOTHING
      RETURNING "tenantId", "status"
    ), d AS (
      INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "webhookId", "eventId", "dedupKey", "triggeredAt", "receivedAt", "outcome")
      SELECT ${randomUUID()}, ${headers.shopDomain}, 'orders/create', ${headers.webhookId ?? ""}, ${headers.eventId ?? null}::text,
             ${dedupKeyOf(headers)}, ${sqlTimestamp(isoOrNull(headers.triggeredAt))}, ${sqlTimestamp(at)},
             CASE WHEN NOT EXISTS (SELECT 1 FROM o) THEN 'order-known' WHEN ok."status" = 'PAUSED' THEN 'held' ELSE 'queued' END
      FROM ok
      ON CONFLICT ("shopDomain", "dedupKey") DO NOTHING
      RETURNING 1
    ), n AS (
      SELECT pg_notify(${ORDER_SYNC_DUE_CHANNEL}, o."tenantId") FROM o WHERE o."status" = 'PENDING' AND ${notify}::boolean
    )
    SELECT (SELECT "status"::text FROM t) AS "tenantStatus", (SELECT "ownSecret" FROM t) AS "ownSecret",
           (SELECT count(*) FROM o)::int AS "created", (SELECT count(*) FROM d)::int AS "delivered", (SELECT count(*) FROM n)::int AS "notified"`;
  return rows[0];
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
