import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { createShopify } from "@/server/shopify/api";
import { captureLogs } from "@/test/support/logs";
import { createTestTenant, uniqueShop, webhookRequest, type DeliveryInput } from "@/test/support/shopify";
import { handleShopifyWebhook, WEBHOOK_TOPICS } from "@/server/shopify/webhooks/handle";
import { MAX_WEBHOOK_BYTES } from "@/server/shopify/webhooks/verify";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";
import { WEBHOOK_PATH } from "@/simulators/shopify/webhook";

const db = createPrisma();
const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl });
afterAll(() => db.$disconnect());

const handle = (request: Request) => handleShopifyWebhook(request, { db, shopify });
// "&" and "<" are written \u0026 and \u003c by Shopify, so a re-serialised body differs from the signed one.
const orderFor = (shop: string) => buildOrderPayload({ shop, lines: [{ sku: "WRAP", qty: 1, price: "5.00", title: "Wrap & <ribbon>" }] });
const orderDelivery = (shop: string, extra: Partial<DeliveryInput> = {}): DeliveryInput => ({ shop, topic: "orders/create", payload: orderFor(shop), ...extra });

async function stored(shop: string) {
  const tenant = await db.tenant.findUnique({ where: { shopDomain: shop } });
  return {
    deliveries: await db.webhookDelivery.count({ where: { shopDomain: shop } }),
    orders: tenant ? await db.orderSync.count({ where: { tenantId: tenant.id } }) : 0,
    audits: tenant ? await db.auditEvent.count({ where: { tenantId: tenant.id } }) : 0,
  };
}
const NOTHING = { deliveries: 0, orders: 0, audits: 0 };

describe("webhook verification", () => {
  it("accepts a correctly signed orders/create and stores the delivery and the order", async () => {
    const shop = uniqueShop("valid");
    await createTestTenant(db, { shop });
    const { request } = webhookRequest(orderDelivery(shop));
    const response = await handle(request);
    expect(response.status).toBe(200);
    expect(await stored(shop)).toEqual({ deliveries: 1, orders: 1, audits: 0 });
  });

  it("refuses an invalid HMAC with 401 and stores nothing", async () => {
    const shop = uniqueShop("bad-hmac");
    await createTestTenant(db, { shop });
    const { request } = webhookRequest(orderDelivery(shop), { headers: { "X-Shopify-Hmac-Sha256": Buffer.alloc(32, 1).toString("base64") } });
    expect((await handle(request)).status).toBe(401);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("refuses a body that was parsed and re-serialised (the signature is over the raw bytes)", async () => {
    const shop = uniqueShop("reserialised");
    await createTestTenant(db, { shop });
    const delivery = orderDelivery(shop);
    const { signed } = webhookRequest(delivery);
    const reserialised = JSON.stringify(JSON.parse(signed.body));
    expect(reserialised).not.toBe(signed.body);
    const { request } = webhookRequest(delivery, { body: reserialised, headers: { "X-Shopify-Hmac-Sha256": signed.headers["X-Shopify-Hmac-Sha256"] } });
    expect((await handle(request)).status).toBe(401);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("refuses a delivery signed with another secret", async () => {
    const shop = uniqueShop("wrong-secret");
    await createTestTenant(db, { shop });
    const { request } = webhookRequest(orderDelivery(shop, { secret: "not-the-app-secret" }));
    expect((await handle(request)).status).toBe(401);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  for (const header of ["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"]) {
    it(`answers 400 without ${header} and stores nothing`, async () => {
      const shop = uniqueShop("missing-header");
      await createTestTenant(db, { shop });
      const { request } = webhookRequest(orderDelivery(shop), { headers: { [header]: null } });
      const response = await handle(request);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Missing/);
      expect(await stored(shop)).toEqual(NOTHING);
    });
  }

  it("answers 413 to a body over 1 MB, declared by Content-Length, without storing it", async () => {
    const shop = uniqueShop("oversize");
    await createTestTenant(db, { shop });
    const payload = { ...orderFor(shop), note: "x".repeat(MAX_WEBHOOK_BYTES) };
    const { request, signed } = webhookRequest(orderDelivery(shop, { payload }));
    expect(Buffer.byteLength(signed.body)).toBeGreaterThan(MAX_WEBHOOK_BYTES);
    const declared = new Request(request, { headers: { ...signed.headers, "Content-Length": String(Buffer.byteLength(signed.body)) } });
    expect((await handle(declared)).status).toBe(413);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("answers 413 to a body over 1 MB sent without a Content-Length (counted while read)", async () => {
    const shop = uniqueShop("oversize-stream");
    await createTestTenant(db, { shop });
    const payload = { ...orderFor(shop), note: "x".repeat(MAX_WEBHOOK_BYTES) };
    const { signed } = webhookRequest(orderDelivery(shop, { payload }));
    const bytes = new TextEncoder().encode(signed.body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const request = new Request(`${TEST_APP.appUrl}${WEBHOOK_PATH}`, { method: "POST", headers: signed.headers, body: stream, duplex: "half" } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();
    expect((await handle(request)).status).toBe(413);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("answers 404 to orders/create from an unknown shop and stores nothing", async () => {
    const shop = uniqueShop("unknown");
    const { request } = webhookRequest(orderDelivery(shop));
    expect((await handle(request)).status).toBe(404);
    expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("answers 404 to orders/create from an uninstalled shop and stores nothing", async () => {
    const shop = uniqueShop("uninstalled");
    await createTestTenant(db, { shop, status: "UNINSTALLED" });
    const { request } = webhookRequest(orderDelivery(shop));
    expect((await handle(request)).status).toBe(404);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("answers 401, not 404, to a forged delivery for an unknown shop: nothing tells a forger which shops exist", async () => {
    const shop = uniqueShop("unknown-forged");
    const { request } = webhookRequest(orderDelivery(shop, { secret: "forged" }));
    expect((await handle(request)).status).toBe(401);
  });

  it("answers 400 to a signed body that is not JSON, or not an order, and stores nothing", async () => {
    const shop = uniqueShop("malformed");
    await createTestTenant(db, { shop });
    expect((await handle(webhookRequest(orderDelivery(shop, { payload: "{not json" })).request)).status).toBe(400);
    const response = await handle(webhookRequest(orderDelivery(shop, { payload: { id: 1, name: "#1" } })).request);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/line_items/);
    expect(await stored(shop)).toEqual(NOTHING);
  });

  it("acknowledges a signed topic it does not handle, without storing it", async () => {
    const shop = uniqueShop("other-topic");
    await createTestTenant(db, { shop });
    const { request } = webhookRequest({ shop, topic: "products/update", payload: { id: 1 } });
    expect((await handle(request)).status).toBe(200);
    expect(await stored(shop)).toEqual(NOTHING);
  });
});

describe("a shop connected with a manual token (it signs with its own secret)", () => {
  it("verifies against the shop's own secret, and the app secret no longer passes for it", async () => {
    const shop = uniqueShop("manual");
    await createTestTenant(db, { shop, webhookSecret: "the-shops-own-secret" });
    const own = await handle(webhookRequest(orderDelivery(shop, { secret: "the-shops-own-secret" })).request);
    expect(own.status).toBe(200);
    const app = await handle(webhookRequest(orderDelivery(shop)).request);
    expect(app.status).toBe(401);
    expect(await stored(shop)).toMatchObject({ deliveries: 1, orders: 1 });
  });

  it("applies the same header rules to the shop's own secret", async () => {
    const shop = uniqueShop("manual-headers");
    await createTestTenant(db, { shop, webhookSecret: "own" });
    for (const header of ["X-Shopify-Hmac-Sha256", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"]) {
      expect((await handle(webhookRequest(orderDelivery(shop, { secret: "own" }), { headers: { [header]: null } }).request)).status).toBe(400);
    }
    expect(await stored(shop)).toEqual(NOTHING);
  });
});

describe("a manual-token shop whose own secret cannot be decrypted", () => {
  it("refuses its deliveries with 401 and a plain reason, stores nothing, and audits it once without the secret", async () => {
    const [donor, shop] = [uniqueShop("secret-donor"), uniqueShop("secret-copied")];
    const donorTenant = await createTestTenant(db, { shop: donor, webhookSecret: "the-donors-own-secret" });
    const tenant = await createTestTenant(db, { shop, webhookSecret: "the-shops-own-secret" });
    // A ciphertext copied from another winery's row: the AES-GCM binding to its winery refuses to decrypt it here.
    const { webhookSecretEnc } = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: donorTenant.id } });
    await db.shopifyConnection.update({ where: { tenantId: tenant.id }, data: { webhookSecretEnc } });

    const logs = captureLogs("error");
    try {
      for (const secret of ["the-shops-own-secret", "the-donors-own-secret", TEST_APP.apiSecret]) {
        const answer = await handle(webhookRequest(orderDelivery(shop, { secret })).request);
        expect(answer.status).toBe(401);
        expect(await answer.text()).toMatch(/webhook secret cannot be read/);
      }
      const uninstall = await handle(webhookRequest({ shop, topic: "app/uninstalled", payload: { id: 1, myshopify_domain: shop } }).request);
      expect(uninstall.status).toBe(401);
    } finally {
      logs.restore();
    }
    const errors = logs.raw().split("\n");
    expect(await db.webhookDelivery.count({ where: { shopDomain: shop } })).toBe(0);
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(0);
    const audits = await db.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: "webhook.secret_unreadable", details: { shopDomain: shop, topic: "orders/create" } });
    expect(errors).toHaveLength(4);
    for (const text of [JSON.stringify(audits), ...errors]) expect(text).not.toMatch(/own-secret/);
  });
});

describe("shopify.app.toml", () => {
  it("declares, app-wide at our endpoint, exactly the topics the endpoint handles", () => {
    const toml = readFileSync("shopify.app.toml", "utf8");
    const declared = [...toml.matchAll(/^\s*(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/gm)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((t) => t[1]));
    expect(declared.sort()).toEqual([...WEBHOOK_TOPICS].sort());
    expect([...toml.matchAll(/^\s*uri\s*=\s*"([^"]+)"/gm)].map((m) => m[1])).toEqual(["/api/webhooks/shopify", "/api/webhooks/shopify"]);
    expect(toml).toMatch(/^api_version = "2026-10"$/m);
  });
});
