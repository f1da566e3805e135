// The product check: what it finds and stores, and how it runs: queued by a request that returns at once, claimed by
// one worker at a time, its progress visible while it works, taken over when its worker dies or hands it back.
import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { CurrentUser } from "@/server/auth/current-user";
import { createPrisma } from "@/server/db";
import { startProductCheckRunner } from "@/server/jobs/product-checks";
import type { ProductVariant, ShopifyAdmin } from "@/server/shopify/admin";
import { startSyncWorldForFile, uniqueLabel, until } from "@/test/support/sync";
import { claimProductCheck, latestProductCheck, performProductCheck, PHASES, productCheckRows, requestProductCheck, runProductCheck } from "./check";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const tenant = await world.addTenant({ label: "products" });

const variants: ProductVariant[] = [
  { id: "gid://shopify/ProductVariant/1", sku: "21SHZ750", title: "Default Title", productTitle: "2021 Shiraz 750ml", price: "35.00" },
  { id: "gid://shopify/ProductVariant/2", sku: "22CHA750", title: "Default Title", productTitle: "2022 Chardonnay 750ml", price: "31.00" },
  { id: "gid://shopify/ProductVariant/3", sku: "NEW-CODE", title: "Gift box", productTitle: "Tasting Pack", price: "60.00" },
  { id: "gid://shopify/ProductVariant/4", sku: null, title: "Default Title", productTitle: "Gift wrapping", price: "5.00" },
];

/** The check reads only the variants from Shopify. */
const adminFor = async () =>
  ({
    shop: tenant.shop,
    async *productVariants() {
      yield* variants;
    },
  }) as unknown as ShopifyAdmin;

describe("the product check", () => {
  it("stores what it found, and re-queues the failed orders a now-matched SKU fixes", async () => {
    const vintraceFor = world.deps().vintraceFor;
    const failed = await db.orderSync.create({
      data: {
        tenantId: tenant.tenantId,
        orderGid: "gid://shopify/Order/555",
        orderName: "#555",
        source: "WEBHOOK",
        status: "FAILED",
        nextAttemptAt: null,
        lastErrorClass: "VALIDATION",
        lastErrorMessage: "vintrace has no stock item with code 'NEW-CODE'",
        missingSkus: ["NEW-CODE"],
      },
    });

    const first = await runProductCheck(db, tenant.tenantId, { adminFor, vintraceFor });
    expect(first).toMatchObject({ status: "DONE", trigger: "nightly", error: null });
    expect(first.summary).toMatchObject({ total: 4, matched: 2, missingInVintrace: 1, noSku: 1, priceDiffers: 1, nameDiffers: 0 });
    expect(first.rows.find((r) => r.sku === "22CHA750")?.warnings).toEqual(["PRICE_DIFFERS"]);
    expect((await db.orderSync.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("FAILED");

    await tenant.simControl("stock-items", { code: "NEW-CODE", description: "Tasting Pack - Gift box", price: 60, distributions: [{ areaId: 99, qty: 10 }] });
    const second = await runProductCheck(db, tenant.tenantId, { adminFor, vintraceFor, trigger: "user:owner@example.com" });
    expect(second.summary).toMatchObject({ matched: 3, missingInVintrace: 0 });
    const requeued = await db.orderSync.findUniqueOrThrow({ where: { id: failed.id } });
    expect(requeued).toMatchObject({ status: "PENDING", queuedBy: "product-fix" });

    const latest = await latestProductCheck(db, tenant.tenantId);
    expect(latest.last?.id).toBe(second.id);
    expect(latest.running).toBeNull();
    // what the page reads back is what the run found, times included
    const { rows, ...info } = second;
    expect(latest.last).toEqual(info);
    expect(await productCheckRows(db, tenant.tenantId, second.id)).toEqual(rows);
    expect(await productCheckRows(db, "another-winery", second.id)).toBeNull();
  });

  it("records why it could not run, and keeps only the last few runs", async () => {
    const unreachable = async (): Promise<ShopifyAdmin> => {
      throw new Error("This winery has no Shopify connection");
    };
    const check = await runProductCheck(db, tenant.tenantId, { adminFor: unreachable, vintraceFor: world.deps().vintraceFor });
    expect(check).toMatchObject({ status: "FAILED", error: "Could not connect to Shopify: This winery has no Shopify connection" });
    expect((await latestProductCheck(db, tenant.tenantId)).last?.status).toBe("FAILED");

    for (let i = 0; i < 6; i++) await runProductCheck(db, tenant.tenantId, { adminFor, vintraceFor: world.deps().vintraceFor });
    expect(await db.productCheck.count({ where: { tenantId: tenant.tenantId } })).toBe(5);
  });

  it("says so when vintrace is not set up", async () => {
    const bare = await db.tenant.create({ data: { name: "Bare", shopDomain: `bare-${Date.now()}.myshopify.com` } });
    const check = await runProductCheck(db, bare.id, { adminFor, vintraceFor: world.deps().vintraceFor });
    expect(check.status).toBe("FAILED");
    expect(check.error).toMatch(/vintrace is not set up/);
  });
});

async function ownerOf(tenantId: string): Promise<CurrentUser> {
  const user = await db.user.create({ data: { email: `${uniqueLabel("owner")}@winery.test`, memberships: { create: { tenantId, role: "OWNER" } } } });
  return { id: user.id, email: user.email, name: null, role: "MERCHANT", tenantIds: [tenantId], ownerOf: [tenantId] };
}

describe("a product check run", () => {
  it("is queued by the Run check call, which returns at once; a second click joins the same run", async () => {
    const shop = await world.addTenant({ label: "clicks" });
    const caller = createCaller({ db, user: await ownerOf(shop.tenantId) });
    // Were the check run inside the request, this would hold the call for 5 s.
    await shop.simControl("faults", { faults: [{ match: "GET /inventory", delayMs: 5_000 }] });
    const started = Date.now();
    const first = await caller.products.run({ tenantId: shop.tenantId });
    const second = await caller.products.run({ tenantId: shop.tenantId });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(first).toMatchObject({ joined: false });
    expect(second).toEqual({ id: first.id, joined: true });
    expect(await db.productCheck.findMany({ where: { tenantId: shop.tenantId } })).toMatchObject([{ id: first.id, status: "QUEUED", workerId: null }]);
    // The nightly job asking meanwhile joins it too.
    expect(await requestProductCheck(db, shop.tenantId, "nightly")).toEqual({ id: first.id, joined: true });
    expect((await caller.products.latest({ tenantId: shop.tenantId })).running).toMatchObject({ id: first.id, status: "QUEUED" });
  });

  it("shows its phase and progress while a worker runs it, then the result", async () => {
    const shop = await world.addTenant({ label: "progress" });
    const { id } = await requestProductCheck(db, shop.tenantId, "user:owner@example.com");
    await shop.simControl("faults", { faults: [{ match: "GET /inventory", delayMs: 1_500 }] });
    const runner = startProductCheckRunner(world.deps(), { owner: uniqueLabel("worker"), pollMs: 50, onlyTenants: [shop.tenantId] });
    try {
      // Shopify's catalogue is read; vintrace's is slow to answer.
      const midway = await until("the run to wait on vintrace", async () => {
        const { running } = await latestProductCheck(db, shop.tenantId);
        return running?.phase === PHASES.vintrace && running;
      });
      expect(midway).toMatchObject({ id, status: "RUNNING", progressDone: 0, progressTotal: expect.any(Number) });
      expect(midway.progressTotal).toBeGreaterThan(0);
      const done = await until("the run to finish", async () => (await latestProductCheck(db, shop.tenantId)).last);
      expect(done).toMatchObject({ id, status: "DONE", phase: null, progressDone: midway.progressTotal, progressTotal: midway.progressTotal });
      expect(done.summary?.total).toBe(midway.progressTotal);
      expect((await latestProductCheck(db, shop.tenantId)).running).toBeNull();
    } finally {
      await runner.stop();
    }
  });

  it("is taken over once the lease of a worker that died with it lapses, and the dead worker can no longer write", async () => {
    const shop = await world.addTenant({ label: "takeover" });
    const { id } = await requestProductCheck(db, shop.tenantId, "nightly");
    const dead = { owner: uniqueLabel("dead"), leaseMs: 400 };
    const rescuer = { owner: uniqueLabel("rescuer"), leaseMs: 60_000 };
    const held = await claimProductCheck(db, dead, { tenantIds: [shop.tenantId] });
    expect(held).toMatchObject({ id, status: "RUNNING", workerId: dead.owner });
    // Within the lease nobody else takes it.
    expect(await claimProductCheck(db, rescuer, { tenantIds: [shop.tenantId] })).toBeNull();

    const taken = await until("the lease to lapse", () => claimProductCheck(db, rescuer, { tenantIds: [shop.tenantId] }));
    expect(taken).toMatchObject({ id, workerId: rescuer.owner });
    const deps = { adminFor: world.deps().adminFor, vintraceFor: world.deps().vintraceFor };
    // The dead worker wakes up and tries to carry on: every write of its is refused, and it says so.
    expect(await performProductCheck(db, held!, dead, deps)).toBeNull();
    expect(await db.productCheck.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RUNNING", workerId: rescuer.owner });
    expect(await performProductCheck(db, taken, rescuer, deps)).toMatchObject({ id, status: "DONE" });
  });

  it("is handed back by a stopping worker whose run outlasts the grace, and another worker takes it at once", async () => {
    const shop = await world.addTenant({ label: "handback" });
    const { id } = await requestProductCheck(db, shop.tenantId, "nightly");
    await shop.simControl("faults", { faults: [{ match: "GET /inventory", delayMs: 3_000 }] });
    const stopping = startProductCheckRunner(world.deps(), { owner: uniqueLabel("stopping"), pollMs: 50, onlyTenants: [shop.tenantId] });
    await until("the run to be claimed", async () => (await db.productCheck.findUniqueOrThrow({ where: { id } })).status === "RUNNING");
    await stopping.stop({ graceMs: 100 });
    expect(await db.productCheck.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "QUEUED", workerId: null, leaseUntil: null });
    const next = { owner: uniqueLabel("next"), leaseMs: 60_000 };
    expect(await claimProductCheck(db, next, { tenantIds: [shop.tenantId] })).toMatchObject({ id, workerId: next.owner });
    // The handed-back run goes on in the background until vintrace answers (its late writes are refused). Waited for,
    // so it is not still using the database when the file's database is dropped after the last test.
    await stopping.stop({ graceMs: 10_000 });
    expect(await db.productCheck.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RUNNING", workerId: next.owner });
  });
});
