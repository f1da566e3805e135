import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { completeInstall, INSTALL_CALLBACK_PATH } from "@/server/shopify/install";
import { handleLaunch } from "@/server/shopify/launch";
import { createTestTenant, startSimulatedShopifyForFile, uniqueShop } from "@/test/support/shopify";
import { TEST_APP } from "@/simulators/shopify/testing";

// Opening the app from the Shopify admin, with the launch links the Shopify simulator signs as Shopify does.
const BROWSER = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };
const cookiesFrom = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

const db = createPrisma();
const s = await startSimulatedShopifyForFile(db);

const launch = (url: string, signedIn = false) =>
  handleLaunch(new Request(url, { headers: BROWSER }), { db, shopify: s.shopify, appUrl: TEST_APP.appUrl, signedIn: async () => signedIn });

/** Follows a launch that began OAuth: the simulator's grant, then our callback. */
async function approveInstall(begin: Response) {
  const approved = await fetch(begin.headers.get("Location") ?? "", { redirect: "manual" });
  const callbackUrl = approved.headers.get("Location") ?? "";
  expect(callbackUrl.startsWith(`${TEST_APP.appUrl}${INSTALL_CALLBACK_PATH}?`)).toBe(true);
  return completeInstall(new Request(callbackUrl, { headers: { ...BROWSER, Cookie: cookiesFrom(begin) } }), { db, shopify: s.shopify, appUrl: TEST_APP.appUrl });
}

describe("opening the app from the Shopify admin", () => {
  it("installs a shop we hold no token for through OAuth, then sends the next launch to sign-in and the winery's overview", async () => {
    const shop = uniqueShop("launch-new");
    const begin = await launch(s.sim.launchUrl(shop));
    expect(begin.status).toBe(302);
    expect(begin.headers.get("Location")).toContain(`/shops/${shop}/admin/oauth/authorize?`);
    const { result } = await approveInstall(begin);
    expect(result?.tenantId).toBeTruthy();

    const again = await launch(s.sim.launchUrl(shop));
    expect(again.status).toBe(302);
    const overview = `/?winery=${result!.tenantId}`;
    expect(again.headers.get("Location")).toBe(`${TEST_APP.appUrl}/login?callbackUrl=${encodeURIComponent(overview)}`);
    // Already signed in: straight to the overview.
    expect((await launch(s.sim.launchUrl(shop), true)).headers.get("Location")).toBe(`${TEST_APP.appUrl}${overview}`);
  });

  it("begins OAuth again for a winery whose tokens Shopify no longer accepts, and keeps the same winery", async () => {
    const shop = uniqueShop("launch-back");
    const tenant = await createTestTenant(db, { shop, uninstalledAt: new Date() });
    const begin = await launch(s.sim.launchUrl(shop), true);
    expect(begin.headers.get("Location")).toContain(`/shops/${shop}/admin/oauth/authorize?`);
    const { result } = await approveInstall(begin);
    expect(result).toMatchObject({ tenantId: tenant.id, reinstalled: true });
    expect((await launch(s.sim.launchUrl(shop), true)).headers.get("Location")).toBe(`${TEST_APP.appUrl}/?winery=${tenant.id}`);
  });

  it("answers a wrongly signed or stale link with a plain error page and changes nothing", async () => {
    const shop = uniqueShop("launch-forged");
    const good = new URL(s.sim.launchUrl(shop));
    const otherShop = new URL(good);
    otherShop.searchParams.set("shop", uniqueShop("victim"));
    const unsigned = new URL(good);
    unsigned.searchParams.delete("hmac");
    const stale = s.sim.launchUrl(shop, { timestamp: Math.floor(Date.now() / 1000) - 300 });
    for (const url of [otherShop.href, unsigned.href, stale]) {
      const response = await launch(url, true);
      expect(response.status).toBe(401);
      expect(response.headers.get("Content-Type")).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(/not signed by Shopify, or it has expired/);
    }
    expect(await db.tenant.count({ where: { shopDomain: shop } })).toBe(0);
  });
});
