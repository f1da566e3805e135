import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma, databaseFromEnv } from "@/server/db";
import { createShopify } from "@/server/shopify/api";
import { createTestTenant, uniqueShop, webhookRequest, type DeliveryInput } from "@/test/support/shopify";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { ORDER_SYNC_DUE_CHANNEL, REASONS } from "@/server/sync/queue";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";

const db = createPrisma();
const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl });
afterAll(() => db.$disconnect());

const NOW = new Date("2026-11-20T10:00:00.000Z");
const handle = (request: Request) => handleShopifyWebhook(request, { db, shopify, now: () => NOW });
const orderFor = (shop: string) => buildOrderPayload({ shop, lines: [{ sku: "21SHZ750", qty: 2, price: "32.00" }], createdAt: "2026-11-20T20:59:01+10:00" });
const delivery = (shop: string, payload: unknown, extra: Partial<DeliveryInput> = {}): DeliveryInput => ({ shop, topic: "orders/create", payload, ...extra });

describe("orders/create", () => {
  it("stores the order as a PENDING webhook sync, due now, with the payload as sent", async () => {
    const shop = uniqueShop("stored");
    const tenant = await createTestTenant(db, { shop });
    const order = orderFor(shop);
    const { request, signed } = webhookRequest(delivery(shop, order, { triggeredAt: "2026-11-20T10:59:01.512Z" }));
    expect((await handle(request)).status).toBe(200);

    const sync = await db.orderSync.findUniqueOrThrow({ where: { tenantId_orderGid: { tenantId: tenant.id, orderGid: order.admin_graphql_api_id } } });
    expect(sync).toMatchObject({
      orderName: order.name,
      orderCreatedAt: new Date("2026-11-20T10:59:01.000Z"),
      status: "PENDING",
      source: "WEBHOOK",
      statusReason: null,
      nextAttemptAt: NOW,
      attempts: 0,
    });
    expect(sync.payload).toEqual(JSON.parse(signed.body));

    const stored = await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop } });
    expect(stored).toMatchObject({
      topic: "orders/create",
      webhookId: signed.webhookId,
      eventId: signed.eventId,
      dedupKey: signed.eventId,
      triggeredAt: new Date("2026-11-20T10:59:01.512Z"),
      receivedAt: NOW,
      outcome: "queued",
    });
  });

  it("keys a delivery without an event id on its webhook id", async () => {
    const shop = uniqueShop("no-event-id");
    await createTestTenant(db, { shop });
    const { request, signed } = webhookRequest(delivery(shop, orderFor(shop)), { headers: { "X-Shopify-Event-Id": null } });
    expect((await handle(request)).status).toBe(200);
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop } })).toMatchObject({ eventId: null, dedupKey: `webhook:${signed.webhookId}` });
  });

  it("answers a repeated delivery with 200 and stores it once", async () => {
    const shop = uniqueShop("repeat");
    await createTestTenant(db, { shop });
    const input = delivery(shop, orderFor(shop), { webhookId: randomUUID(), eventId: randomUUID() });
    for (let i = 0; i < 3; i++) expect((await handle(webhookRequest(input).request)).status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(1);
    expect(await db.orderSync.count({ where: { tenant: { shopDomain: shop } } })).toBe(1);
  });

  it("turns 20 concurrent deliveries of one order (different webhook and event ids) into one OrderSync and twenty 200s", async () => {
    const shop = uniqueShop("concurrent");
    await createTestTenant(db, { shop });
    const order = orderFor(shop);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => handle(webhookRequest(delivery(shop, order)).request).then((r) => r.status)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await db.orderSync.count({ where: { tenant: { shopDomain: shop } } })).toBe(1);
    const outcomes = await db.webhookDelivery.groupBy({ by: ["outcome"], where: { shopDomain: shop }, _count: true });
    expect(Object.fromEntries(outcomes.map((o) => [o.outcome, o._count]))).toEqual({ queued: 1, "order-known": 19 });
  });

  it("turns 20 concurrent deliveries with the same event id (one per subscription) into one delivery and one OrderSync", async () => {
    const shop = uniqueShop("same-event");
    await createTestTenant(db, { shop });
    const order = orderFor(shop);
    const eventId = randomUUID();
    const statuses = await Promise.all(Array.from({ length: 20 }, () => handle(webhookRequest(delivery(shop, order, { eventId })).request).then((r) => r.status)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(1);
    expect(await db.orderSync.count({ where: { tenant: { shopDomain: shop } } })).toBe(1);
  });

  it("leaves an existing OrderSync untouched", async () => {
    const shop = uniqueShop("existing");
    const tenant = await createTestTenant(db, { shop });
    const order = orderFor(shop);
    await db.orderSync.create({
      data: { tenantId: tenant.id, orderGid: order.admin_graphql_api_id, orderName: order.name, source: "MANUAL", status: "SYNCED", payload: { kept: true } },
    });
    expect((await handle(webhookRequest(delivery(shop, order)).request)).status).toBe(200);
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: tenant.id } })).toMatchObject({ source: "MANUAL", status: "SYNCED", payload: { kept: true } });
  });

  it("stores a paused winery's orders HELD, with the reason", async () => {
    const shop = uniqueShop("paused");
    const tenant = await createTestTenant(db, { shop, status: "PAUSED" });
    expect((await handle(webhookRequest(delivery(shop, orderFor(shop))).request)).status).toBe(200);
    expect(await db.orderSync.findFirstOrThrow({ where: { tenantId: tenant.id } })).toMatchObject({ status: "HELD", statusReason: REASONS.paused });
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop } })).toMatchObject({ outcome: "held" });
  });

  it("keeps every digit of a 64-bit id in the stored payload", async () => {
    const shop = uniqueShop("bigint");
    const tenant = await createTestTenant(db, { shop });
    const order = orderFor(shop);
    const raw = JSON.stringify(order).replace(`"id":${order.id},`, `"id":98765432109876543,`);
    expect((await handle(webhookRequest(delivery(shop, raw)).request)).status).toBe(200);
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT "payload"->>'id' AS id FROM "OrderSync" WHERE "tenantId" = ${tenant.id}`;
    expect(rows[0].id).toBe("98765432109876543");
  });

  it.skipIf(databaseFromEnv().embedded)("wakes workers with pg_notify on order_sync_due once the order is committed", async () => {
    const shop = uniqueShop("notify");
    const tenant = await createTestTenant(db, { shop });
    const listener = new pg.Client({ connectionString: databaseFromEnv().url });
    await listener.connect();
    try {
      const received: string[] = [];
      listener.on("notification", (n) => {
        if (n.channel === ORDER_SYNC_DUE_CHANNEL && n.payload) received.push(n.payload);
      });
      await listener.query(`LISTEN ${ORDER_SYNC_DUE_CHANNEL}`);
      const order = orderFor(shop);
      expect((await handle(webhookRequest(delivery(shop, order)).request)).status).toBe(200);
      expect((await handle(webhookRequest(delivery(shop, order)).request)).status).toBe(200);
      await expect.poll(() => received.filter((p) => p === tenant.id).length).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received.filter((p) => p === tenant.id)).toHaveLength(1);
    } finally {
      await listener.end();
    }
  });
});
