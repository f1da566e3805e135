import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopify } from "@/server/shopify/api";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";
import { deliverWebhook, signedWebhookRequest } from "@/simulators/shopify/webhook";

const SHOP = "hilltop-estate.myshopify.com";
const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl });
const payload = buildOrderPayload({ shop: SHOP, lines: [{ sku: "21SHZ750", qty: 1 }, { sku: "GIFT", qty: 1, price: "5.00", title: "Wrap & <ribbon>" }] });

const validate = (body: string, headers: Record<string, string>) =>
  shopify.webhooks.validate({ rawBody: body, rawRequest: new Request(`${TEST_APP.appUrl}/api/webhooks/shopify`, { method: "POST", headers, body }) });

describe("the webhook signer", () => {
  it("produces a delivery that shopify.webhooks.validate accepts, with every header v15 requires", async () => {
    const request = signedWebhookRequest({ shop: SHOP, topic: "orders/create", payload, secret: TEST_APP.apiSecret, eventId: "evt-1" });
    const result = await validate(request.body, request.headers);
    expect(result).toMatchObject({
      valid: true,
      topic: "ORDERS_CREATE",
      domain: SHOP,
      apiVersion: "2026-10",
      webhookId: request.webhookId,
      eventId: "evt-1",
    });
    expect(JSON.parse(request.body)).toEqual(payload);
  });

  it("signs the raw body: the same JSON re-serialised fails with invalid_hmac", async () => {
    const request = signedWebhookRequest({ shop: SHOP, topic: "orders/create", payload, secret: TEST_APP.apiSecret });
    expect(request.body).toContain("\\u0026"); // as Shopify's Rails serialiser writes "&"
    const reserialised = JSON.stringify(JSON.parse(request.body));
    expect(await validate(reserialised, request.headers)).toEqual({ valid: false, reason: "invalid_hmac" });
  });

  it("fails validation under another secret (a custom-app shop's own signing key)", async () => {
    const request = signedWebhookRequest({ shop: SHOP, topic: "orders/create", payload, secret: "the-shops-own-secret" });
    expect(await validate(request.body, request.headers)).toEqual({ valid: false, reason: "invalid_hmac" });
  });
});

describe("deliverWebhook", () => {
  const received: { path: string; headers: Record<string, string>; body: string }[] = [];
  let appUrl: string;
  const app = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200).end();
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it("POSTs the signed raw body to /api/webhooks/shopify", async () => {
    const result = await deliverWebhook({ appUrl, shop: SHOP, topic: "orders/create", payload, secret: TEST_APP.apiSecret });
    expect(result.status).toBe(200);
    const delivery = received.at(-1);
    expect(delivery?.path).toBe("/api/webhooks/shopify");
    expect(delivery?.headers["x-shopify-webhook-id"]).toBe(result.webhookId);
    expect(delivery?.headers["content-type"]).toBe("application/json");
    expect(await validate(delivery?.body ?? "", delivery?.headers ?? {})).toMatchObject({ valid: true, eventId: result.eventId });
  });

  it("reports an unreachable app as status 0 instead of throwing", async () => {
    const result = await deliverWebhook({ appUrl: "http://127.0.0.1:1", shop: SHOP, topic: "orders/create", payload, secret: "s" });
    expect(result.status).toBe(0);
    expect(result.error).toBeTruthy();
  });
});
