// The mandatory compliance topics (shopify-notes §5). Once the signature holds they are always acknowledged, even
// for a shop we do not know or have already erased (amendment 13); only what we hold is touched.
import { z } from "zod";
import type { Prisma } from "@/server/generated/prisma/client";
import { acknowledged, recordDelivery, textResponse, type SqlRunner, type VerifiedDelivery } from "@/server/shopify/webhooks/delivery";
import { ATTEMPT_PERSONAL_FIELDS, needlesFrom, personalValuesOf, redactJson, SHOPIFY_PERSONAL_FIELDS } from "@/server/shopify/webhooks/redact";

const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const customerRef = z.looseObject({ id: id.nullish(), email: z.string().nullish(), phone: z.string().nullish() });

const dataRequestSchema = z.looseObject({
  shop_domain: z.string().nullish(),
  orders_requested: z.array(id).nullish(),
  customer: customerRef.nullish(),
  data_request: z.looseObject({ id: id.nullish() }).nullish(),
});

const customerRedactSchema = z.looseObject({
  shop_domain: z.string().nullish(),
  orders_to_redact: z.array(id).nullish(),
  customer: customerRef.nullish(),
});

function parseBody<T>(schema: z.ZodType<T>, rawBody: string): T | null {
  try {
    const result = schema.safeParse(JSON.parse(rawBody));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

interface CustomerOrder {
  id: string;
  orderGid: string;
  orderName: string;
  status: string;
  payload: unknown;
}

const orderGidOf = (orderId: string) => `gid://shopify/Order/${orderId}`;

/** The customer's orders we hold: the listed ones, and any whose payload names the customer by id or email. */
async function customerOrders(db: SqlRunner, tenantId: string, orderIds: string[], customer: z.output<typeof customerRef> | null | undefined) {
  const customerId = customer?.id ?? null;
  const email = customer?.email?.trim().toLowerCase() || null;
  // FOR UPDATE: inside the redaction's transaction no worker rewrites a payload while it is being blanked.
  return db.$queryRaw<CustomerOrder[]>`
    SELECT "id", "orderGid", "orderName", "status"::text AS "status", "payload" FROM "OrderSync"
    WHERE "tenantId" = ${tenantId}
      AND ("orderGid" = ANY(${orderIds.map(orderGidOf)}::text[]) OR "payload"->'customer'->>'id' = ${customerId}::text
           OR lower("payload"->>'email') = ${email}::text)
    ORDER BY "createdAt"
    FOR UPDATE`;
}

export async function handleCustomersDataRequest(delivery: VerifiedDelivery): Promise<Response> {
  const { tenant, db } = delivery;
  const body = parseBody(dataRequestSchema, delivery.rawBody);
  if (!body) return textResponse(400, "The body is not a customers/data_request payload");
  if (!tenant) return acknowledged();

  const orders = await customerOrders(db, tenant.id, body.orders_requested ?? [], body.customer);
  await db.$transaction(async (tx) => {
    if (!(await recordDelivery(tx, delivery, "data-request-recorded"))) return;
    await tx.auditEvent.create({
      data: {
        tenantId: tenant.id,
        action: "compliance.customer_data_request",
        details: {
          shopDomain: delivery.shopDomain,
          dataRequestId: body.data_request?.id ?? null,
          customerId: body.customer?.id ?? null,
          ordersRequested: body.orders_requested ?? [],
          held: "For each order below: the order as Shopify sent it (name, email, phone, addresses, lines) and our sync attempts with vintrace.",
          orders: orders.map((o) => ({ orderName: o.orderName, orderGid: o.orderGid, status: o.status })),
        },
      },
    });
  });
  return acknowledged();
}

export async function handleCustomersRedact(delivery: VerifiedDelivery): Promise<Response> {
  const { tenant, db } = delivery;
  const body = parseBody(customerRedactSchema, delivery.rawBody);
  if (!body) return textResponse(400, "The body is not a customers/redact payload");
  if (!tenant) return acknowledged();

  const orderIds = body.orders_to_redact ?? [];
  await db.$transaction(
    async (tx) => {
      await recordDelivery(tx, delivery, "customer-redacted");
      const orders = await customerOrders(tx, tenant.id, orderIds, body.customer);
      const needles = needlesFrom([body.customer?.email ?? "", body.customer?.phone ?? "", ...orders.flatMap((o) => personalValuesOf(o.payload))]);

      for (const order of orders) {
        if (order.payload === null) continue;
        await tx.orderSync.update({ where: { id: order.id }, data: { payload: redactJson(order.payload, SHOPIFY_PERSONAL_FIELDS, needles) as Prisma.InputJsonValue } });
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

      await tx.auditEvent.create({
        data: {
          tenantId: tenant.id,
          action: "compliance.customer_redact",
          details: {
            shopDomain: delivery.shopDomain,
            customerId: body.customer?.id ?? null,
            ordersToRedact: orderIds,
            redacted: { orders: orders.map((o) => o.orderName), attempts: attempts.length, deliveries: deliveries.length },
          },
        },
      });
    },
    { timeout: 30_000 },
  );
  return acknowledged();
}

/**
 * Erases the shop: the tenant with everything that cascades from it (connection, settings, members, orders,
 * attempts, SKU map), its audit trail and its webhook deliveries. A single audit line without a tenant remains as
 * the record that the erasure was done. A shop that was installed again since (it is not UNINSTALLED) keeps its data.
 */
export async function handleShopRedact(delivery: VerifiedDelivery): Promise<Response> {
  const { tenant, db, shopDomain } = delivery;
  if (!tenant) return acknowledged();
  if (tenant.status !== "UNINSTALLED") {
    await db.auditEvent.create({
      data: { tenantId: tenant.id, action: "compliance.shop_redact_skipped", details: { shopDomain, reason: "The app is installed on this shop again" } },
    });
    return acknowledged();
  }
  await db.$transaction(async (tx) => {
    const orders = await tx.orderSync.count({ where: { tenantId: tenant.id } });
    const deliveries = await tx.webhookDelivery.deleteMany({ where: { shopDomain } });
    await tx.auditEvent.deleteMany({ where: { tenantId: tenant.id } });
    await tx.tenant.delete({ where: { id: tenant.id } });
    await tx.auditEvent.create({
      data: { action: "compliance.shop_redact", details: { shopDomain, erased: { orders, deliveries: deliveries.count } } },
    });
  });
  return acknowledged();
}
