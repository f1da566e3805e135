// Every cause a vintrace refusal is diagnosed as, end to end on real parts (PostgreSQL, the vintrace and Shopify
// simulators): the order fails with the cause and a link to the exact field or page that fixes it; the fix is made
// through the service the page uses; the order is queued again by itself (audited) and goes through.
import { describe, expect, it } from "vitest";
import { EDITABLE_SETTINGS, tenantSettingsSchema, type TenantSettingsInput } from "@/lib/tenant-settings";
import { createCaller } from "@/server/api/root";
import { encryptSecret } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { orderDetail } from "@/server/orders/detail";
import { listSyncLog } from "@/server/orders/sync-log";
import type { Cause } from "@/lib/causes";
import { failureGroups } from "@/server/overview/service";
import { applySettings, settingsView } from "@/server/settings/service";
import { retryAfterSupportReview } from "../orders/fix-retry";
import { runUntilIdle, startSyncWorldForFile, type Tenant } from "../../test/support/sync";
import { TEST_TOKEN } from "../../test/support/vintrace";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

const OWNER = { email: "owner@causes.test", mayChangeConnection: true };

/** Saves the Settings page's form as it stands with `edits` typed in: applySettings, as the page's save does. */
async function saveSettings(tenant: Tenant, edits: Partial<TenantSettingsInput>) {
  const view = await settingsView(db, tenant.tenantId);
  if (!view) throw new Error("no settings");
  const form = Object.fromEntries(EDITABLE_SETTINGS.map((f) => [f, view[f]]));
  const input = tenantSettingsSchema.parse({ ...form, apiKey: "", ...edits });
  const saved = await applySettings(db, tenant.tenantId, input, OWNER, [world.vintraceSim.url]);
  if (!saved.ok) throw new Error(`not saved: ${JSON.stringify(saved)}`);
  return saved;
}

/** The order fails once; its page shows the cause and where it is fixed, and the sync log filters by it. */
async function failsWith(tenant: Tenant, orderGid: string, cause: Cause) {
  expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["failed"]);
  const row = await tenant.sync(orderGid);
  expect(row).toMatchObject({ status: "FAILED" });
  const detail = await orderDetail(db, tenant.tenantId, row.id);
  expect(detail?.error?.cause).toBe(cause);
  // The SQL rule (sync log, Overview) says the same as the page's.
  expect((await listSyncLog(db, { tenantIds: [tenant.tenantId] }, { causes: [cause] })).rows.map((r) => r.orderName)).toEqual([row.orderName]);
  return { row, error: detail!.error! };
}

/** Queued again by the fix (audited), it goes through with one sales order. */
async function syncsAfterFix(tenant: Tenant, orderGid: string, trigger: string) {
  expect(await runUntilIdle(world.deps(), [tenant.tenantId])).toEqual(["synced"]);
  const row = await tenant.sync(orderGid);
  expect(row).toMatchObject({ status: "SYNCED", lastErrorCause: null, lastErrorVintraceText: null });
  expect(await tenant.salesOrdersFor(orderGid)).toHaveLength(1);
  const audits = await db.auditEvent.findMany({ where: { tenantId: tenant.tenantId, action: "orders.fix_retry" } });
  expect(audits.map((a) => a.details)).toContainEqual(expect.objectContaining({ trigger, requeued: 1, orders: [row.orderName] }));
  const attempts = await db.syncAttempt.findMany({ where: { orderSyncId: row.id, step: "CREATE" }, orderBy: { createdAt: "asc" } });
  expect(attempts.at(-1)?.trigger).toBe(trigger);
  return row;
}

const WINE = [{ sku: "21SHZ750", qty: 1 }];

describe("unknown stock code", () => {
  it("links to Products filtered to the SKU; mapping it there retries the order", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: [{ sku: "TOTE-NAT", qty: 1 }] });
    const { row, error } = await failsWith(tenant, order.gid, "UNKNOWN_STOCK_CODE");
    expect(row.lastErrorVintraceText).toBe("Stock item 'TOTE-NAT' not found");
    expect(error.fixHref).toBe(`/products?winery=${tenant.tenantId}&sku=TOTE-NAT`);

    const staff = await db.user.create({ data: { email: `map-${tenant.tenantId}@causes.test`, role: "SUPPORT" } });
    const caller = createCaller({ db, user: { id: staff.id, email: staff.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] } });
    expect(await caller.products.saveMapping({ tenantId: tenant.tenantId, shopifySku: "TOTE-NAT", vintraceCode: "21SHZ750", multiplier: 1 })).toEqual({ requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "product-fix");
  });

  it("an ignore rule for the SKU retries the order too, which goes through without that line", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder({ lines: [{ sku: "TOTE-NAT", qty: 1 }, ...WINE] });
    await failsWith(tenant, order.gid, "UNKNOWN_STOCK_CODE");

    const staff = await db.user.create({ data: { email: `ignore-${tenant.tenantId}@causes.test`, role: "SUPPORT" } });
    const caller = createCaller({ db, user: { id: staff.id, email: staff.email, name: null, role: "SUPPORT", tenantIds: [], ownerOf: [] } });
    const rules = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId: tenant.tenantId }, select: { ignoreNoSkuLines: true, ignoreGiftCards: true } });
    expect(await caller.products.saveIgnoreRules({ tenantId: tenant.tenantId, ...rules, ignoredSkus: ["TOTE-NAT"] })).toEqual({ requeued: 1 });
    const synced = await syncsAfterFix(tenant, order.gid, "product-fix");
    const [salesOrder] = await tenant.salesOrdersFor(synced.orderGid);
    expect(salesOrder.salesOrderItems?.map((item) => item.itemName)).toEqual(["21SHZ750"]);
  });
});

describe("a setting vintrace refuses", () => {
  it("customer not found: links to the customer field; saving another field leaves it, saving the customer retries it", async () => {
    const tenant = await world.addTenant({ settings: { customerName: "Web Orders" } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { row, error } = await failsWith(tenant, order.gid, "CUSTOMER_NOT_FOUND");
    expect(row.lastErrorVintraceText).toBe("Customer 'Web Orders' not found");
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#customerName`);

    expect(await saveSettings(tenant, { salesPriceList: "Retail Inclusive", syncTestOrders: true })).toMatchObject({ changed: ["syncTestOrders"], requeued: 0 });
    expect((await tenant.sync(order.gid)).status).toBe("FAILED");
    expect(await saveSettings(tenant, { customerName: "Shopify Web Customer" })).toMatchObject({ changed: ["customerName"], requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });

  it("customer not found, put right in vintrace: saving Settings with nothing changed retries it", async () => {
    const tenant = await world.addTenant({ settings: { customerName: "Web Orders" } });
    const order = await tenant.placeOrder({ lines: WINE });
    await failsWith(tenant, order.gid, "CUSTOMER_NOT_FOUND");

    // The winery creates the customer in vintrace rather than changing the setting, then saves the form as it is.
    await tenant.simControl("seed", { parties: [{ id: 7001, primeName: "Web Orders" }] });
    expect(await saveSettings(tenant, {})).toMatchObject({ changed: [], requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });

  it("sales price list not found: every lookup checks out and vintrace names a price list", async () => {
    const tenant = await world.addTenant({ settings: { salesPriceList: "Wholesale 2026" } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { row, error } = await failsWith(tenant, order.gid, "PRICE_LIST_NOT_FOUND");
    expect(row).toMatchObject({ lastErrorClass: "CONFIG", lastErrorFix: "settings", lastErrorVintraceText: "Sales price list 'Wholesale 2026' not found" });
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#salesPriceList`);

    expect(await saveSettings(tenant, { customerName: "Shopify Web Customer", storageAreaId: 99, ignoreStockError: false, salesPriceList: "Retail Inclusive" })).toMatchObject({ changed: ["salesPriceList"], requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });

  it("storage area refused: an area that holds none of the items, though vintrace's words speak of stock", async () => {
    const tenant = await world.addTenant({ settings: { storageAreaId: 41 } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { row, error } = await failsWith(tenant, order.gid, "STORAGE_AREA_REFUSED");
    expect(row.lastErrorVintraceText).toMatch(/^Insufficient stock for '21SHZ750' in storage area 41/);
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#storageAreaId`);

    expect(await saveSettings(tenant, { ignoreStockError: true })).toMatchObject({ requeued: 0 });
    expect(await saveSettings(tenant, { ignoreStockError: false, storageAreaId: 99 })).toMatchObject({ requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });

  it("not enough stock: links to the new setting, off by default; turning it on retries and vintrace takes the order", async () => {
    const tenant = await world.addTenant();
    expect((await settingsView(db, tenant.tenantId))?.ignoreStockError).toBe(false);
    const order = await tenant.placeOrder({ lines: [{ sku: "22CHA750", qty: 6 }] });
    const { row, error } = await failsWith(tenant, order.gid, "NOT_ENOUGH_STOCK");
    expect(row.lastErrorMessage).toContain("'22CHA750': the order needs 6, 5 available");
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#ignoreStockError`);

    expect(await saveSettings(tenant, { ignoreStockError: true })).toMatchObject({ changed: ["ignoreStockError"], requeued: 1 });
    const synced = await syncsAfterFix(tenant, order.gid, "settings-change");
    const [salesOrder] = await tenant.salesOrdersFor(synced.orderGid);
    expect(salesOrder).toMatchObject({ ignoreStockError: true });
  });

  it("vintrace address wrong: a 404 on the API links to the address field; saving the address retries it", async () => {
    const tenant = await world.addTenant({ settings: { baseUrl: world.vintraceSim.customerUrl("no-such-winery") } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { row, error } = await failsWith(tenant, order.gid, "NOT_FOUND");
    expect(row.lastErrorVintraceText).toBe("Unknown customer 'no-such-winery'");
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#baseUrl`);

    expect(await saveSettings(tenant, { customerName: "shopify web customer" })).toMatchObject({ requeued: 0 });
    expect(await saveSettings(tenant, { customerName: "Shopify Web Customer", baseUrl: world.vintraceSim.customerUrl(tenant.code) })).toMatchObject({ requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });

  it("key refused: links to the API key field; a new key retries it", async () => {
    const tenant = await world.addTenant();
    await db.vintraceSettings.update({ where: { tenantId: tenant.tenantId }, data: { apiKeyEnc: encryptSecret("wrong-key", { tenantId: tenant.tenantId, column: "VintraceSettings.apiKeyEnc" }) } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { error } = await failsWith(tenant, order.gid, "AUTH");
    expect(error.fixHref).toBe(`/settings?winery=${tenant.tenantId}#apiKey`);

    expect(await saveSettings(tenant, { syncTestOrders: true })).toMatchObject({ requeued: 0 });
    expect(await saveSettings(tenant, { apiKey: TEST_TOKEN })).toMatchObject({ changed: ["apiKey"], requeued: 1 });
    await syncsAfterFix(tenant, order.gid, "settings-change");
  });
});

describe("vintrace's words not recognised", () => {
  it("shows the words as written on the order's page, groups them by text for support, and support's retry sends it", async () => {
    const tenant = await world.addTenant();
    const words = "Sales orders cannot be dated in a closed accounting period";
    await tenant.simControl("faults", { match: "POST /sales-order", status: 400, body: { status: "Error", message: words } });
    const order = await tenant.placeOrder({ lines: WINE });
    const { row, error } = await failsWith(tenant, order.gid, "UNRECOGNISED");
    expect(row.lastErrorVintraceText).toBe(words);
    expect(error).toMatchObject({ vintraceText: words, fixHref: `/orders/${row.id}?winery=${tenant.tenantId}#vintrace-words` });

    const groups = await failureGroups(db, [tenant.tenantId]);
    expect(groups.find((g) => g.cause === "UNRECOGNISED")).toMatchObject({ orders: 1, byText: [{ text: words, orders: 1, tenants: 1 }] });

    expect(await saveSettings(tenant, { syncTestOrders: true })).toMatchObject({ requeued: 0 });
    expect(await retryAfterSupportReview(db, tenant.tenantId, words, { actor: { email: "support@causes.test" } })).toBe(1);
    await syncsAfterFix(tenant, order.gid, "support-review");
  });
});
