import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { ProductVariant, ShopifyAdmin } from "@/server/shopify/admin";
import { startSyncWorldForFile } from "@/test/support/sync";
import { latestProductCheck, runProductCheck } from "./check";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const winery = await world.addWinery({ label: "products" });

const variants: ProductVariant[] = [
  { id: "gid://shopify/ProductVariant/1", sku: "21SHZ750", title: "Default Title", productTitle: "2021 Shiraz 750ml", price: "35.00" },
  { id: "gid://shopify/ProductVariant/2", sku: "22CHA750", title: "Default Title", productTitle: "2022 Chardonnay 750ml", price: "31.00" },
  { id: "gid://shopify/ProductVariant/3", sku: "NEW-CODE", title: "Gift box", productTitle: "Tasting Pack", price: "60.00" },
  { id: "gid://shopify/ProductVariant/4", sku: null, title: "Default Title", productTitle: "Gift wrapping", price: "5.00" },
];

/** The check reads only the variants from Shopify. */
const adminFor = async () =>
  ({
    shop: winery.shop,
    async *productVariants() {
      yield* variants;
    },
  }) as unknown as ShopifyAdmin;

describe("the product check", () => {
  it("stores what it found, and re-queues the failed orders a now-matched SKU fixes", async () => {
    const vintraceFor = world.deps().vintraceFor;
    const failed = await db.orderSync.create({
      data: {
        tenantId: winery.tenantId,
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

    const first = await runProductCheck(db, winery.tenantId, { adminFor, vintraceFor });
    expect(first).toMatchObject({ status: "DONE", trigger: "nightly", error: null });
    expect(first.summary).toMatchObject({ total: 4, matched: 2, missingInVintrace: 1, noSku: 1, priceDiffers: 1, nameDiffers: 0 });
    expect(first.rows.find((r) => r.sku === "22CHA750")?.warnings).toEqual(["PRICE_DIFFERS"]);
    expect((await db.orderSync.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("FAILED");

    await winery.simControl("stock-items", { code: "NEW-CODE", description: "Tasting Pack - Gift box", price: 60, distributions: [{ areaId: 99, qty: 10 }] });
    const second = await runProductCheck(db, winery.tenantId, { adminFor, vintraceFor, trigger: "user:owner@example.com" });
    expect(second.summary).toMatchObject({ matched: 3, missingInVintrace: 0 });
    const requeued = await db.orderSync.findUniqueOrThrow({ where: { id: failed.id } });
    expect(requeued).toMatchObject({ status: "PENDING", queuedBy: "product-fix" });

    const latest = await latestProductCheck(db, winery.tenantId);
    expect(latest.last?.id).toBe(second.id);
    expect(latest.running).toBeNull();
  });

  it("records why it could not run, and keeps only the last few runs", async () => {
    const unreachable = async (): Promise<ShopifyAdmin> => {
      throw new Error("This winery has no Shopify connection");
    };
    const check = await runProductCheck(db, winery.tenantId, { adminFor: unreachable, vintraceFor: world.deps().vintraceFor });
    expect(check).toMatchObject({ status: "FAILED", error: "Could not connect to Shopify: This winery has no Shopify connection" });
    expect((await latestProductCheck(db, winery.tenantId)).last?.status).toBe("FAILED");

    for (let i = 0; i < 6; i++) await runProductCheck(db, winery.tenantId, { adminFor, vintraceFor: world.deps().vintraceFor });
    expect(await db.productCheck.count({ where: { tenantId: winery.tenantId } })).toBe(5);
  });

  it("says so when vintrace is not set up", async () => {
    const bare = await db.tenant.create({ data: { name: "Bare", shopDomain: `bare-${Date.now()}.myshopify.com` } });
    const check = await runProductCheck(db, bare.id, { adminFor, vintraceFor: world.deps().vintraceFor });
    expect(check.status).toBe("FAILED");
    expect(check.error).toMatch(/vintrace is not set up/);
  });
});
