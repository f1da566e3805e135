// Lifecycle deliveries are bound to their shop and confirmed with Shopify before anything is revoked or erased.
// The attacks: Shopify signs install and launch links with the app secret, so anyone who installs the app on a
// development store holds a "signed body"; and a genuine body names its own shop, whatever header it is sent under.
// Genuine deliveries come from the Shopify simulator over HTTP to the real handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSupportDigest, ALERT_POLICY } from "@/server/alerts/cycle";
import { createChatPoster } from "@/server/alerts/outbound";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { createMailer } from "@/server/mail/mailer";
import { createTestTenant, startWebhookReceiver, uniqueShop, webhookRequest } from "@/test/support/shopify";
import { ORDER_CHANGE_TOPICS } from "@/server/order-changes/events";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { hmacMatches } from "@/server/shopify/webhooks/verify";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { collectLaunchLink } from "@/simulators/shopify/launch-link";
import type { LifecycleTopic } from "@/simulators/shopify/lifecycle";
import { buildOrderPayload } from "@/simulators/shopify/order-payload";
import { startSimulatedShopify, TEST_APP, type SimulatedShopify } from "@/simulators/shopify/testing";

const db = createPrisma();
const HOUR = 3_600_000;
let s: SimulatedShopify;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
/** the handler's clock; null: the real one */
let clock: Date | null = null;
const deps = () => ({ db, shopify: s.shopify, now: clock ? () => clock as Date : undefined });

beforeAll(async () => {
  receiver = await startWebhookReceiver(deps);
  s = await startSimulatedShopify({ appUrl: receiver.url });
});
afterAll(async () => {
  await receiver.close();
  await s.sim.close();
  await db.$disconnect();
});

const handle = (request: Request) => handleShopifyWebhook(request, deps());

/** A winery installed on a simulated shop: a token Shopify accepts, its shop id (unless told otherwise) and an order. */
async function installedTenant(label: string, options: { withShopId?: boolean } = {}) {
  const shop = uniqueShop(label);
  const tenant = await createTestTenant(db, {
    shop,
    accessToken: s.sim.issueToken(shop),
    shopifyShopId: options.withShopId === false ? undefined : String(s.sim.shopId(shop)),
  });
  await addOrder(tenant.id, shop);
  return { shop, tenant };
}

/** A winery whose app was uninstalled `hoursAgo` hours ago: no tokens left, its orders kept. */
async function uninstalledTenant(label: string, hoursAgo: number) {
  const shop = uniqueShop(label);
  s.sim.issueToken(shop);
  const tenant = await createTestTenant(db, { shop, shopifyShopId: String(s.sim.shopId(shop)), uninstalledAt: new Date(Date.now() - hoursAgo * HOUR) });
  await addOrder(tenant.id, shop);
  return { shop, tenant };
}

async function addOrder(tenantId: string, shop: string) {
  const order = buildOrderPayload({ shop, lines: [{ sku: "21SHZ750", qty: 1, price: "32.00" }] });
  await db.orderSync.create({ data: { tenantId, orderGid: order.admin_graphql_api_id, orderName: order.name, source: "WEBHOOK", payload: {} } });
}

/** Everything a forged delivery could change for a winery. */
async function snapshot(tenantId: string) {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, include: { shopify: true } });
  return {
    tenant: tenant && { status: tenant.status, shopifyShopId: tenant.shopifyShopId },
    connection: tenant?.shopify && {
      accessTokenEnc: tenant.shopify.accessTokenEnc,
      refreshTokenEnc: tenant.shopify.refreshTokenEnc,
      revokedAt: tenant.shopify.revokedAt,
    },
    orders: await db.orderSync.count({ where: { tenantId } }),
    orderEvents: await db.orderEvent.count({ where: { tenantId } }),
    deliveries: tenant ? await db.webhookDelivery.count({ where: { shopDomain: tenant.shopDomain } }) : 0,
  };
}

const forgeryAudits = (tenantId: string) => db.auditEvent.findMany({ where: { tenantId, action: "webhook.forgery_suspected" }, orderBy: { createdAt: "asc" } });

describe("a launch link's signature replayed as a webhook", () => {
  it("as app/uninstalled, shop/redact, orders/create or an after-sale topic for another shop: 400, and the winery keeps its tokens and orders", async () => {
    const victim = await installedTenant("victim");
    const forgery = await collectLaunchLink(s.sim.url, uniqueShop("attacker"), TEST_APP.apiKey);
    // The attack's premise: the link's query, with its hex HMAC in base64, carries a valid webhook signature.
    expect(hmacMatches(forgery.body, TEST_APP.apiSecret, forgery.hmacBase64)).toBe(true);
    const before = await snapshot(victim.tenant.id);

    for (const topic of ["app/uninstalled", "shop/redact", "orders/create", ...ORDER_CHANGE_TOPICS]) {
      const { request } = webhookRequest({ shop: victim.shop, topic, payload: forgery.body }, { headers: { "X-Shopify-Hmac-Sha256": forgery.hmacBase64 } });
      expect((await handle(request)).status, topic).toBe(400);
    }
    expect(await snapshot(victim.tenant.id)).toEqual(before);
    const audits = await forgeryAudits(victim.tenant.id);
    expect(audits.map((a) => (a.details as { topic: string }).topic)).toEqual(["app/uninstalled", "shop/redact"]);
    expect(JSON.stringify(audits)).not.toContain(forgery.hmacBase64);
  });

  it("as shop/redact for a shop uninstalled days ago: 400, and nothing is erased", async () => {
    const victim = await uninstalledTenant("victim-uninstalled", 72);
    const forgery = await collectLaunchLink(s.sim.url, uniqueShop("attacker"), TEST_APP.apiKey);
    const before = await snapshot(victim.tenant.id);
    const { request } = webhookRequest({ shop: victim.shop, topic: "shop/redact", payload: forgery.body }, { headers: { "X-Shopify-Hmac-Sha256": forgery.hmacBase64 } });
    expect((await handle(request)).status).toBe(400);
    expect(await snapshot(victim.tenant.id)).toEqual(before);
  });
});

describe("a genuine body sent under another shop's name", () => {
  it("shop A's signed app/uninstalled, customers/redact and shop/redact under shop B's header: 401, nothing changes for A or B, audited", async () => {
    const a = await installedTenant("shop-a");
    const b = await installedTenant("shop-b");
    const c = await uninstalledTenant("shop-c", 72);
    const before = { a: await snapshot(a.tenant.id), b: await snapshot(b.tenant.id), c: await snapshot(c.tenant.id) };

    const sends: [LifecycleTopic, typeof b][] = [["app/uninstalled", b], ["customers/redact", b], ["shop/redact", c]];
    for (const [topic, target] of sends) {
      const { request } = webhookRequest({ shop: target.shop, topic, payload: s.sim.lifecyclePayload(a.shop, topic) });
      expect((await handle(request)).status, topic).toBe(401);
    }
    expect({ a: await snapshot(a.tenant.id), b: await snapshot(b.tenant.id), c: await snapshot(c.tenant.id) }).toEqual(before);
    const audits = [...(await forgeryAudits(b.tenant.id)), ...(await forgeryAudits(c.tenant.id))];
    expect(audits.map((x) => x.details)).toEqual([
      expect.objectContaining({ topic: "app/uninstalled", headerShop: b.shop, bodyShop: a.shop, bodyShopId: String(s.sim.shopId(a.shop)) }),
      expect.objectContaining({ topic: "customers/redact", headerShop: b.shop, bodyShop: a.shop }),
      expect.objectContaining({ topic: "shop/redact", headerShop: c.shop, bodyShop: a.shop }),
    ]);
  });

  it("a body with this shop's domain but another shop's id: 401, nothing erased", async () => {
    const c = await uninstalledTenant("shop-id-mismatch", 72);
    const before = await snapshot(c.tenant.id);
    const { request } = webhookRequest({ shop: c.shop, topic: "shop/redact", payload: { shop_id: 4242, shop_domain: c.shop } });
    expect((await handle(request)).status).toBe(401);
    expect(await snapshot(c.tenant.id)).toEqual(before);
    expect((await forgeryAudits(c.tenant.id))[0].details).toMatchObject({ bodyShopId: "4242", reason: expect.stringMatching(/shop id 4242/) });
  });
});

describe("uninstall and erasure, confirmed with Shopify", () => {
  it("a genuine uninstall (Shopify refuses the token) uninstalls; shop/redact at 47 hours erases nothing, at 48 hours erases the shop", async () => {
    const w = await installedTenant("genuine");
    clock = null;
    expect((await s.sim.uninstallApp(w.shop)).status).toBe(200);
    const uninstalled = await snapshot(w.tenant.id);
    expect(uninstalled).toMatchObject({ tenant: { status: "UNINSTALLED" }, connection: { accessTokenEnc: null, refreshTokenEnc: null }, orders: 1 });
    const uninstalledAt = uninstalled.connection!.revokedAt!;

    try {
      clock = new Date(uninstalledAt.getTime() + 47 * HOUR);
      expect((await s.sim.deliverLifecycle(w.shop, "shop/redact")).status).toBe(200);
      expect(await snapshot(w.tenant.id)).toMatchObject({ tenant: { status: "UNINSTALLED" }, orders: 1 });
      const skipped = await db.auditEvent.findFirstOrThrow({ where: { tenantId: w.tenant.id, action: "compliance.shop_redact_skipped" } });
      expect(skipped.details).toMatchObject({ reason: expect.stringMatching(/uninstalled 47 hours ago/) });

      clock = new Date(uninstalledAt.getTime() + 48 * HOUR);
      expect((await s.sim.deliverLifecycle(w.shop, "shop/redact")).status).toBe(200);
      expect(await db.tenant.count({ where: { id: w.tenant.id } })).toBe(0);
      expect(await db.orderSync.count({ where: { tenantId: w.tenant.id } })).toBe(0);
      expect(await db.auditEvent.count({ where: { action: "compliance.shop_redact", details: { path: ["shopDomain"], equals: w.shop } } })).toBe(1);
    } finally {
      clock = null;
    }
  });

  it("shop/redact for a shop marked uninstalled days ago whose token Shopify still accepts: nothing is erased", async () => {
    const w = await uninstalledTenant("token-works", 72);
    await db.shopifyConnection.update({ where: { tenantId: w.tenant.id }, data: { accessTokenEnc: encryptSecret(s.sim.issueToken(w.shop), { tenantId: w.tenant.id, column: "ShopifyConnection.accessTokenEnc" }) } });
    const before = await snapshot(w.tenant.id);
    expect((await s.sim.deliverLifecycle(w.shop, "shop/redact")).status).toBe(200);
    expect(await snapshot(w.tenant.id)).toEqual(before);
    const skipped = await db.auditEvent.findFirstOrThrow({ where: { tenantId: w.tenant.id, action: "compliance.shop_redact_skipped" } });
    expect(skipped.details).toMatchObject({ reason: expect.stringMatching(/still accepts/) });
  });

  it("app/uninstalled while Shopify still accepts the token: ignored with 200, tokens kept, shop id learnt, support alerted", async () => {
    const w = await installedTenant("still-installed", { withShopId: false });
    const before = await snapshot(w.tenant.id);
    expect((await s.sim.deliverLifecycle(w.shop, "app/uninstalled")).status).toBe(200);
    expect(await snapshot(w.tenant.id)).toEqual({ ...before, tenant: { status: "ACTIVE", shopifyShopId: String(s.sim.shopId(w.shop)) }, deliveries: 1 });
    const notice = await db.auditEvent.findFirstOrThrow({ where: { tenantId: w.tenant.id, action: "shopify.uninstall_unconfirmed" } });
    expect(notice.details).toMatchObject({ shopDomain: w.shop, reason: expect.stringMatching(/still accepts/) });

    const catcher: MailCatcher = await startMailCatcher({ httpPort: null });
    const mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <alerts@test>", log: () => {} });
    try {
      const staff = await db.user.create({ data: { email: `support-${w.tenant.id}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
      const windowEnd = Math.floor(notice.createdAt.getTime() / ALERT_POLICY.digestWindowMs + 1) * ALERT_POLICY.digestWindowMs;
      await runSupportDigest(db, new Date(windowEnd + 1000), { mailer, postChat: createChatPoster([]), appUrl: "http://app.test", owner: "test" });
      const [mail] = catcher.messages({ to: staff.email });
      expect(mail.subject).toMatch(/webhook notice/);
      expect(mail.text).toContain(`${w.shop}: app/uninstalled was ignored because Shopify still accepts the app's token`);
    } finally {
      mailer.close();
      await catcher.close();
    }
  });

  it("app/uninstalled while Shopify cannot be reached: 503 so that Shopify tries again, and nothing changes", async () => {
    const w = await installedTenant("unreachable");
    const before = await snapshot(w.tenant.id);
    s.sim.injectFaults(w.shop, [{ kind: "HTTP", status: 503, operation: "ShopId" }]);
    expect((await s.sim.deliverLifecycle(w.shop, "app/uninstalled")).status).toBe(503);
    expect(await snapshot(w.tenant.id)).toEqual(before);
    // Shopify's next try, once it answers, finds the token refused after a real uninstall.
    expect((await s.sim.uninstallApp(w.shop)).status).toBe(200);
    expect(await snapshot(w.tenant.id)).toMatchObject({ tenant: { status: "UNINSTALLED" }, connection: { accessTokenEnc: null } });
  });
});
