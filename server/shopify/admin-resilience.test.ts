import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createShopifyAdmin } from "@/server/shopify/admin";
import { ShopifyAdminError } from "@/server/shopify/admin-error";
import { ShopPacer } from "@/server/shopify/shop-pacer";
import { startSimulatedShopify, type SimulatedShopify } from "@/simulators/shopify/testing";

const HILLTOP = "hilltop-estate.myshopify.com";
const RIVER_BEND = "river-bend.myshopify.com";

const outcomes = (s: SimulatedShopify, shop: string) => s.sim.requests(shop).map((r) => `${r.operation}:${r.outcome}:${r.status}`);

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe("Admin API failures: throttling, retries, typed errors", () => {
  let s: SimulatedShopify;
  let gid: string;
  beforeAll(async () => {
    s = await startSimulatedShopify();
  });
  afterAll(() => s.sim.close());
  beforeEach(async () => {
    s.sim.reset();
    gid = (await s.sim.createOrder({ shop: HILLTOP })).gid;
  });

  it("waits out THROTTLED (HTTP 200) for the time the bucket needs, then succeeds", async () => {
    const admin = s.adminFor(HILLTOP);
    s.sim.injectFaults(HILLTOP, [{ kind: "THROTTLED" }]);
    const { value, ms } = await timed(admin.orderById(gid));
    expect(value?.id).toBe(gid);
    // the simulator leaves the bucket one second of restore short: ceil(missing / restoreRate) = 1 s
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2500);
    expect(outcomes(s, HILLTOP)).toEqual(["OrderById:throttled:200", "OrderById:ok:200"]);
  });

  it("treats a THROTTLED body sent with HTTP 429 the same way", async () => {
    const admin = s.adminFor(HILLTOP);
    s.sim.injectFaults(HILLTOP, [{ kind: "THROTTLED", status: 429 }]);
    const { ms } = await timed(admin.tagsAdd(gid, ["vintrace-order-created"]));
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(outcomes(s, HILLTOP)).toEqual(["TagsAdd:throttled:429", "TagsAdd:ok:200"]);
    expect(s.sim.tagsOf(HILLTOP, gid)).toEqual(["vintrace-order-created"]);
  });

  it("honours Retry-After on a plain HTTP 429", async () => {
    const admin = s.adminFor(HILLTOP);
    s.sim.injectFaults(HILLTOP, [{ kind: "HTTP", status: 429, retryAfter: 1 }]);
    const { value, ms } = await timed(admin.orderById(gid));
    expect(value?.id).toBe(gid);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(outcomes(s, HILLTOP)).toEqual(["OrderById:fault:429", "OrderById:ok:200"]);
  });

  it("retries 5xx with backoff and succeeds", async () => {
    const admin = s.adminFor(HILLTOP);
    s.sim.injectFaults(HILLTOP, [{ kind: "HTTP", status: 503 }, { kind: "HTTP", status: 500 }, { kind: "HTTP", status: 502 }]);
    expect((await admin.orderById(gid))?.id).toBe(gid);
    expect(outcomes(s, HILLTOP)).toEqual(["OrderById:fault:503", "OrderById:fault:500", "OrderById:fault:502", "OrderById:ok:200"]);
  });

  it("gives up after a bounded number of attempts with a retryable TRANSIENT error", async () => {
    const admin = s.adminFor(HILLTOP, { retry: { maxAttempts: 3 } });
    s.sim.injectFaults(HILLTOP, [{ kind: "HTTP", status: 500, count: 10 }]);
    const error = await admin.orderById(gid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAdminError);
    expect(error).toMatchObject({ kind: "TRANSIENT", retryable: true, status: 500 });
    expect((error as Error).message).toMatch(/after 3 attempts/);
    expect(s.sim.requests(HILLTOP)).toHaveLength(3);
  });

  it("reports THROTTLED, retryable, when the shop stays throttled", async () => {
    const admin = s.adminFor(HILLTOP, { retry: { maxAttempts: 2 } });
    s.sim.injectFaults(HILLTOP, [{ kind: "HTTP", status: 429, retryAfter: 0, count: 5 }]);
    await expect(admin.orderById(gid)).rejects.toMatchObject({ kind: "THROTTLED", retryable: true });
  });

  it("reports a revoked token as AUTH at once, without retrying", async () => {
    const admin = s.adminFor(HILLTOP);
    s.sim.revokeTokens(HILLTOP);
    const error = await admin.orderById(gid).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "AUTH", retryable: false, status: 401 });
    expect((error as Error).message).toMatch(/uninstalled or the token was revoked/);
    expect(s.sim.requests(HILLTOP)).toHaveLength(1);
  });

  it("reports an unknown shop as NOT_FOUND", async () => {
    const unknown = createShopifyAdmin({ shop: "never-installed.myshopify.com", accessToken: "shpat_x" }, { shopify: s.shopify, pacer: new ShopPacer() });
    await expect(unknown.orderById(gid)).rejects.toMatchObject({ kind: "NOT_FOUND", retryable: false });
  });

  it("paces each shop separately: shop B is not delayed while shop A is throttled", async () => {
    const pacer = new ShopPacer();
    const adminA = s.adminFor(HILLTOP, { pacer });
    const adminB = s.adminFor(RIVER_BEND, { pacer });
    const gidB = (await s.sim.createOrder({ shop: RIVER_BEND })).gid;
    // Shop A: a small bucket that restores slowly, just emptied by a burst from elsewhere.
    s.sim.configureShop(HILLTOP, { bucket: { maximumAvailable: 20, restoreRate: 2 } });
    s.sim.injectFaults(HILLTOP, [{ kind: "THROTTLED" }]);

    const firstA = timed(adminA.orderById(gid));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pacer.delayFor(HILLTOP, 2)).toBeGreaterThan(0);
    expect(pacer.delayFor(RIVER_BEND, 2)).toBe(0);
    const moreA = Promise.all([adminA.orderById(gid), adminA.orderById(gid)]);

    const b = await timed(
      (async () => {
        for (let i = 0; i < 10; i++) await adminB.orderById(gidB);
      })(),
    );
    expect(b.ms).toBeLessThan(500);
    expect(s.sim.requests(RIVER_BEND).map((r) => r.outcome)).toEqual(Array(10).fill("ok"));
    // meanwhile A's other requests waited for A's bucket in the pacer instead of being throttled by Shopify
    expect(outcomes(s, HILLTOP)).toEqual(["OrderById:throttled:200"]);

    expect((await firstA).ms).toBeGreaterThanOrEqual(950);
    expect((await moreA).map((o) => o?.id)).toEqual([gid, gid]);
    expect(s.sim.requests(HILLTOP).filter((r) => r.outcome === "throttled").length).toBeLessThanOrEqual(2);
  });
});
