import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { beginInstall, completeInstall, INSTALL_CALLBACK_PATH } from "@/server/shopify/install";
import { ensureWebhookSubscriptions, SUBSCRIBED_TOPICS } from "@/server/shopify/subscriptions";
import { createTenant } from "@/server/tenants/service";
import { startSimulatedShopifyForFile, uniqueShop, webhookRequest } from "@/test/support/shopify";
import { getShopifyAccess } from "@/server/shopify/tokens";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";

const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };
const cookiesFrom = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const CALLBACK_URL = `${TEST_APP.appUrl}/api/webhooks/shopify`;

const db = createPrisma();
const s = await startSimulatedShopifyForFile(db);

const deps = () => ({ db, shopify: s.shopify, appUrl: TEST_APP.appUrl });

/** The browser's trip: our install route → the simulator's grant page → our callback. */
async function installThroughOAuth(shop: string) {
  const begin = await beginInstall(new Request(`${TEST_APP.appUrl}/api/shopify/install?shop=${shop}`, { headers: BROWSER }), { shopify: s.shopify });
  expect(begin.status).toBe(302);
  const approved = await fetch(begin.headers.get("Location") ?? "", { redirect: "manual" });
  const callbackUrl = approved.headers.get("Location") ?? "";
  expect(callbackUrl.startsWith(`${TEST_APP.appUrl}${INSTALL_CALLBACK_PATH}?`)).toBe(true);
  return completeInstall(new Request(callbackUrl, { headers: { ...BROWSER, Cookie: cookiesFrom(begin) } }), deps());
}

async function subscriptionsAtShopify(shop: string): Promise<{ topic: string; uri: string }[]> {
  const state = (await (await fetch(`${s.sim.url}/__sim/state?shop=${shop}`)).json()) as { shops: { subscriptions: { topic: string; uri: string }[] }[] };
  return state.shops[0].subscriptions.map(({ topic, uri }) => ({ topic, uri }));
}

const deliver = (shop: string, topic: string, payload: unknown, extra: { triggeredAt?: string } = {}) =>
  handleShopifyWebhook(webhookRequest({ shop, topic, payload, ...extra }).request, { db, shopify: s.shopify });
const order = (shop: string) => buildOrderPayload({ shop, lines: [{ sku: "X", qty: 1, price: "10.00" }] });

describe("install", () => {
  it("refuses a shop address that is not a myshopify.com domain, in plain words", async () => {
    for (const shop of ["evil.example.com", "", "https://x.myshopify.com.evil.com"]) {
      const response = await beginInstall(new Request(`${TEST_APP.appUrl}/api/shopify/install?shop=${encodeURIComponent(shop)}`), { shopify: s.shopify });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/is not a Shopify shop address/);
    }
  });

  it("refuses a callback with a forged signature and stores nothing", async () => {
    const shop = uniqueShop("forged-callback");
    const begin = await beginInstall(new Request(`${TEST_APP.appUrl}/api/shopify/install?shop=${shop}`, { headers: BROWSER }), { shopify: s.shopify });
    const approved = await fetch(begin.headers.get("Location") ?? "", { redirect: "manual" });
    const forged = new URL(approved.headers.get("Location") ?? "");
    forged.searchParams.set("code", "stolen");
    const { response } = await completeInstall(new Request(forged, { headers: { ...BROWSER, Cookie: cookiesFrom(begin) } }), deps());
    expect(response.status).toBe(400);
    expect(await db.tenant.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("installs, survives app/uninstalled, and a reinstall through OAuth brings the same winery back", async () => {
    const shop = uniqueShop("lifecycle");

    const first = await installThroughOAuth(shop);
    expect(first.response.status).toBe(302);
    expect(first.response.headers.get("Location")).toBe(`${TEST_APP.appUrl}/`);
    expect(first.response.headers.getSetCookie().join()).toMatch(/shopify_app_session=/);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { shopDomain: shop }, include: { shopify: true } });
    expect(tenant).toMatchObject({ name: shop, status: "ACTIVE", shopify: { method: "OAUTH", revokedAt: null, subscriptionsProblem: null } });
    // Shopify's id for the shop, which every lifecycle webhook must name.
    expect(tenant.shopifyShopId).toBe(String(s.sim.shopId(shop)));
    expect(tenant.shopify?.accessTokenEnc).not.toMatch(/shpat_/);
    expect(tenant.shopify?.refreshTokenEnc).toBeTruthy();
    expect(tenant.shopify!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    // Its topics come from shopify.app.toml alone: the install subscribes the shop to nothing of its own.
    expect(first.result?.subscriptions).toMatchObject({ created: [], removed: [], failures: [] });
    expect(await subscriptionsAtShopify(shop)).toEqual([]);
    expect(s.sim.subscriptionsFor(shop, "orders/create")).toEqual([{ kind: "app", uri: CALLBACK_URL }]);
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(200);

    s.sim.revokeTokens(shop);
    expect((await deliver(shop, "app/uninstalled", s.sim.lifecyclePayload(shop, "app/uninstalled"))).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "UNINSTALLED" });
    await expect(getShopifyAccess(db, tenant.id, { shopify: s.shopify })).rejects.toMatchObject({ kind: "UNINSTALLED" });
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(404);
    const uninstalledAt = new Date().toISOString();

    const second = await installThroughOAuth(shop);
    expect(second.result).toMatchObject({ tenantId: tenant.id, reinstalled: true, subscriptions: { present: [], created: [], removed: [] } });
    expect(s.sim.subscriptionsFor(shop, "app/uninstalled")).toEqual([{ kind: "app", uri: CALLBACK_URL }]);
    const back = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id }, include: { shopify: true } });
    expect(back).toMatchObject({ status: "ACTIVE", shopify: { revokedAt: null } });
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: { in: ["shopify.installed", "shopify.uninstalled", "shopify.reinstalled"] } } })).toBe(3);
    expect((await getShopifyAccess(db, tenant.id, { shopify: s.shopify })).shop).toBe(shop);
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(200);

    // A late retry of the first uninstall (triggered before the reinstall) does not undo it.
    expect((await deliver(shop, "app/uninstalled", s.sim.lifecyclePayload(shop, "app/uninstalled"), { triggeredAt: uninstalledAt })).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "ACTIVE" });
  });
});

/** A shop connected by a custom app's token (the "Connect with a token" path), as the CLI and the dashboard add one. */
async function connectCustomApp(shop: string) {
  const tenant = await createTenant(db, { name: shop, shopDomain: shop, shopifyToken: s.sim.issueToken(shop), webhookSecret: "custom-app-secret" }, [], "test");
  return tenant.id;
}

const check = (tenantId: string) => ensureWebhookSubscriptions(db, tenantId, { shopify: s.shopify, appUrl: TEST_APP.appUrl });
const routes = (shop: string) => SUBSCRIBED_TOPICS.map((topic) => s.sim.subscriptionsFor(shop, topic));

describe("ensureWebhookSubscriptions: every shop receives each topic once", () => {
  it("an OAuth install relies on shopify.app.toml, and the check removes shop-specific duplicates an earlier version made", async () => {
    const shop = uniqueShop("oauth-dupes");
    const { result } = await installThroughOAuth(shop);
    // What earlier versions did on install: the same topics again, as shop-specific subscriptions.
    const admin = s.adminFor(shop);
    for (const topic of SUBSCRIBED_TOPICS) await admin.createWebhookSubscription(topic, CALLBACK_URL);
    expect(routes(shop).map((r) => r.length)).toEqual([2, 2]);

    expect(await check(result!.tenantId)).toMatchObject({ created: [], removed: ["orders/create", "app/uninstalled"], failures: [], problem: null });
    expect(routes(shop)).toEqual([[{ kind: "app", uri: CALLBACK_URL }], [{ kind: "app", uri: CALLBACK_URL }]]);
    // The hourly check never subscribes it again.
    expect(await check(result!.tenantId)).toMatchObject({ present: [], created: [], removed: [] });
    expect(await subscriptionsAtShopify(shop)).toEqual([]);
  });

  it("a custom-app shop gets shop-specific subscriptions, re-created when Shopify drops one, never doubled", async () => {
    const shop = uniqueShop("custom-app");
    const tenantId = await connectCustomApp(shop);
    expect(await check(tenantId)).toMatchObject({ created: ["orders/create", "app/uninstalled"], removed: [], failures: [] });
    // Not an install of this app: shopify.app.toml's subscriptions do not reach it, its own do, once each.
    expect(routes(shop)).toEqual([[{ kind: "shop", uri: CALLBACK_URL }], [{ kind: "shop", uri: CALLBACK_URL }]]);
    expect(await check(tenantId)).toMatchObject({ present: ["orders/create", "app/uninstalled"], created: [] });

    // Shopify removes a subscription whose deliveries kept failing; the next check brings back that one only.
    const admin = s.adminFor(shop);
    const dropped = (await admin.listWebhookSubscriptions()).find((sub) => sub.topic === "ORDERS_CREATE")!;
    await admin.deleteWebhookSubscription(dropped.id);
    expect(await check(tenantId)).toMatchObject({ present: ["app/uninstalled"], created: ["orders/create"] });
    expect(routes(shop).map((r) => r.length)).toEqual([1, 1]);
  });

  it("reports Shopify's protected-customer-data refusal on the connection, and subscribes once access is granted", async () => {
    const shop = uniqueShop("pcd");
    s.sim.configureShop(shop, { pcdApproved: false });
    const tenantId = await connectCustomApp(shop);
    const result = await check(tenantId);
    expect(result.created).toEqual(["app/uninstalled"]);
    expect(result.failures).toEqual([{ topic: "orders/create", message: expect.stringMatching(/not approved .* protected customer data.*Partner Dashboard/s) }]);
    const connection = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId } });
    expect(connection.subscriptionsProblem).toMatch(/^orders\/create: .*protected customer data/);
    expect(connection.subscriptionsCheckedAt).toBeInstanceOf(Date);

    s.sim.configureShop(shop, { pcdApproved: true });
    expect(await check(tenantId)).toMatchObject({ present: ["app/uninstalled"], created: ["orders/create"], failures: [], problem: null });
    expect((await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId } })).subscriptionsProblem).toBeNull();
  });

  it("records every topic as failing when a custom-app shop has no usable token", async () => {
    const shop = uniqueShop("no-token");
    const tenantId = await connectCustomApp(shop);
    await db.shopifyConnection.update({ where: { tenantId }, data: { accessTokenEnc: null, revokedAt: new Date() } });
    const result = await check(tenantId);
    expect(result.failures.map((f) => f.topic)).toEqual(["orders/create", "app/uninstalled"]);
    expect(result.problem).toMatch(/No valid Shopify token/);
  });
});
