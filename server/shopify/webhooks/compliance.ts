// The mandatory compliance topics. Once the signature holds and the body is bound to its shop they are always
// acknowledged, even for a shop we do not know or have already erased; only what we hold is touched.
import "server-only";
import { recordAudit } from "@/server/audit/record";
import type { Db } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { askShopifyIfInstalled } from "@/server/shopify/webhooks/confirm";
import { acknowledged, recordDelivery, textResponse, type SqlRunner, type VerifiedDelivery, type WebhookTenant } from "@/server/shopify/webhooks/delivery";
import { SHOP_REDACT_SKIPPED } from "@/server/shopify/webhooks/notices";
import { ATTEMPT_PERSONAL_FIELDS, needlesFrom, personalValuesOf, redactJson, SHOPIFY_PERSONAL_FIELDS } from "@/server/shopify/webhooks/redact";
import type { Customer, CustomersDataRequestBody, CustomersRedactBody, ShopRedactBody } from "@/server/shopify/webhooks/shop-binding";
import { redactPayload } from "@/server/sync/queue";

/** Shopify sends shop/redact 48 hours after the uninstall; a shop is never erased sooner. */
export const SHOP_REDACT_DELAY_MS = 48 * 60 * 60_000;

interface CustomerOrder {
  id: string;
  orderGid: string;
  orderName: string;
  status: string;
  payload: unknown;
  content: unknown;
}

const orderGidOf = (orderId: string) => `gid://shopify/Order/${orderId}`;

/** In an order's content (server/order-changes/content.ts) the customer and the address are the personal parts. */
const CONTENT_PERSONAL_FIELDS = new Set(["customer", "address"]);
/** An edit carries the staff's note, a refund the merchant's: free text that may name the customer. */
const EVENT_PERSONAL_FIELDS = new Set([...SHOPIFY_PERSONAL_FIELDS, "staff_note"]);

/** The customer's orders we hold: the listed ones, and any whose payload names the customer by id or email. */
async function customerOrders(db: SqlRunner, tenantId: string, orderIds: string[], customer: Customer | null | undefined) {
  const customerId = customer?.id ?? null;
  const email = customer?.email?.trim().toLowerCase() || null;
  // FOR UPDATE: inside the redaction's transaction no worker rewrites a payload while it is being blanked.
  return db.$queryRaw<CustomerOrder[]>`
    SELECT "id", "orderGid", "orderName", "status"::text AS "status", "payload", "content" FROM "OrderSync"
    WHERE "tenantId" = ${tenantId}
      AND ("orderGid" = ANY(${orderIds.map(orderGidOf)}::text[]) OR "payload"->'customer'->>'id' = ${customerId}::text
           OR lower("payload"->>'email') = ${email}::text)
    ORDER BY "createdAt"
    FOR UPDATE`;
}

/** The operator command that writes out everything we hold about a customer (server/cli/commands/compliance.ts). */
export const customerExportCommand = (shopDomain: string, customerId: string) =>
  `npm run cli -- compliance:export --shop ${shopDomain} --customer ${customerId} --out customer-${customerId}.json`;

/**
 * A customer's data request is answered by a person: the audit entry lists what we hold and the command that writes
 * it all out, to be sent to the merchant within Shopify's 30 days.
 */
export async function handleCustomersDataRequest(delivery: VerifiedDelivery, body: CustomersDataRequestBody): Promise<Response> {
  const { tenant, db } = delivery;
  if (!tenant) return acknowledged();

  const orders = await customerOrders(db, tenant.id, body.orders_requested ?? [], body.customer);
  const customerId = body.customer?.id ?? null;
  await db.$transaction(async (tx) => {
    if (!(await recordDelivery(tx, delivery, "data-request-recorded"))) return;
    await recordAudit(tx, {
      action: "compliance.customer_data_request",
      tenantId: tenant.id,
      details: {
        shopDomain: delivery.shopDomain,
        dataRequestId: body.data_request?.id ?? null,
        customerId,
        ordersRequested: body.orders_requested ?? [],
        held: "For each order below: the order as Shopify sent it (name, email, phone, addresses, lines) and our sync attempts with vintrace.",
        orders: orders.map((o) => ({ orderName: o.orderName, orderGid: o.orderGid, status: o.status })),
        todo:
          customerId === null
            ? "Shopify named no customer: export the orders listed here by hand (orders:status shows each one)."
            : "Run the command below, then send the file it writes to the shop's owner, who answers the customer.",
        command: customerId === null ? null : customerExportCommand(delivery.shopDomain, String(customerId)),
      },
    });
  });
  return acknowledged();
}

export interface CustomerDataExport {
  shopDomain: string;
  customerId: string;
  exportedAt: string;
  /** the sync records whose Shopify order names the customer, each with its attempts */
  orders: (Record<string, unknown> & { attempts: Record<string, unknown>[] })[];
  /** the winery's audit events that name the customer or one of those orders */
  auditEvents: Record<string, unknown>[];
  /** the Shopify deliveries we still store about the customer's orders */
  webhookDeliveries: Record<string, unknown>[];
  /** the after-sale deliveries (cancellations, edits, refunds) we still store about those orders */
  orderEvents: Record<string, unknown>[];
}

/** Every record we store about one customer of a winery: what a customers/data_request asks for. */
export async function customerDataExport(db: Db, tenant: { id: string; shopDomain: string }, customerId: string, now = new Date()): Promise<CustomerDataExport> {
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "OrderSync" WHERE "tenantId" = ${tenant.id} AND "payload"->'customer'->>'id' = ${customerId}::text ORDER BY "createdAt"`;
  const orders = await db.orderSync.findMany({
    where: { id: { in: ids.map((r) => r.id) } },
    orderBy: { createdAt: "asc" },
    include: { attempts_: { orderBy: { createdAt: "asc" } } },
  });
  const gids = orders.map((o) => o.orderGid);
  const auditIds = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "AuditEvent"
    WHERE "tenantId" = ${tenant.id}
      AND ("details"->>'customerId' = ${customerId}::text
           OR EXISTS (SELECT 1 FROM unnest(${gids}::text[]) g WHERE strpos("details"::text, '"' || g || '"') > 0))`;
  const deliveryIds = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "WebhookDelivery"
    WHERE "shopDomain" = ${tenant.shopDomain} AND "payload" IS NOT NULL
      AND ("payload"->'customer'->>'id' = ${customerId}::text OR "payload"->>'admin_graphql_api_id' = ANY(${gids}::text[]))`;
  const [auditEvents, webhookDeliveries, orderEvents] = await Promise.all([
    db.auditEvent.findMany({ where: { id: { in: auditIds.map((r) => r.id) } }, orderBy: { createdAt: "asc" } }),
    db.webhookDelivery.findMany({ where: { id: { in: deliveryIds.map((r) => r.id) } }, orderBy: { receivedAt: "asc" } }),
    db.orderEvent.findMany({ where: { tenantId: tenant.id, orderGid: { in: gids } }, orderBy: { receivedAt: "asc" } }),
  ]);
  return {
    shopDomain: tenant.shopDomain,
    customerId,
    exportedAt: now.toISOString(),
    orders: orders.map(({ attempts_, ...order }) => ({ ...order, attempts: attempts_ })),
    auditEvents,
    webhookDeliveries,
    orderEvents,
  };
}

export async function handleCustomersRedact(delivery: VerifiedDelivery, body: CustomersRedactBody): Promise<Response> {
  const { tenant, db } = delivery;
  if (!tenant) return acknowledged();

  const orderIds = body.orders_to_redact ?? [];
  await db.$transaction(
    async (tx) => {
      await recordDelivery(tx, delivery, "customer-redacted");
      const orders = await customerOrders(tx, tenant.id, orderIds, body.customer);
      const needles = needlesFrom([body.customer?.email ?? "", body.customer?.phone ?? "", ...orders.flatMap((o) => personalValuesOf(o.payload))]);

      for (const order of orders) {
        if (order.payload === null && order.content === null) continue;
        await redactPayload(
          tx,
          order.id,
          order.payload === null ? null : (redactJson(order.payload, SHOPIFY_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue),
          order.content === null ? null : (redactJson(order.content, CONTENT_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue),
        );
      }

      // The after-sale deliveries still stored for those orders (an order's body carries the customer; so may a
      // refund's note or an edit's staff note).
      const events = await tx.orderEvent.findMany({
        where: { tenantId: tenant.id, orderGid: { in: orders.map((o) => o.orderGid) } },
        select: { id: true, payload: true },
      });
      for (const event of events) {
        await tx.orderEvent.update({ where: { id: event.id }, data: { payload: redactJson(event.payload, EVENT_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue } });
      }

      const attempts = await tx.syncAttempt.findMany({
        where: { orderSyncId: { in: orders.map((o) => o.id) } },
        select: { id: true, request: true, response: true },
      });
      for (const attempt of attempts) {
        await tx.syncAttempt.update({
          where: { id: attempt.id },
          data: {
            request: attempt.request === null ? undefined : (redactJson(attempt.request, ATTEMPT_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue),
            response: attempt.response === null ? undefined : (redactJson(attempt.response, ATTEMPT_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue),
          },
        });
      }

      const deliveries = await tx.$queryRaw<{ id: string; payload: unknown }[]>`
        SELECT "id", "payload" FROM "WebhookDelivery"
        WHERE "shopDomain" = ${delivery.shopDomain} AND "payload" IS NOT NULL
          AND ("payload"->>'admin_graphql_api_id' = ANY(${orderIds.map(orderGidOf)}::text[])
               OR "payload"->'customer'->>'id' = ${body.customer?.id ?? null}::text)
        FOR UPDATE`;
      for (const stored of deliveries) {
        await tx.webhookDelivery.update({ where: { id: stored.id }, data: { payload: redactJson(stored.payload, SHOPIFY_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue } });
      }

      await recordAudit(tx, {
        action: "compliance.customer_redact",
        tenantId: tenant.id,
        details: {
          shopDomain: delivery.shopDomain,
          customerId: body.customer?.id ?? null,
          ordersToRedact: orderIds,
          redacted: { orders: orders.map((o) => o.orderName), attempts: attempts.length, deliveries: deliveries.length, orderEvents: events.length },
        },
      });
    },
    { timeout: 30_000 },
  );
  return acknowledged();
}

type RedactDecision = { erase: true } | { erase: false; reason: string } | { retryLater: string };

/**
 * Whether the shop may be erased now: the app has been uninstalled for at least 48 hours (as Shopify's own
 * schedule has it), and Shopify refuses the app's token, or we hold none.
 */
async function redactDecision(delivery: VerifiedDelivery, tenant: WebhookTenant): Promise<RedactDecision> {
  if (tenant.status !== "UNINSTALLED") return { erase: false, reason: "The app is installed on this shop again" };
  if (!tenant.uninstalledAt) return { erase: false, reason: "No uninstall of the app from this shop was recorded" };
  const sinceUninstall = delivery.now.getTime() - tenant.uninstalledAt.getTime();
  if (sinceUninstall < SHOP_REDACT_DELAY_MS) {
    const hours = Math.max(0, Math.floor(sinceUninstall / 3_600_000));
    return { erase: false, reason: `The app was uninstalled ${hours} hours ago; a shop is erased only 48 hours after the uninstall` };
  }
  if (!tenant.holdsToken) return { erase: true };
  const check = await askShopifyIfInstalled(delivery.db, tenant.id, delivery.shopify);
  if (check.kind === "unreachable") return { retryLater: check.detail };
  if (check.kind === "installed") return { erase: false, reason: check.detail };
  return { erase: true };
}

/**
 * Erases the shop: the tenant with everything that cascades from it (connection, settings, members, orders,
 * attempts, SKU map), its audit trail and its webhook deliveries. A single audit line without a tenant remains as
 * the record that the erasure was done. A shop that is not due for erasure keeps its data, and the audit log says why.
 */
export async function handleShopRedact(delivery: VerifiedDelivery, body: ShopRedactBody): Promise<Response> {
  const { tenant, db, shopDomain } = delivery;
  if (!tenant) return acknowledged();
  const decision = await redactDecision(delivery, tenant);
  // Shopify tries a delivery again when it is not answered with 2xx: by then Shopify may answer us.
  if ("retryLater" in decision) return textResponse(503, "Shopify could not be asked whether the app is still installed; nothing was erased");
  if (!decision.erase) {
    await recordAudit(db, {
      action: SHOP_REDACT_SKIPPED,
      tenantId: tenant.id,
      details: { shopDomain, shopifyShopId: body.shop_id, reason: decision.reason },
      at: delivery.now,
    });
    return acknowledged();
  }
  await db.$transaction(async (tx) => {
    const orders = await tx.orderSync.count({ where: { tenantId: tenant.id } });
    const deliveries = await tx.webhookDelivery.deleteMany({ where: { shopDomain } });
    await tx.auditEvent.deleteMany({ where: { tenantId: tenant.id } });
    await tx.tenant.delete({ where: { id: tenant.id } });
    await recordAudit(tx, {
      action: "compliance.shop_redact",
      details: { shopDomain, shopifyShopId: body.shop_id, erased: { orders, deliveries: deliveries.count } },
    });
  });
  return acknowledged();
}
