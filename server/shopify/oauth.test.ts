import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopifyAdmin } from "@/server/shopify/admin";
import { ShopPacer } from "@/server/shopify/shop-pacer";
import { startSimulatedShopify, TEST_APP, type SimulatedShopify } from "@/simulators/shopify/testing";

const SHOP = "river-bend.myshopify.com";
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };

/** The cookies a browser would send back: name=value of each Set-Cookie. */
const cookiesFrom = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

describe("OAuth through the simulator seam", () => {
  let s: SimulatedShopify;
  beforeAll(async () => {
    s = await startSimulatedShopify();
  });
  afterAll(() => s.sim.close());

  /** begin → the simulator's authorize page → the app's callback, as a browser would follow it. */
  async function install(expiring: boolean) {
    const begin: Response = await s.shopify.auth.begin({
      shop: SHOP,
      callbackPath: "/api/auth/callback",
      isOnline: false,
      rawRequest: new Request(`${TEST_APP.appUrl}/api/auth?shop=${SHOP}`, { headers: BROWSER }),
    });
    expect(begin.status).toBe(302);
    const authorizeUrl = begin.headers.get("Location") ?? "";
    expect(authorizeUrl.startsWith(`${s.sim.url}/shops/${SHOP}/admin/oauth/authorize?`)).toBe(true);

    const approved = await fetch(authorizeUrl, { redirect: "manual" });
    expect(approved.status).toBe(302);
    const callbackUrl = approved.headers.get("Location") ?? "";
    expect(callbackUrl.startsWith(`${TEST_APP.appUrl}/api/auth/callback?`)).toBe(true);

    return s.shopify.auth.callback({
      rawRequest: new Request(callbackUrl, { headers: { ...BROWSER, Cookie: cookiesFrom(begin) } }),
      expiring,
    });
  }

  it("lands the merchant on the simulator, accepts its signed callback and returns a working token", async () => {
    const { session, headers } = await install(false);
    expect(session).toMatchObject({ shop: SHOP, isOnline: false });
    expect(s.shopify.config.scopes?.equals(session.scope)).toBe(true);
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.expires).toBeUndefined();
    expect((headers as Headers).getSetCookie().join()).toMatch(/shopify_app_session=/);

    const order = await s.sim.createOrder({ shop: SHOP });
    const admin = createShopifyAdmin({ shop: SHOP, accessToken: session.accessToken ?? "" }, { shopify: s.shopify, pacer: new ShopPacer() });
    expect((await admin.orderById(order.gid))?.name).toBe(order.name);
  });

  it("refuses a callback whose hmac was tampered with", async () => {
    const begin: Response = await s.shopify.auth.begin({
      shop: SHOP,
      callbackPath: "/api/auth/callback",
      isOnline: false,
      rawRequest: new Request(`${TEST_APP.appUrl}/api/auth?shop=${SHOP}`, { headers: BROWSER }),
    });
    const approved = await fetch(begin.headers.get("Location") ?? "", { redirect: "manual" });
    const forged = new URL(approved.headers.get("Location") ?? "");
    forged.searchParams.set("shop", "hilltop-estate.myshopify.com");
    await expect(s.shopify.auth.callback({ rawRequest: new Request(forged, { headers: { ...BROWSER, Cookie: cookiesFrom(begin) } }) })).rejects.toThrow(
      /Invalid OAuth callback/,
    );
  });

  it("issues expiring offline tokens and rotates the refresh token", async () => {
    const { session } = await install(true);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires && session.expires.getTime() - Date.now()).toBeGreaterThan(3500_000);

    const first = await s.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken ?? "" });
    expect(first.session.accessToken).not.toBe(session.accessToken);
    expect(first.session.refreshToken).not.toBe(session.refreshToken);

    // Shopify keeps the old refresh token valid until its successor is first used…
    await s.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken ?? "" });
    const second = await s.shopify.auth.refreshToken({ shop: SHOP, refreshToken: first.session.refreshToken ?? "" });
    expect(second.session.accessToken).toMatch(/^shpat_/);
    // …and not after.
    await expect(s.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken ?? "" })).rejects.toThrow();

    const admin = createShopifyAdmin({ shop: SHOP, accessToken: second.session.accessToken ?? "" }, { shopify: s.shopify, pacer: new ShopPacer() });
    expect(await admin.orderById("gid://shopify/Order/1")).toBeNull();
  });
});
