// Permanent failures fail at once, are tagged vintrace-order-error and explained with a pointer to the fix; once
// the fix is made, the automatic retry succeeds and swaps the tag. Retries that run out end the same way.
import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { orderDetail } from "@/server/orders/detail";
import { failureGroups } from "@/server/overview/service";
import { listSyncLog } from "@/server/orders/sync-log";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { confirmRetry } from "../orders/bulk-retry";
import { retryAfterSettingsChange, retryAfterSkuMatched } from "../orders/fix-retry";
import { explainSyncError } from "../orders/status";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

const FREIGHT = { code: "FREIGHT", description: "Freight", distributions: [{ areaId: 99, qty: 1_000_000 }] };
const shippingAsStock = { shippingPolicy: "STOCK_CODE" as const, shippingStockCode: "FREIGHT" };

const posts = async (tenant: { simControl: (a: string, b?: unknown, m?: string) => Promise<unknown> }) =>
  ((await tenant.simControl("requests", undefined, "GET")) as { method: string; path: string }[]).filter((r) => r.method === "POST" && r.path.endsWith("/sales-order")).length;

describe("an unknown SKU", () => {
  it("fails at once naming the product, and succeeds once the product exists in vintrace", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: [{ sku: "TOTE-NAT", qty: 1 }] });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);

    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "VALIDATION", lastErrorFix: "products", attempts: 1, tagState: "ERROR", nextAttemptAt: null });
    expect(failed.lastErrorMessage).toContain("'TOTE-NAT'");
    expect(failed.missingSkus).toContain("TOTE-NAT");
    expect(explainSyncError(failed)).toMatchObject({ errorClass: "VALIDATION", fix: { where: "products" } });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);

    // A fix for another SKU re-queues nothing.
    expect(await retryAfterSkuMatched(db, tenant.tenantId, ["SOMETHING-ELSE"])).toBe(0);

    await tenant.simControl("stock-items", { code: "TOTE-NAT", description: "Canvas Tote", distributions: [{ areaId: 99, qty: 500 }] });
    expect(await retryAfterSkuMatched(db, tenant.tenantId, ["TOTE-NAT"])).toBe(1);
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);

    const synced = await tenant.sync(order.gid);
    expect(synced).toMatchObject({ status: "SYNCED", tagState: "CREATED", lastErrorClass: null, missingSkus: [] });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    const triggers = (await db.syncAttempt.findMany({ where: { orderSyncId: synced.id, step: "CREATE" }, orderBy: { createdAt: "asc" } })).map((a) => a.trigger);
    expect(triggers).toEqual(["webhook", "product-fix"]);
  });
});

describe("a wrong customer name in Settings", () => {
  it("is a CONFIG failure pointing at Settings (with a did-you-mean), retried when the settings change", async () => {
    const tenant = await world.addTenant({ settings: { customerName: "shopify web customer" } });
    const order = await tenant.placeOrder();
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);

    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "CONFIG", lastErrorFix: "settings" });
    expect(failed.lastErrorMessage).toContain("Did you mean 'Shopify Web Customer'?");
    expect(failed.lastErrorHowTo).toMatch(/customer name in Settings/);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);

    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { customerName: "Shopify Web Customer" } });
    expect(await retryAfterSettingsChange(db, tenant.tenantId)).toBe(1);
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
  });

  it("settings-change retries leave failures older than 7 days and other classes alone", async () => {
    const tenant = await world.addTenant({ settings: { customerName: "Nobody" } });
    const order = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const now = new Date(Date.now() + 8 * 24 * 60 * 60 * 1000);
    expect(await retryAfterSettingsChange(db, tenant.tenantId, { now })).toBe(0);
    expect((await tenant.sync(order.gid)).status).toBe("FAILED");
  });
});

describe("a refused API key", () => {
  it("fails at once as AUTH (no POST is made), tagged, pointing at Settings", async () => {
    const tenant = await world.addTenant();
    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { apiKeyEnc: (await import("@/server/crypto")).encryptSecret("wrong-key", { tenantId: tenant.tenantId, column: "VintraceSettings.apiKeyEnc" }) } });
    const order = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "FAILED", lastErrorClass: "AUTH", lastErrorFix: "settings", attempts: 1 });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);
    expect(await posts(tenant)).toBe(0);
  });
});

describe("a stored API key that cannot be decrypted", () => {
  it("is a CONFIG failure asking for the key again, not an endless crash", async () => {
    const tenant = await world.addTenant();
    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { apiKeyEnc: "v1.nokey.AAAA.AAAA.AAAA" } });
    const order = await tenant.placeOrder();
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);
    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "CONFIG", lastErrorFix: "settings", lastErrorHowTo: "Enter the vintrace API key again in Settings." });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);
  });
});

describe("an order the mapping refuses", () => {
  it("in another currency: a CONFIG failure before any call to vintrace", async () => {
    const tenant = await world.addTenant({ settings: { currency: "NZD" } });
    const order = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "CONFIG", lastErrorFix: "settings" });
    expect(failed.lastErrorMessage).toContain("AUD");
    expect(await db.syncAttempt.count({ where: { orderSyncId: failed.id, step: { in: ["LOOKUP", "CREATE"] } } })).toBe(0);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);
  });
});

describe("transient failures that never end", () => {
  it("give up after SYNC_MAX_ATTEMPTS: failed, tagged, with the last error", async () => {
    const tenant = await world.addTenant();
    const outage = Array.from({ length: 3 }, () => ({ match: "POST /sales-order", status: 503, contentType: "text/html", body: "<html>down</html>" }));
    await tenant.simControl("faults", { faults: outage });
    const order = await tenant.placeOrder();
    await runUntilIdle(world.deps({ maxAttempts: 3 }), [tenant.tenantId]);
    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "TRANSIENT", attempts: 3, tagState: "ERROR" });
    expect(failed.lastErrorMessage).toMatch(/gave up after 3 attempts/);
    expect(await posts(tenant)).toBe(3);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);
  });
});

describe("an order whose every product line is ignored", () => {
  it("fails as 'no product lines to send', tagged, with no sales order of shipping alone", async () => {
    const tenant = await world.addTenant({ settings: { ...shippingAsStock, ignoreNoSkuLines: true } });
    await tenant.simControl("stock-items", FREIGHT);
    const order = await tenant.placeOrder({ lines: [{ sku: "", qty: 1, title: "Gift wrap", price: "5.00" }, { sku: "", qty: 2, title: "Tasting fee", price: "10.00" }] });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);

    const failed = await tenant.sync(order.gid);
    expect(failed).toMatchObject({ status: "FAILED", lastErrorClass: "VALIDATION", lastErrorFix: "products", attempts: 1, tagState: "ERROR", nextAttemptAt: null, missingSkus: [] });
    expect(failed.lastErrorMessage).toMatch(/^No product lines to send: .*'Gift wrap' \(no SKU\), 'Tasting fee' \(no SKU\)/);
    expect(failed.lastErrorHowTo).toMatch(/ignore rules on the Products page/);
    expect(await posts(tenant)).toBe(0);
    expect(await db.syncAttempt.count({ where: { orderSyncId: failed.id, step: { in: ["LOOKUP", "CREATE"] } } })).toBe(0);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.error]);

    // The order's page and the failures by cause name it, with the way to its fix.
    const detail = await orderDetail(db, tenant.tenantId, failed.id);
    expect(detail?.error).toMatchObject({
      cause: "NO_PRODUCT_LINES",
      causeLabel: "No product lines to send",
      fix: { where: "products" },
      fixHref: `/products?winery=${tenant.tenantId}#ignore-rules`,
      retry: expect.stringMatching(/automatically when the ignore rules are saved/),
    });
    const [group] = await failureGroups(db, [tenant.tenantId]);
    expect(group).toMatchObject({ cause: "NO_PRODUCT_LINES", label: "No product lines to send", fix: "products", fixSection: "ignore-rules", fixRetries: true, retryable: false, orders: 1 });
    const listed = await listSyncLog(db, { tenantIds: [tenant.tenantId] }, { causes: ["NO_PRODUCT_LINES"] });
    expect(listed.rows.map((r) => r.orderName)).toEqual([order.name]);
    expect((await listSyncLog(db, { tenantIds: [tenant.tenantId] }, { causes: ["VALIDATION"] })).rows).toHaveLength(0);
  });

  it("goes through with a manual retry once the ignore rules let a product line through", async () => {
    const tenant = await world.addTenant({ settings: { ...shippingAsStock, ignoredSkus: ["21SHZ750"] } });
    await tenant.simControl("stock-items", FREIGHT);
    const order = await tenant.placeOrder({ lines: [{ sku: "21SHZ750", qty: 2 }] });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);
    expect((await tenant.sync(order.gid)).lastErrorMessage).toMatch(/^No product lines to send: .*SKU '21SHZ750' is on your ignore list/);
    expect(await posts(tenant)).toBe(0);

    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { ignoredSkus: [] } });
    const retried = await confirmRetry(db, tenant.tenantId, [order.name], { email: "staff@winery.test" }, { adminFor: world.adminFor });
    expect(retried).toMatchObject({ ok: true, counts: { queued: 1 } });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);

    expect(await tenant.sync(order.gid)).toMatchObject({ status: "SYNCED", tagState: "CREATED", lastErrorClass: null });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    const [salesOrder] = await tenant.salesOrdersFor(order.gid);
    expect(salesOrder.salesOrderItems?.map((item) => item.itemName)).toEqual(["21SHZ750", "FREIGHT"]);
  });

  it("is queued again when saving the ignore rules narrows them, audited, and goes through", async () => {
    const tenant = await world.addTenant({ settings: { ...shippingAsStock, ignoreNoSkuLines: true, ignoredSkus: ["21SHZ750", "GIFTBOX"] } });
    await tenant.simControl("stock-items", FREIGHT);
    const wine = await tenant.placeOrder({ lines: [{ sku: "21SHZ750", qty: 2 }] });
    const wrap = await tenant.placeOrder({ lines: [{ sku: "", qty: 1, title: "Gift wrap", price: "5.00" }] });
    expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed", "failed"]);

    const staff = await db.user.create({ data: { email: `rules-${tenant.tenantId}@winehub.test`, role: "SUPPORT" } });
    const caller = createCaller({ db, user: { id: staff.id, email: staff.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] } });
    const save = (rules: { ignoreNoSkuLines: boolean; ignoredSkus: string[] }) => caller.products.saveIgnoreRules({ tenantId: tenant.tenantId, ignoreGiftCards: true, ...rules });

    // Widening the rules cannot give an order a product line: nothing is queued.
    expect(await save({ ignoreNoSkuLines: true, ignoredSkus: ["21SHZ750", "GIFTBOX", "CORKSCREW"] })).toEqual({ requeued: 0 });
    // A SKU off the list: every order refused for want of product lines is queued again; the wine goes through, and
    // the order of gift wrap alone, whose line is still left out, fails again at once without a sales order.
    expect(await save({ ignoreNoSkuLines: true, ignoredSkus: ["GIFTBOX", "CORKSCREW"] })).toEqual({ requeued: 2 });
    expect((await runUntilIdle(world.deps(), [tenant.tenantId])).sort()).toEqual(["failed", "synced"]);
    expect(await tenant.sync(wine.gid)).toMatchObject({ status: "SYNCED", tagState: "CREATED", lastErrorClass: null });
    expect((await tenant.salesOrdersFor(wine.gid))[0].salesOrderItems?.map((item) => item.itemName)).toEqual(["21SHZ750", "FREIGHT"]);
    expect((await tenant.sync(wrap.gid)).lastErrorMessage).toMatch(/^No product lines to send: .*'Gift wrap' \(no SKU\)/);
    expect(await tenant.salesOrdersFor(wrap.gid)).toHaveLength(0);
    const wineSync = await tenant.sync(wine.gid);
    const attempts = await db.syncAttempt.findMany({ where: { orderSyncId: wineSync.id }, orderBy: { createdAt: "asc" }, select: { trigger: true } });
    expect(attempts.at(-1)?.trigger).toBe("ignore-rules-change");

    // A kind of line no longer ignored queues it again too.
    expect(await save({ ignoreNoSkuLines: false, ignoredSkus: ["GIFTBOX", "CORKSCREW"] })).toEqual({ requeued: 1 });
    expect(await tenant.sync(wrap.gid)).toMatchObject({ status: "PENDING", queuedBy: "ignore-rules-change" });

    const audits = await db.auditEvent.findMany({ where: { tenantId: tenant.tenantId, action: "products.ignore_rules_saved" }, orderBy: { createdAt: "asc" } });
    expect(audits.map((a) => [(a.details as { requeued: number }).requeued, a.actorEmail])).toEqual([
      [0, staff.email],
      [2, staff.email],
      [1, staff.email],
    ]);
  });
});
