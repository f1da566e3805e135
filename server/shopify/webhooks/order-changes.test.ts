// The after-sale intake: each topic stored once per event id, an unchanged orders/updated dropped, and deliveries that
// are not Shopify's for this shop store nothing.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { Prisma } from "@/server/generated/prisma/client";
import { contentWithHash } from "@/server/order-changes/content";
import { createShopify } from "@/server/shopify/api";
import { cancelledOrder, deliverChange, orderEditBody, refundBody, updatedOrder, withQuantities } from "@/test/support/order-changes";
import { createTestTenant, uniqueShop, webhookRequest } from "@/test/support/shopify";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { buildOrderPayload, type SimOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";

const db = createPrisma();
const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl });
afterAll(() => db.$disconnect());

const deps = { db, shopify };
const orderFor = (shop: string) => buildOrderPayload({ shop, lines: [{ sku: "TEST-SHZ", qty: 2, price: "32.00" }], createdAt: "2026-11-20T10:00:00Z" });
const LATER = "2026-11-21T09:00:00Z";

/** What each topic's body is for an order. */
const bodies: Record<string, (order: SimOrderPayload) => unknown> = {
  "orders/cancelled": (order) => cancelledOrder(order, LATER),
  "orders/updated": (order) => updatedOrder(order, LATER, { line_items: withQuantities(order, { "TEST-SHZ": 1 }) }),
  "orders/edited": (order) => orderEditBody(order, LATER),
  "refunds/create": (order) => refundBody(order, { createdAt: LATER, lines: [{ sku: "TEST-SHZ", quantity: 1 }] }),
};

async function stored(shop: string) {
  const tenant = await db.tenant.findUnique({ where: { shopDomain: shop } });
  return {
    deliveries: await db.webhookDelivery.count({ where: { shopDomain: shop } }),
    events: tenant ? await db.orderEvent.count({ where: { tenantId: tenant.id } }) : 0,
  };
}

/** A record of the order as orders/create would have left it, with the content it was stored with. */
async function recordOf(tenantId: string, order: SimOrderPayload) {
  const { content, contentHash } = contentWithHash(order);
  const json = (value: unknown) => value as Prisma.InputJsonValue;
  return db.orderSync.create({
    data: { tenantId, orderGid: order.admin_graphql_api_id, orderName: order.name, source: "WEBHOOK", status: "SYNCED", payload: json(order), content: json(content), contentHash },
  });
}

describe("the after-sale topics' intake", () => {
  for (const topic of Object.keys(bodies)) {
    it(`${topic}: stores one event for the order however often the same event is delivered, with Shopify's time`, async () => {
      const shop = uniqueShop("intake");
      const tenant = await createTestTenant(db, { shop });
      const order = orderFor(shop);
      const eventId = randomUUID();
      const statuses = await Promise.all(Array.from({ length: 5 }, () => deliverChange(deps, shop, topic, bodies[topic](order), { eventId })));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const events = await db.orderEvent.findMany({ where: { tenantId: tenant.id } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ orderGid: order.admin_graphql_api_id, topic, occurredAt: new Date(LATER), processedAt: null, attempts: 0 });
      expect(await db.webhookDelivery.findMany({ where: { shopDomain: shop } })).toMatchObject([{ topic, eventId, outcome: "event-stored" }]);
    });
  }

  it("drops an orders/updated that changes nothing vintrace was sent (our own tag write), keeping only its delivery row", async () => {
    const shop = uniqueShop("tag-write");
    const tenant = await createTestTenant(db, { shop });
    const order = orderFor(shop);
    await recordOf(tenant.id, order);
    const tagged = updatedOrder(order, LATER, { tags: "vintrace-order-created" });
    expect(await deliverChange(deps, shop, "orders/updated", tagged)).toBe(200);
    expect(await stored(shop)).toEqual({ deliveries: 1, events: 0 });
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop } })).toMatchObject({ outcome: "unchanged" });

    // A real change to the same order is stored.
    expect(await deliverChange(deps, shop, "orders/updated", updatedOrder(order, LATER, { line_items: withQuantities(order, { "TEST-SHZ": 1 }) }))).toBe(200);
    expect(await stored(shop)).toEqual({ deliveries: 2, events: 1 });
  });

  it("keeps an unchanged orders/updated while the order has an open Edited entry, which it may clear", async () => {
    const shop = uniqueShop("revert");
    const tenant = await createTestTenant(db, { shop });
    const order = orderFor(shop);
    const record = await recordOf(tenant.id, order);
    await db.orderChange.create({ data: { tenantId: tenant.id, orderSyncId: record.id, kind: "EDITED", details: { kind: "EDITED", lines: [], other: [] } } });
    expect(await deliverChange(deps, shop, "orders/updated", updatedOrder(order, LATER))).toBe(200);
    expect(await stored(shop)).toEqual({ deliveries: 1, events: 1 });
  });

  it("answers 400 to a signed body that is not the topic's payload, and stores nothing", async () => {
    const shop = uniqueShop("not-payload");
    await createTestTenant(db, { shop });
    for (const topic of Object.keys(bodies)) {
      expect(await deliverChange(deps, shop, topic, { id: 1 })).toBe(400);
      expect(await deliverChange(deps, shop, topic, "{not json")).toBe(400);
    }
    expect(await stored(shop)).toEqual({ deliveries: 0, events: 0 });
  });

  it("stores nothing from a forged, unsigned or headerless delivery, nor for an unknown or uninstalled shop", async () => {
    const shop = uniqueShop("forged");
    await createTestTenant(db, { shop });
    const gone = uniqueShop("gone");
    await createTestTenant(db, { shop: gone, uninstalledAt: new Date("2026-11-01T00:00:00Z") });
    const unknown = uniqueShop("unknown");
    for (const [topic, body] of Object.entries(bodies)) {
      const payload = body(orderFor(shop));
      expect(await deliverChange(deps, shop, topic, payload, { secret: "not-the-app-secret" })).toBe(401);
      const unsigned = webhookRequest({ shop, topic, payload }, { headers: { "X-Shopify-Hmac-Sha256": null } }).request;
      expect((await handleShopifyWebhook(unsigned, deps)).status).toBe(400);
      const headerless = webhookRequest({ shop, topic, payload }, { headers: { "X-Shopify-Shop-Domain": null } }).request;
      expect((await handleShopifyWebhook(headerless, deps)).status).toBe(400);
      expect(await deliverChange(deps, gone, topic, payload)).toBe(404);
      expect(await deliverChange(deps, unknown, topic, payload)).toBe(404);
      expect(await deliverChange(deps, unknown, topic, payload, { secret: "forged" })).toBe(401);
    }
    for (const domain of [shop, gone, unknown]) expect(await stored(domain)).toEqual({ deliveries: 0, events: 0 });
  });

  it("a shop with its own secret: its signature stores, the app's and another shop's secret do not", async () => {
    const [shop, other] = [uniqueShop("own-secret"), uniqueShop("other-own-secret")];
    await createTestTenant(db, { shop, webhookSecret: "the-shops-own-secret" });
    await createTestTenant(db, { shop: other, webhookSecret: "the-other-shops-secret" });
    for (const [topic, body] of Object.entries(bodies)) {
      const payload = body(orderFor(shop));
      expect(await deliverChange(deps, shop, topic, payload)).toBe(401);
      expect(await deliverChange(deps, shop, topic, payload, { secret: "the-other-shops-secret" })).toBe(401);
      expect(await deliverChange(deps, shop, topic, payload, { secret: "the-shops-own-secret" })).toBe(200);
    }
    expect(await stored(shop)).toEqual({ deliveries: 4, events: 4 });
    expect(await stored(other)).toEqual({ deliveries: 0, events: 0 });
  });
});
