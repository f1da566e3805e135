import { describe, expect, it } from "vitest";
import type { Prisma } from "@/server/generated/prisma/client";
import { createPrisma } from "@/server/db";
import { createTestTenant, startSimulatedShopifyForFile, uniqueShop, webhookRequest } from "@/test/support/shopify";
import { contentWithHash } from "@/server/order-changes/content";
import { customerDataExport } from "@/server/shopify/webhooks/compliance";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { buildOrderPayload, type SimOrderPayload } from "@/simulators/shopify/order-payload";

const db = createPrisma();
// app/uninstalled and shop/redact ask Shopify whether the app is still installed.
const s = await startSimulatedShopifyForFile(db);

const handle = (request: Request) => handleShopifyWebhook(request, { db, shopify: s.shopify });
const DAYS_AGO = (days: number) => new Date(Date.now() - days * 24 * 3_600_000);
const send = (shop: string, topic: string, payload: unknown, tamper?: Parameters<typeof webhookRequest>[1]) =>
  handle(webhookRequest({ shop, topic, payload }, tamper).request);

const JANE = { id: 7301122334455, email: "jane@example.com", phone: "+61400111222" };
const BOB = { id: 7301122339999, email: "bob@example.org", phone: "+61400999888" };

function orderOf(shop: string, person: typeof JANE, first: string, last: string): SimOrderPayload {
  const order = buildOrderPayload({ shop, lines: [{ sku: "21SHZ750", qty: 1, price: "32.00", title: "Shiraz 2021" }] });
  const address = { ...order.shipping_address!, first_name: first, last_name: last, name: `${first} ${last}`, phone: person.phone, address1: "12 Vineyard Road" };
  return {
    ...order,
    email: person.email,
    phone: person.phone,
    customer: { id: person.id, admin_graphql_api_id: `gid://shopify/Customer/${person.id}`, email: person.email, first_name: first, last_name: last, phone: person.phone },
    shipping_address: address,
    billing_address: address,
  };
}

async function seedOrder(tenantId: string, order: SimOrderPayload) {
  const { content, contentHash } = contentWithHash(order);
  const sync = await db.orderSync.create({
    data: {
      tenantId,
      orderGid: order.admin_graphql_api_id,
      orderName: order.name,
      source: "WEBHOOK",
      payload: order as unknown as Prisma.InputJsonValue,
      content: content as unknown as Prisma.InputJsonValue,
      contentHash,
    },
  });
  const address = order.shipping_address!;
  await db.syncAttempt.create({
    data: {
      orderSyncId: sync.id,
      tenantId,
      step: "CREATE",
      outcome: "OK",
      durationMs: 12,
      trigger: "worker",
      request: {
        customerName: "Cellar Door Sales",
        reference: order.name,
        description: `Shopify ${order.name} for ${address.name} <${order.email}>`,
        sendTo: { name: address.name, primeName: address.name, email: order.email, phone: address.phone, address: { street1: address.address1 } },
        salesOrderItems: [{ itemName: "21SHZ750", quantity: 1, unitPrice: 32 }],
      },
      response: { id: 501, customer: { id: 9, name: "Cellar Door Sales" }, sendTo: { primeName: address.name } },
    },
  });
  return sync;
}

const asText = (value: unknown) => JSON.stringify(value);

describe("customers/data_request", () => {
  it("records for support which of the customer's orders we hold, once per delivery", async () => {
    const shop = uniqueShop("data-request");
    const tenant = await createTestTenant(db, { shop });
    const listed = orderOf(shop, JANE, "Jane", "Citizen");
    const sameCustomer = orderOf(shop, JANE, "Jane", "Citizen");
    const other = orderOf(shop, BOB, "Bob", "Smith");
    for (const order of [listed, sameCustomer, other]) await seedOrder(tenant.id, order);
    for (const order of [listed, other]) {
      await db.orderEvent.create({ data: { tenantId: tenant.id, orderGid: order.admin_graphql_api_id, topic: "orders/cancelled", payload: order as unknown as Prisma.InputJsonValue } });
    }

    const payload = { shop_id: 1, shop_domain: shop, orders_requested: [listed.id], customer: JANE, data_request: { id: 9999 } };
    const request = webhookRequest({ shop, topic: "customers/data_request", payload, webhookId: "dr-1", eventId: "dr-event-1" });
    expect((await handle(request.request)).status).toBe(200);
    expect((await handle(webhookRequest({ shop, topic: "customers/data_request", payload, webhookId: "dr-1", eventId: "dr-event-1" }).request)).status).toBe(200);

    const audits = await db.auditEvent.findMany({ where: { tenantId: tenant.id, action: "compliance.customer_data_request" } });
    expect(audits).toHaveLength(1);
    const details = audits[0].details as { orders: { orderName: string }[]; dataRequestId: string; customerId: string };
    expect(details.orders.map((o) => o.orderName).sort()).toEqual([listed.name, sameCustomer.name].sort());
    expect(details).toMatchObject({
      dataRequestId: "9999",
      customerId: String(JANE.id),
      command: `npm run cli -- compliance:export --shop ${shop} --customer ${JANE.id} --out customer-${JANE.id}.json`,
    });

    // What the command writes: her orders with their attempts and this very request, nothing of Bob's.
    const exported = await customerDataExport(db, tenant, String(JANE.id));
    expect(exported.orders.map((o) => o.orderGid).sort()).toEqual([listed.admin_graphql_api_id, sameCustomer.admin_graphql_api_id].sort());
    expect(exported.orders.every((o) => o.attempts.length === 1)).toBe(true);
    expect(exported.auditEvents.map((e) => e.id)).toEqual([audits[0].id]);
    expect(exported.orderEvents.map((e) => e.orderGid)).toEqual([listed.admin_graphql_api_id]);
    const text = asText(exported);
    expect(text).toContain(JANE.email);
    for (const bobs of [BOB.email, BOB.phone, String(BOB.id), "Bob Smith", other.admin_graphql_api_id]) expect(text).not.toContain(bobs);
  });
});

describe("customers/redact", () => {
  it("blanks the customer's personal data in order payloads and content, attempts, stored deliveries and after-sale events, and nothing else", async () => {
    const shop = uniqueShop("redact");
    const tenant = await createTestTenant(db, { shop });
    const listed = orderOf(shop, JANE, "Jane", "Citizen");
    const sameCustomer = orderOf(shop, JANE, "Jane", "Citizen");
    const other = orderOf(shop, BOB, "Bob", "Smith");
    const syncs = [];
    for (const order of [listed, sameCustomer, other]) syncs.push(await seedOrder(tenant.id, order));
    await db.webhookDelivery.create({
      data: { shopDomain: shop, topic: "orders/create", webhookId: "w-1", dedupKey: "w-1", outcome: "queued", payload: listed as unknown as Prisma.InputJsonValue },
    });
    const eventOf = (order: SimOrderPayload) => ({ tenantId: tenant.id, orderGid: order.admin_graphql_api_id, topic: "orders/updated", payload: order as unknown as Prisma.InputJsonValue });
    const [listedEvent, otherEvent] = [await db.orderEvent.create({ data: eventOf(listed) }), await db.orderEvent.create({ data: eventOf(other) })];

    const payload = { shop_id: 1, shop_domain: shop, customer: JANE, orders_to_redact: [listed.id] };
    expect((await send(shop, "customers/redact", payload)).status).toBe(200);

    for (const sync of syncs.slice(0, 2)) {
      const after = await db.orderSync.findUniqueOrThrow({ where: { id: sync.id }, include: { attempts_: true } });
      const order = after.payload as Record<string, unknown>;
      expect(order).toMatchObject({ email: null, phone: null, customer: null, shipping_address: null, billing_address: null });
      expect(order.line_items).toEqual((sync.payload as Record<string, unknown>).line_items);
      expect(order.total_price).toBe((sync.payload as Record<string, unknown>).total_price);
      const attempt = after.attempts_[0];
      expect(attempt.request).toMatchObject({ customerName: "Cellar Door Sales", sendTo: null, description: expect.stringContaining("[redacted]") });
      expect(attempt.response).toMatchObject({ customer: { name: "Cellar Door Sales" }, sendTo: null });
      expect(after.content).toMatchObject({ customer: null, address: null, lines: [{ sku: "21SHZ750", quantity: 1 }] });
      for (const text of [asText(after.payload), asText(after.content), asText(attempt.request), asText(attempt.response)]) {
        for (const secret of [JANE.email, JANE.phone, "Jane Citizen", "12 Vineyard Road", String(JANE.id)]) expect(text).not.toContain(secret);
      }
    }
    const untouched = await db.orderSync.findUniqueOrThrow({ where: { id: syncs[2].id }, include: { attempts_: true } });
    expect(untouched.payload).toEqual(syncs[2].payload);
    expect(asText(untouched.attempts_[0].request)).toContain(BOB.email);

    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop, webhookId: "w-1" } });
    expect(asText(delivery.payload)).not.toContain(JANE.email);
    const event = await db.orderEvent.findUniqueOrThrow({ where: { id: listedEvent.id } });
    for (const secret of [JANE.email, JANE.phone, "Jane Citizen", "12 Vineyard Road"]) expect(asText(event.payload)).not.toContain(secret);
    expect(event.payload).toMatchObject({ line_items: listed.line_items });
    expect((await db.orderEvent.findUniqueOrThrow({ where: { id: otherEvent.id } })).payload).toEqual(otherEvent.payload);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "compliance.customer_redact" } })).toBe(1);
  });
});

describe("shop/redact", () => {
  it("erases a shop uninstalled over 48 hours ago: the tenant, its orders and attempts, its deliveries and audit trail", async () => {
    const shop = uniqueShop("shop-redact");
    const tenant = await createTestTenant(db, { shop, uninstalledAt: DAYS_AGO(3) });
    await seedOrder(tenant.id, orderOf(shop, JANE, "Jane", "Citizen"));
    await db.webhookDelivery.create({ data: { shopDomain: shop, topic: "orders/create", webhookId: "w", dedupKey: "w", outcome: "queued" } });
    await db.auditEvent.create({ data: { tenantId: tenant.id, action: "shopify.uninstalled" } });

    expect((await send(shop, "shop/redact", { shop_id: 1, shop_domain: shop })).status).toBe(200);
    expect(await db.tenant.count({ where: { id: tenant.id } })).toBe(0);
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.syncAttempt.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.shopifyConnection.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id } })).toBe(0);
    const record = await db.auditEvent.findFirstOrThrow({ where: { action: "compliance.shop_redact", details: { path: ["shopDomain"], equals: shop } } });
    expect(record.tenantId).toBeNull();

    // Shopify may send it again: the shop is unknown by now, and that is still a 200.
    expect((await send(shop, "shop/redact", { shop_id: 1, shop_domain: shop })).status).toBe(200);
  });

  it("keeps the data of a shop that installed the app again", async () => {
    const shop = uniqueShop("shop-redact-active");
    const tenant = await createTestTenant(db, { shop });
    await seedOrder(tenant.id, orderOf(shop, JANE, "Jane", "Citizen"));
    expect((await send(shop, "shop/redact", { shop_id: 1, shop_domain: shop })).status).toBe(200);
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "compliance.shop_redact_skipped" } })).toBe(1);
  });
});

describe("app/uninstalled and compliance topics for any shop", () => {
  const bodies: Record<string, (shop: string) => unknown> = {
    "app/uninstalled": (shop) => ({ id: 1, name: "Shop", domain: shop, myshopify_domain: shop }),
    "customers/data_request": (shop) => ({ shop_id: 1, shop_domain: shop, orders_requested: [], customer: JANE, data_request: { id: 1 } }),
    "customers/redact": (shop) => ({ shop_id: 1, shop_domain: shop, customer: JANE, orders_to_redact: [] }),
    "shop/redact": (shop) => ({ shop_id: 1, shop_domain: shop }),
  };

  for (const [topic, body] of Object.entries(bodies)) {
    it(`${topic}: 200 for an unknown shop, storing nothing; 401 with a bad signature`, async () => {
      const shop = uniqueShop("unknown-lifecycle");
      expect((await send(shop, topic, body(shop))).status).toBe(200);
      expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(0);
      const forged = webhookRequest({ shop, topic, payload: body(shop), secret: "forged" });
      expect((await handle(forged.request)).status).toBe(401);
    });

    it(`${topic}: reads the shop from the body when the shop-domain and version headers are missing`, async () => {
      const shop = uniqueShop("headerless");
      const tenant = await createTestTenant(db, { shop, accessToken: s.sim.issueToken(shop), uninstalledAt: topic === "shop/redact" ? DAYS_AGO(3) : undefined });
      s.sim.revokeTokens(shop);
      const response = await send(shop, topic, body(shop), { headers: { "X-Shopify-Shop-Domain": null, "X-Shopify-API-Version": null } });
      expect(response.status).toBe(200);
      const effect =
        topic === "shop/redact"
          ? await db.tenant.count({ where: { id: tenant.id } })
          : await db.webhookDelivery.count({ where: { shopDomain: shop, topic } });
      expect(effect).toBe(topic === "shop/redact" ? 0 : 1);
    });
  }

  it("app/uninstalled revokes the tokens and marks the tenant uninstalled, keeping its orders; a repeat changes nothing", async () => {
    const shop = uniqueShop("uninstall");
    const tenant = await createTestTenant(db, { shop, accessToken: s.sim.issueToken(shop) });
    s.sim.revokeTokens(shop);
    await seedOrder(tenant.id, orderOf(shop, JANE, "Jane", "Citizen"));
    for (let i = 0; i < 2; i++) expect((await send(shop, "app/uninstalled", bodies["app/uninstalled"](shop))).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "UNINSTALLED" });
    const connection = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(connection).toMatchObject({ accessTokenEnc: null, refreshTokenEnc: null, accessTokenExpiresAt: null });
    expect(connection.revokedAt).toBeInstanceOf(Date);
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "shopify.uninstalled" } })).toBe(1);
  });
});
