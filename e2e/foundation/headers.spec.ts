import { expect, signIn, stackInfo, test } from "@/e2e/fixtures";

// Every kind of response the app sends carries the security headers, and the pages still work under the policy.

const REQUIRED = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};
const POLICY_DIRECTIVES = ["frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"];

test("a page, an API route, a static asset and a not-found page each carry the security headers", async ({ request }) => {
  const { appUrl } = stackInfo();
  const page = await request.get(`${appUrl}/login`);
  const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await page.text())?.[1];
  expect(script, "the sign-in page loads a script from /_next/static").toBeTruthy();
  const responses = {
    page,
    api: await request.get(`${appUrl}/api/health`),
    static: await request.get(`${appUrl}${script}`),
    notFound: await request.get(`${appUrl}/no-such-page`),
    apiRefusal: await request.post(`${appUrl}/api/password/reset`, { data: "not json", headers: { "content-type": "text/plain" } }),
    // The webhook route skips the proxy and sets the headers itself, for every answer and method.
    webhookRefusal: await request.post(`${appUrl}/api/webhooks/shopify`, { data: "{}", headers: { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": "bm90IGEgc2lnbmF0dXJl", "x-shopify-shop-domain": "nobody.myshopify.com" } }),
    webhookWrongMethod: await request.get(`${appUrl}/api/webhooks/shopify`),
    // Paths beside it still go through the proxy.
    besideWebhook: await request.get(`${appUrl}/api/webhooks/shopify/other`),
    longerWebhook: await request.get(`${appUrl}/api/webhooks/shopifyx`),
  };
  expect(responses.static.ok()).toBe(true);
  expect(responses.notFound.status()).toBe(404);
  expect(responses.apiRefusal.status()).toBe(400);
  expect(responses.webhookRefusal.status()).toBe(401);
  expect(responses.webhookWrongMethod.status()).toBe(405);
  expect(responses.webhookWrongMethod.headers()["allow"]).toBe("POST");
  expect([responses.besideWebhook.status(), responses.longerWebhook.status()]).toEqual([404, 404]);
  for (const [kind, response] of Object.entries(responses)) {
    const headers = response.headers();
    expect(headers, kind).toMatchObject(REQUIRED);
    for (const directive of POLICY_DIRECTIVES) expect(headers["content-security-policy"], kind).toContain(directive);
    expect(headers["content-security-policy"], kind).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    // The stack runs on http://127.0.0.1, where Strict-Transport-Security would be meaningless.
    expect(headers, kind).not.toHaveProperty("strict-transport-security");
    expect(headers["x-request-id"], kind).toBeTruthy();
  }
});

test("the webhook route, which skips the proxy, answers under the caller's request id when it is safe", async ({ request }) => {
  const { appUrl } = stackInfo();
  const response = await request.post(`${appUrl}/api/webhooks/shopify`, { data: "{}", headers: { "x-request-id": "lb-webhook-42", "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": "bm90IGEgc2lnbmF0dXJl", "x-shopify-shop-domain": "nobody.myshopify.com" } });
  expect(response.status()).toBe(401);
  expect(response.headers()["x-request-id"]).toBe("lb-webhook-42");
  const unsafe = await request.post(`${appUrl}/api/webhooks/shopify`, { data: "{}", headers: { "x-request-id": "<script>", "x-shopify-topic": "orders/create" } });
  expect(unsafe.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

test("each page gets its own nonce, and the scripts Next.js renders carry it", async ({ request }) => {
  const { appUrl } = stackInfo();
  const first = await request.get(`${appUrl}/login`);
  const second = await request.get(`${appUrl}/login`);
  const nonceOf = (policy: string) => /'nonce-([^']+)'/.exec(policy)?.[1];
  const nonce = nonceOf(first.headers()["content-security-policy"]);
  expect(nonce).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("the dashboard runs under the policy without a single violation", async ({ page, owner }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  await signIn(page, owner);
  await page.goto(`${stackInfo().appUrl}/orders`);
  await expect(page.getByTestId("current-user")).toHaveText(owner.email);
  expect(violations).toEqual([]);
});
