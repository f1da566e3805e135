import { describe, expect, it } from "vitest";
import { createShopify } from "@/server/shopify/api";
import { webhookRequest } from "@/test/support/shopify";
import { deliveryHeaders, verifyDelivery } from "@/server/shopify/webhooks/verify";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";

// verifyDelivery re-implements shopify.webhooks.validate with node:crypto (see its comment). The library stays the
// oracle: every case below must get the same verdict from both.
const shopify = createShopify({ apiKey: TEST_APP.apiKey, apiSecretKey: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl });
const SHOP = "parity.myshopify.com";
const payload = buildOrderPayload({ shop: SHOP, lines: [{ sku: "GIFT", qty: 1, price: "5.00", title: "Wrap & <ribbon>" }] });

type Verdict = "ok" | 400 | 401;

async function libraryVerdict(request: Request, rawBody: string, lenient: boolean): Promise<Verdict> {
  const result = await shopify.webhooks.validate({ rawBody, rawRequest: request });
  if (result.valid) return "ok";
  if (result.reason === "invalid_hmac") return 401;
  if (result.reason === "missing_headers" && lenient) {
    const missing = "missingHeaders" in result ? result.missingHeaders : [];
    if (missing.every((h) => ["x-shopify-shop-domain", "x-shopify-api-version"].includes(h.toLowerCase()))) return "ok";
  }
  return 400;
}

function ourVerdict(request: Request, rawBody: string, lenient: boolean): Verdict {
  const result = verifyDelivery({ rawBody, headers: deliveryHeaders(request.headers), secret: TEST_APP.apiSecret, lenient });
  return result.ok ? "ok" : result.status;
}

const signed = webhookRequest({ shop: SHOP, topic: "orders/create", payload }).signed;
const cases: { name: string; build: () => { request: Request; body: string }; expected: Verdict }[] = [
  { name: "a valid delivery", build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload }).request, body: signed.body }), expected: "ok" },
  {
    name: "a forged signature",
    build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload, secret: "forged" }).request, body: signed.body }),
    expected: 401,
  },
  {
    name: "a re-serialised body",
    build: () => {
      const body = JSON.stringify(JSON.parse(signed.body));
      return { request: webhookRequest({ shop: SHOP, topic: "orders/create", payload: body }, { headers: { "X-Shopify-Hmac-Sha256": signed.headers["X-Shopify-Hmac-Sha256"] } }).request, body };
    },
    expected: 401,
  },
  { name: "an empty body", build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload: "" }).request, body: "" }), expected: 400 },
  {
    name: "a signature that is not base64",
    build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload }, { headers: { "X-Shopify-Hmac-Sha256": "not base64!" } }).request, body: signed.body }),
    expected: 401,
  },
  {
    name: "no event id (optional)",
    build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload }, { headers: { "X-Shopify-Event-Id": null } }).request, body: signed.body }),
    expected: "ok",
  },
  ...["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"].map((header) => ({
    name: `no ${header}`,
    build: () => ({ request: webhookRequest({ shop: SHOP, topic: "orders/create", payload }, { headers: { [header]: null } }).request, body: signed.body }),
    expected: 400 as Verdict,
  })),
  {
    name: "no signature and no shop domain: the missing signature decides",
    build: () => ({
      request: webhookRequest({ shop: SHOP, topic: "orders/create", payload }, { headers: { "X-Shopify-Hmac-Sha256": null, "X-Shopify-Shop-Domain": null } }).request,
      body: signed.body,
    }),
    expected: 400,
  },
  {
    name: "a forged signature and a missing header: the signature decides",
    build: () => ({
      request: webhookRequest({ shop: SHOP, topic: "orders/create", payload, secret: "forged" }, { headers: { "X-Shopify-Webhook-Id": null } }).request,
      body: signed.body,
    }),
    expected: 401,
  },
];

describe("verifyDelivery gives the verdict of shopify.webhooks.validate", () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const { request, body } = testCase.build();
      const library = await libraryVerdict(request, body, false);
      expect(library).toBe(testCase.expected);
      expect(ourVerdict(request, body, false)).toBe(library);
    });
  }

  for (const header of ["X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"]) {
    it(`for compliance topics, accepts a missing ${header} once the signature holds (Shopify has sent compliance deliveries without it), but never a missing webhook id`, async () => {
      const body = JSON.stringify({ shop_domain: SHOP, shop_id: 1 });
      const { request } = webhookRequest({ shop: SHOP, topic: "shop/redact", payload: body }, { headers: { [header]: null } });
      expect(ourVerdict(request, body, true)).toBe(await libraryVerdict(request, body, true));
      expect(ourVerdict(request, body, true)).toBe(header === "X-Shopify-Webhook-Id" ? 400 : "ok");
    });
  }
});
