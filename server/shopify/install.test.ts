import { afterAll, describe, expect, it } from "vitest";
import { acceptInvitation } from "@/server/auth/invitations";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { createMailer } from "@/server/mail/mailer";
import { beginInstall, completeInstall, INSTALL_CALLBACK_PATH, maskEmail, type CallbackDeps } from "@/server/shopify/install";
import { ensureWebhookSubscriptions, SUBSCRIBED_TOPICS } from "@/server/shopify/subscriptions";
import { createTenant } from "@/server/tenants/service";
import { startSimulatedShopifyForFile, uniqueShop, webhookRequest } from "@/test/support/shopify";
import { getShopifyAccess } from "@/server/shopify/tokens";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { REASONS } from "@/server/sync/queue";
import { goLive } from "@/server/tenants/go-live";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { TEST_APP } from "@/simulators/shopify/testing";
import { startMailCatcher } from "@/simulators/mail/catcher";
import { startVintraceSimulator } from "@/simulators/vintrace/server";
import { simControl, testSeed, TEST_TOKEN } from "@/test/support/vintrace";

const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };
const cookiesFrom = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const CALLBACK_URL = `${TEST_APP.appUrl}/api/webhooks/shopify`;

const db = createPrisma();
const s = await startSimulatedShopifyForFile(db);
const catcher = await startMailCatcher({ httpPort: null });
const mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <no-reply@test>", log: () => {} });
const vintrace = await startVintraceSimulator();
afterAll(async () => {
  mailer.close();
  await Promise.all([catcher.close(), vintrace.close()]);
});

const deps = (extra: Partial<CallbackDeps> = {}): CallbackDeps => ({ db, shopify: s.shopify, appUrl: TEST_APP.appUrl, mailer, ...extra });

/** Our install route, then the simulator's grant page: the callback a browser would follow, and its cookies. */
async function approvedCallback(shop: string) {
  const begin = await beginInstall(new Request(`${TEST_APP.appUrl}/api/shopify/install?shop=${shop}`, { headers: BROWSER }), { shopify: s.shopify });
  expect(begin.status).toBe(302);
  const approved = await fetch(begin.headers.get("Location") ?? "", { redirect: "manual" });
  const callbackUrl = approved.headers.get("Location") ?? "";
  expect(callbackUrl.startsWith(`${TEST_APP.appUrl}${INSTALL_CALLBACK_PATH}?`)).toBe(true);
  return { url: callbackUrl, cookie: cookiesFrom(begin) };
}

/** The browser's trip: our install route → the simulator's grant page → our callback. */
async function installThroughOAuth(shop: string, extra: Partial<CallbackDeps> = {}) {
  const { url, cookie } = await approvedCallback(shop);
  return completeInstall(new Request(url, { headers: { ...BROWSER, Cookie: cookie } }), deps(extra));
}

/** What the owner does in the setup: vintrace's connection saved (a simulator customer), then "Start sending orders". */
async function connectVintraceAndGoLive(tenantId: string) {
  const code = `install${tenantId.replace(/-/g, "").slice(0, 12)}`;
  await simControl(vintrace, code, "reset", testSeed());
  await db.vintraceSettings.create({
    data: {
      tenantId,
      baseUrl: vintrace.customerUrl(code),
      apiKeyEnc: encryptSecret(TEST_TOKEN, { tenantId, column: "VintraceSettings.apiKeyEnc" }),
      customerName: "Shopify Web Customer",
      salesPriceList: "Retail Inclusive",
      storageAreaId: 99,
    },
  });
  return goLive(db, tenantId, { email: "owner@test" }, { allowlist: [vintrace.url] });
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

  it("installs in setup, goes live, survives app/uninstalled, and a reinstall through OAuth brings the same winery back live", async () => {
    const shop = uniqueShop("lifecycle");

    const first = await installThroughOAuth(shop);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.getSetCookie().join()).toMatch(/shopify_app_session=/);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { shopDomain: shop }, include: { shopify: true } });
    expect(tenant).toMatchObject({ name: shop, status: "SETUP", shopify: { method: "OAUTH", revokedAt: null, subscriptionsProblem: null } });
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
    expect(await connectVintraceAndGoLive(tenant.id)).toEqual({ status: "ACTIVE", orders: 1, skipped: 0, fetched: 0, changed: true });

    s.sim.revokeTokens(shop);
    expect((await deliver(shop, "app/uninstalled", s.sim.lifecyclePayload(shop, "app/uninstalled"))).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "UNINSTALLED" });
    await expect(getShopifyAccess(db, tenant.id, { shopify: s.shopify })).rejects.toMatchObject({ kind: "UNINSTALLED" });
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(404);
    const uninstalledAt = new Date().toISOString();
    // The vintrace code's metafield definition was made for the first installation; Shopify deletes it on uninstall.
    await db.shopifyConnection.update({ where: { tenantId: tenant.id }, data: { metafieldDefinitionAt: new Date() } });

    const second = await installThroughOAuth(shop);
    expect(second.result).toMatchObject({ tenantId: tenant.id, reinstalled: true, subscriptions: { present: [], created: [], removed: [] } });
    expect(s.sim.subscriptionsFor(shop, "app/uninstalled")).toEqual([{ kind: "app", uri: CALLBACK_URL }]);
    const back = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id }, include: { shopify: true } });
    expect(back).toMatchObject({ status: "ACTIVE", shopify: { revokedAt: null, metafieldDefinitionAt: null } });
    expect(await db.orderSync.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: { in: ["shopify.installed", "shopify.uninstalled", "shopify.reinstalled"] } } })).toBe(3);
    expect((await getShopifyAccess(db, tenant.id, { shopify: s.shopify })).shop).toBe(shop);
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(200);

    // A late retry of the first uninstall (triggered before the reinstall) does not undo it.
    expect((await deliver(shop, "app/uninstalled", s.sim.lifecyclePayload(shop, "app/uninstalled"), { triggeredAt: uninstalledAt })).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "ACTIVE" });
  });
});

describe("self-service install: the winery waits in setup and its owner is invited", () => {
  const held = (tenantId: string) => db.orderSync.findMany({ where: { tenantId }, select: { status: true, statusReason: true } });

  it("a new shop becomes a winery in setup, its orders are held, and its owner is invited at the shop's own address", async () => {
    const shop = uniqueShop("self-service");
    s.sim.configureShop(shop, { email: "Cellar.Door@Example.com" });
    // A callback changed on its way (here an address added to it) fails Shopify's signature and creates nothing.
    const { url, cookie } = await approvedCallback(shop);
    const tampered = `${url}&email=${encodeURIComponent("attacker@evil.test")}`;
    const { response, result } = await completeInstall(new Request(tampered, { headers: { ...BROWSER, Cookie: cookie } }), deps());
    expect(response.status).toBe(400);
    expect(result).toBeUndefined();

    const installed = await installThroughOAuth(shop);
    expect(installed.result).toMatchObject({ reinstalled: false, status: "SETUP", invitation: { sent: true, maskedEmail: "c•••@example.com" } });
    const page = await installed.response.text();
    expect(installed.response.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(page).toContain("We sent a sign-in link to c•••@example.com");
    expect(page).not.toContain("cellar.door@example.com");
    const tenantId = installed.result!.tenantId;
    // It starts at the setup wizard's first step, from the moment of the install.
    const created = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { shopify: true } });
    expect(created).toMatchObject({ status: "SETUP", setupStep: "CONNECT" });
    expect(created.setupStepSince).toEqual(created.shopify?.installedAt);

    const mail = await catcher.waitFor((m) => m.to.includes("cellar.door@example.com"));
    expect(mail.text).toMatch(/installed on your Shopify shop .* as its owner/);
    expect(catcher.messages({ to: "attacker@evil.test" })).toEqual([]);
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toEqual({ ok: true, email: "cellar.door@example.com" });
    const owner = await db.user.findUniqueOrThrow({ where: { email: "cellar.door@example.com" }, include: { memberships: true } });
    expect(owner.memberships).toEqual([expect.objectContaining({ tenantId, role: "OWNER" })]);

    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(200);
    expect(await held(tenantId)).toEqual([{ status: "HELD", statusReason: REASONS.setup }]);
    expect(REASONS.setup).toMatch(/setup not finished/);
  });

  /**
   * Installs `shop`, lets an order in (and `meanwhile` happen), then uninstalls it: a winery in setup, gone with its
   * order held.
   */
  async function installedThenUninstalled(shop: string, meanwhile: () => Promise<void> = async () => {}) {
    const { result } = await installThroughOAuth(shop);
    const tenantId = result!.tenantId;
    expect((await deliver(shop, "orders/create", order(shop))).status).toBe(200);
    await meanwhile();
    s.sim.revokeTokens(shop);
    expect((await deliver(shop, "app/uninstalled", s.sim.lifecyclePayload(shop, "app/uninstalled"))).status).toBe(200);
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ status: "UNINSTALLED" });
    return tenantId;
  }

  it("a shop uninstalled during setup comes back to setup with its held orders, and its owner, who never signed in, is invited again", async () => {
    const shop = uniqueShop("setup-reinstall");
    const tenantId = await installedThenUninstalled(shop);
    const first = await catcher.waitFor((m) => m.to.includes(`owner@${shop}`));

    const again = await installThroughOAuth(shop);
    expect(again.response.status).toBe(200);
    expect(await again.response.text()).toContain(`We sent a sign-in link to o•••@${shop}`);
    expect(again.result).toMatchObject({ tenantId, reinstalled: true, status: "SETUP", invitation: { sent: true } });
    expect(await held(tenantId)).toEqual([{ status: "HELD", statusReason: REASONS.setup }]);
    // A new link, and the old one no longer works: only the newest counts.
    const second = await catcher.waitFor((m) => m.to.includes(`owner@${shop}`) && m.text !== first.text);
    const tokenOf = (text: string) => /\/invite\/([A-Za-z0-9_-]+)/.exec(text)![1];
    expect(await db.invitation.count({ where: { tenantId } })).toBe(2);
    expect(await acceptInvitation(db, { token: tokenOf(first.text), password: "a-long-enough-password" })).toMatchObject({ ok: false });
    expect(await acceptInvitation(db, { token: tokenOf(second.text), password: "a-long-enough-password" })).toEqual({ ok: true, email: `owner@${shop}` });
  });

  it("a shop uninstalled during setup after its owner signed in comes back to setup without a new invitation", async () => {
    const shop = uniqueShop("setup-owner-reinstall");
    const tenantId = await installedThenUninstalled(shop, async () => {
      const mail = await catcher.waitFor((m) => m.to.includes(`owner@${shop}`));
      const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
      expect(await acceptInvitation(db, { token, password: "a-long-enough-password" })).toMatchObject({ ok: true });
    });

    const again = await installThroughOAuth(shop);
    expect(again.response.status).toBe(302);
    expect(again.result).toMatchObject({ tenantId, reinstalled: true, status: "SETUP" });
    expect(again.result?.invitation).toBeUndefined();
    expect(await db.invitation.count({ where: { tenantId } })).toBe(1);
  });

  it("two callbacks of the same new shop racing make one winery: the loser reconnects it", async () => {
    const shop = uniqueShop("race");
    const [a, b] = [await approvedCallback(shop), await approvedCallback(shop)];
    const results = await Promise.all([a, b].map(({ url, cookie }) => completeInstall(new Request(url, { headers: { ...BROWSER, Cookie: cookie } }), deps())));
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 302]);
    expect(results.map((r) => r.result?.reinstalled).sort()).toEqual([false, true]);
    const tenants = await db.tenant.findMany({ where: { shopDomain: shop }, include: { shopify: true } });
    expect(tenants).toHaveLength(1);
    expect(tenants[0]).toMatchObject({ status: "SETUP", shopify: { revokedAt: null } });
    expect(results.map((r) => r.result?.tenantId)).toEqual([tenants[0].id, tenants[0].id]);
    expect(await db.invitation.count({ where: { tenantId: tenants[0].id } })).toBe(1);
    expect((await getShopifyAccess(db, tenants[0].id, { shopify: s.shopify })).shop).toBe(shop);
  });

  it("a callback carrying a state we did not issue to this browser creates nothing", async () => {
    const shop = uniqueShop("foreign-state");
    const [mine, theirs] = [await approvedCallback(shop), await approvedCallback(shop)];
    const { response } = await completeInstall(new Request(theirs.url, { headers: { ...BROWSER, Cookie: mine.cookie } }), deps());
    expect(response.status).toBe(400);
    const noCookie = await completeInstall(new Request(theirs.url, { headers: BROWSER }), deps());
    expect(noCookie.response.status).toBe(400);
    expect(await db.tenant.count({ where: { shopDomain: shop } })).toBe(0);
  });

  it("when the invitation cannot be sent, the install still succeeds, the page says support was told, and the digest's audit has it", async () => {
    const shop = uniqueShop("no-mail");
    const broken = createMailer({ smtpUrl: "smtp://127.0.0.1:1", from: "x@test", log: () => {} });
    const { response, result } = await installThroughOAuth(shop, { mailer: broken });
    broken.close();
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/could not send the sign-in link.*support has been told/s);
    expect(result).toMatchObject({ status: "SETUP", invitation: { sent: false } });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: result!.tenantId } })).toMatchObject({ status: "SETUP" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { tenantId: result!.tenantId, action: "shopify.owner_invitation_failed" } });
    expect(audit.details).toMatchObject({ shopDomain: shop, reason: expect.stringMatching(/could not be sent/) });
    expect(await db.invitation.count({ where: { tenantId: result!.tenantId } })).toBe(0);
  });

  it("masks an address to its first letter and domain", () => {
    expect(maskEmail("owner@example.com")).toBe("o•••@example.com");
    expect(maskEmail("not-an-address")).toBe("•••");
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
    expect(routes(shop).map((r) => r.length)).toEqual(SUBSCRIBED_TOPICS.map(() => 2));

    expect(await check(result!.tenantId)).toMatchObject({ created: [], removed: [...SUBSCRIBED_TOPICS], failures: [], problem: null });
    expect(routes(shop)).toEqual(SUBSCRIBED_TOPICS.map(() => [{ kind: "app", uri: CALLBACK_URL }]));
    // The hourly check never subscribes it again.
    expect(await check(result!.tenantId)).toMatchObject({ present: [], created: [], removed: [] });
    expect(await subscriptionsAtShopify(shop)).toEqual([]);
  });

  it("a custom-app shop gets shop-specific subscriptions, re-created when Shopify drops one, never doubled", async () => {
    const shop = uniqueShop("custom-app");
    const tenantId = await connectCustomApp(shop);
    expect(await check(tenantId)).toMatchObject({ created: [...SUBSCRIBED_TOPICS], removed: [], failures: [] });
    // Not an install of this app: shopify.app.toml's subscriptions do not reach it, its own do, once each.
    expect(routes(shop)).toEqual(SUBSCRIBED_TOPICS.map(() => [{ kind: "shop", uri: CALLBACK_URL }]));
    expect(await check(tenantId)).toMatchObject({ present: [...SUBSCRIBED_TOPICS], created: [] });

    // Shopify removes a subscription whose deliveries kept failing; the next check brings back that one only.
    const admin = s.adminFor(shop);
    const dropped = (await admin.listWebhookSubscriptions()).find((sub) => sub.topic === "ORDERS_CREATE")!;
    await admin.deleteWebhookSubscription(dropped.id);
    expect(await check(tenantId)).toMatchObject({ present: SUBSCRIBED_TOPICS.filter((t) => t !== "orders/create"), created: ["orders/create"] });
    expect(routes(shop).map((r) => r.length)).toEqual(SUBSCRIBED_TOPICS.map(() => 1));
  });

  it("reports Shopify's protected-customer-data refusal on the connection, and subscribes once access is granted", async () => {
    const shop = uniqueShop("pcd");
    s.sim.configureShop(shop, { pcdApproved: false });
    const tenantId = await connectCustomApp(shop);
    const result = await check(tenantId);
    // The simulator, like Shopify, counts the orders/* topics as protected customer data.
    const orderTopics = SUBSCRIBED_TOPICS.filter((t) => t.startsWith("orders/"));
    const others = SUBSCRIBED_TOPICS.filter((t) => !t.startsWith("orders/"));
    expect(result.created).toEqual(others);
    expect(result.failures).toEqual(orderTopics.map((topic) => ({ topic, message: expect.stringMatching(/not approved .* protected customer data.*Partner Dashboard/s) })));
    const connection = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId } });
    expect(connection.subscriptionsProblem).toMatch(/^orders\/create: .*protected customer data/);
    expect(connection.subscriptionsCheckedAt).toBeInstanceOf(Date);

    s.sim.configureShop(shop, { pcdApproved: true });
    expect(await check(tenantId)).toMatchObject({ present: others, created: orderTopics, failures: [], problem: null });
    expect((await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId } })).subscriptionsProblem).toBeNull();
  });

  it("records every topic as failing when a custom-app shop has no usable token", async () => {
    const shop = uniqueShop("no-token");
    const tenantId = await connectCustomApp(shop);
    await db.shopifyConnection.update({ where: { tenantId }, data: { accessTokenEnc: null, revokedAt: new Date() } });
    const result = await check(tenantId);
    expect(result.failures.map((f) => f.topic)).toEqual([...SUBSCRIBED_TOPICS]);
    expect(result.problem).toMatch(/No valid Shopify token/);
  });
});
