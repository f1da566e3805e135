import { describe, expect, it, vi } from "vitest";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { createTestTenant, startSimulatedShopifyForFile, uniqueShop } from "@/test/support/shopify";
import { adminForTenant, getShopifyAccess, saveManualConnection, ShopifyAccessError } from "@/server/shopify/tokens";

const db = createPrisma();
const s = await startSimulatedShopifyForFile(db);

/** A tenant whose stored access token expires in `expiresInMs`, with the simulator's matching refresh token. */
async function expiringTenant(expiresInMs: number) {
  const shop = uniqueShop("refresh");
  const pair = s.sim.issueExpiringToken(shop);
  const tenant = await createTestTenant(db, { shop });
  await db.shopifyConnection.update({
    where: { tenantId: tenant.id },
    data: {
      accessTokenEnc: encryptSecret(pair.accessToken, { tenantId: tenant.id, column: "ShopifyConnection.accessTokenEnc" }),
      accessTokenExpiresAt: new Date(Date.now() + expiresInMs),
      refreshTokenEnc: encryptSecret(pair.refreshToken, { tenantId: tenant.id, column: "ShopifyConnection.refreshTokenEnc" }),
      refreshTokenExpiresAt: new Date(Date.now() + 90 * 24 * 3600_000),
    },
  });
  return { shop, tenant, pair };
}

/** Refresh grants that reach the simulator (the seam sends them through global fetch). */
function countRefreshGrants() {
  const spy = vi.spyOn(globalThis, "fetch");
  return {
    count: () =>
      spy.mock.calls.filter(([input, init]) => {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        return url.endsWith("/admin/oauth/access_token") && String(init?.body ?? "").includes("refresh_token");
      }).length,
    restore: () => spy.mockRestore(),
  };
}

describe("getShopifyAccess", () => {
  it("uses a token that is good for more than 5 minutes as is", async () => {
    const { tenant, shop, pair } = await expiringTenant(30 * 60_000);
    const grants = countRefreshGrants();
    try {
      expect(await getShopifyAccess(db, tenant.id, { shopify: s.shopify })).toEqual({ shop, accessToken: pair.accessToken });
      expect(grants.count()).toBe(0);
    } finally {
      grants.restore();
    }
  });

  it("refreshes a token expiring within 5 minutes exactly once for 10 concurrent callers, who all get the new token", async () => {
    const { tenant, shop, pair } = await expiringTenant(2 * 60_000);
    const grants = countRefreshGrants();
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => getShopifyAccess(db, tenant.id, { shopify: s.shopify })));
      expect(grants.count()).toBe(1);
      const tokens = new Set(results.map((r) => r.accessToken));
      expect(tokens.size).toBe(1);
      const [fresh] = tokens;
      expect(fresh).not.toBe(pair.accessToken);
      expect(results.every((r) => r.shop === shop)).toBe(true);

      const stored = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
      expect(stored.accessTokenEnc).not.toContain(fresh);
      expect(stored.accessTokenExpiresAt!.getTime() - Date.now()).toBeGreaterThan(3500_000);
      expect(stored.refreshTokenEnc).not.toContain("shprt_");
      // The rotated pair was stored: the next caller uses it without another grant, and it works at Shopify.
      expect((await getShopifyAccess(db, tenant.id, { shopify: s.shopify })).accessToken).toBe(fresh);
      expect(grants.count()).toBe(1);
      const admin = await adminForTenant(db, tenant.id, { shopify: s.shopify });
      expect(await admin.orderById("gid://shopify/Order/1")).toBeNull();
    } finally {
      grants.restore();
    }
  });

  it("classifies a refused refresh as REVOKED and keeps the stored pair", async () => {
    const { tenant, shop } = await expiringTenant(-60_000);
    s.sim.revokeTokens(shop);
    const before = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    const error = await getShopifyAccess(db, tenant.id, { shopify: s.shopify }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAccessError);
    expect(error).toMatchObject({ kind: "REVOKED", retryable: false, tenantId: tenant.id });
    expect((await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } })).refreshTokenEnc).toBe(before.refreshTokenEnc);
  });

  it("classifies an unreachable Shopify as a retryable REFRESH_FAILED", async () => {
    const { tenant } = await expiringTenant(60_000);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed"));
    try {
      await expect(getShopifyAccess(db, tenant.id, { shopify: s.shopify })).rejects.toMatchObject({ kind: "REFRESH_FAILED", retryable: true });
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("refuses uninstalled, revoked and unconnected tenants with a typed error", async () => {
    const uninstalled = await createTestTenant(db, { shop: uniqueShop("gone"), status: "UNINSTALLED" });
    await expect(getShopifyAccess(db, uninstalled.id)).rejects.toMatchObject({ kind: "UNINSTALLED" });

    const revoked = await createTestTenant(db, { shop: uniqueShop("revoked") });
    await db.shopifyConnection.update({ where: { tenantId: revoked.id }, data: { accessTokenEnc: null, revokedAt: new Date() } });
    await expect(getShopifyAccess(db, revoked.id)).rejects.toMatchObject({ kind: "REVOKED" });

    const bare = await db.tenant.create({ data: { name: "bare", shopDomain: uniqueShop("bare") } });
    await expect(getShopifyAccess(db, bare.id)).rejects.toMatchObject({ kind: "NOT_CONNECTED" });
  });
});

describe("saveManualConnection", () => {
  it("stores a custom-app token and webhook secret encrypted, and the token is used as is", async () => {
    const shop = uniqueShop("manual");
    const token = s.sim.issueToken(shop);
    const tenant = await createTestTenant(db, { shop, status: "UNINSTALLED" });
    await saveManualConnection(
      db,
      { tenantId: tenant.id, accessToken: ` ${token} `, webhookSecret: "custom-app-secret", scopes: "read_orders", actor: { email: "support@example.com" } },
      { shopify: s.shopify },
    );

    const stored = await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id }, include: { tenant: true } });
    expect(stored).toMatchObject({ method: "MANUAL", accessTokenExpiresAt: null, refreshTokenEnc: null, revokedAt: null, scopes: "read_orders" });
    expect(stored.tenant.status).toBe("ACTIVE");
    expect(stored.tenant.shopifyShopId).toBe(String(s.sim.shopId(shop)));
    expect(stored.accessTokenEnc).not.toContain(token);
    expect(stored.webhookSecretEnc).not.toContain("custom-app-secret");
    expect(await getShopifyAccess(db, tenant.id, { shopify: s.shopify })).toEqual({ shop, accessToken: token });
    expect(await db.auditEvent.findFirst({ where: { tenantId: tenant.id, action: "shopify.manual_connection" } })).toMatchObject({ actorEmail: "support@example.com" });
  });

  /** A winery installed from Shopify, which starts in setup (as the install records it), at `step` since `since`. */
  async function installedInSetup(label: string, status: "SETUP" | "UNINSTALLED", step: "PRODUCTS" | null, since: Date | null) {
    const shop = uniqueShop(label);
    const tenant = await createTestTenant(db, { shop });
    await db.tenant.update({ where: { id: tenant.id }, data: { status, setupStep: step, setupStepSince: since } });
    await db.auditEvent.create({ data: { action: "shopify.installed", tenantId: tenant.id, details: { shopDomain: shop, status: "SETUP" } } });
    return { shop, tenant };
  }

  it("a winery in setup stays in setup, at its step", async () => {
    const since = new Date(Date.now() - 60 * 60_000);
    const { shop, tenant } = await installedInSetup("manual-setup", "SETUP", "PRODUCTS", since);
    await saveManualConnection(db, { tenantId: tenant.id, accessToken: s.sim.issueToken(shop) }, { shopify: s.shopify });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ status: "SETUP", setupStep: "PRODUCTS", setupStepSince: since });
  });

  it("a winery uninstalled before it ever went live comes back to setup, never live", async () => {
    const before = Date.now();
    const { shop, tenant } = await installedInSetup("manual-never-live", "UNINSTALLED", "PRODUCTS", new Date(before - 30 * 24 * 3600_000));
    await saveManualConnection(db, { tenantId: tenant.id, accessToken: s.sim.issueToken(shop) }, { shopify: s.shopify });
    const back = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(back).toMatchObject({ status: "SETUP", setupStep: "PRODUCTS" });
    // The month it spent uninstalled does not count as time stuck on its step.
    expect(back.setupStepSince?.getTime()).toBeGreaterThanOrEqual(before);

    const { shop: bareShop, tenant: bare } = await installedInSetup("manual-never-live-no-step", "UNINSTALLED", null, null);
    await saveManualConnection(db, { tenantId: bare.id, accessToken: s.sim.issueToken(bareShop) }, { shopify: s.shopify });
    expect(await db.tenant.findUniqueOrThrow({ where: { id: bare.id } })).toMatchObject({ status: "SETUP", setupStep: "CONNECT" });
  });

  it("a winery uninstalled after it went live comes back live", async () => {
    const { shop, tenant } = await installedInSetup("manual-went-live", "UNINSTALLED", null, null);
    await db.auditEvent.create({ data: { action: "tenant.went_live", tenantId: tenant.id, details: { queued: 0 } } });
    await db.shopifyConnection.update({ where: { tenantId: tenant.id }, data: { metafieldDefinitionAt: new Date() } });
    await saveManualConnection(db, { tenantId: tenant.id, accessToken: s.sim.issueToken(shop) }, { shopify: s.shopify });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("ACTIVE");
    // The old installation's metafield definition is not this app's: the next write makes one.
    expect((await db.shopifyConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } })).metafieldDefinitionAt).toBeNull();
  });
});

describe("the Shopify shop id of a winery connected before it was recorded", () => {
  it("is asked for once, when the winery's Admin client is first made, and stored", async () => {
    const shop = uniqueShop("backfill");
    const tenant = await createTestTenant(db, { shop, accessToken: s.sim.issueToken(shop) });
    expect(tenant.shopifyShopId).toBeNull();
    await adminForTenant(db, tenant.id, { shopify: s.shopify });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).shopifyShopId).toBe(String(s.sim.shopId(shop)));
    await adminForTenant(db, tenant.id, { shopify: s.shopify });
    expect(s.sim.requests(shop).filter((r) => r.operation === "ShopId")).toHaveLength(1);
  });

  it("a failed ask does not stop the caller, and the id another winery holds is left to it and recorded", async () => {
    const shop = uniqueShop("backfill-fails");
    const tenant = await createTestTenant(db, { shop, accessToken: s.sim.issueToken(shop) });
    s.sim.injectFaults(shop, [{ kind: "HTTP", status: 500, operation: "ShopId" }]);
    const admin = await adminForTenant(db, tenant.id, { shopify: s.shopify });
    expect(await admin.orderById("gid://shopify/Order/1")).toBeNull();
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).shopifyShopId).toBeNull();

    const twin = uniqueShop("twin");
    await createTestTenant(db, { shop: twin, shopifyShopId: String(s.sim.shopId(shop)) });
    await saveManualConnection(db, { tenantId: tenant.id, accessToken: s.sim.issueToken(shop) }, { shopify: s.shopify });
    expect(await db.auditEvent.findFirst({ where: { tenantId: tenant.id, action: "shopify.shop_id_conflict" } })).toMatchObject({ details: { heldBy: twin } });
  });
});
