// The simulator's contract, checked over raw HTTP (no app client), so the client's tests stand on known ground.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoTenants } from "../catalog";
import { startVintraceSimulator, type VintraceSimulator } from "./server";
import type { SeedInput } from "./state";

let simulator: VintraceSimulator;
const TOKEN = "sim-test-token";

const seed = (overrides: Partial<SeedInput> = {}): SeedInput => ({
  tokens: [{ token: TOKEN, permissions: ["read", "sales:write"] }],
  parties: [{ id: 43, primeName: "Shopify Web Customer" }],
  priceLists: [{ id: 7, name: "Retail Inclusive", taxPolicy: "Tax Inclusive", prices: { "21SHZ750": 35 } }],
  storageAreas: [
    { id: 99, name: "SA2 - Main Shed", buildingName: "Main Shed", tenantName: "JX2 Winery" },
    { id: 41, name: "Cellar Door Store", buildingName: "Cellar Door", tenantName: "JX2 Winery" },
  ],
  stockItems: [{ id: 37, code: "21SHZ750", description: "2021 Shiraz 750ml", price: 35, distributions: [{ areaId: 99, qty: 120 }, { areaId: 41, qty: 3 }] }],
  ...overrides,
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${simulator.url}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> & { salesOrder: Record<string, unknown> } };
}

const control = (code: string, action: string, body?: unknown, method = "POST") => call(`/${code}/__sim/${action}`, { method, body, token: null });
const order = (overrides: Record<string, unknown> = {}) => ({
  customerName: "Shopify Web Customer",
  salesPriceListName: "Retail Inclusive",
  storageAreaId: 99,
  orderDate: Date.parse("2026-10-05T01:14:01Z"),
  externalTransactionId: "shopify:shop:1",
  salesOrderItems: [{ itemName: "21SHZ750", quantity: 2, unitPrice: 35, adjustment: 7 }],
  ...overrides,
});

beforeAll(async () => {
  simulator = await startVintraceSimulator({ seedDemo: true });
});
beforeEach(async () => {
  await control("jx2", "reset", seed());
  await control("other", "reset", seed({ tokens: [{ token: "other-token", permissions: ["read", "sales:write"] }] }));
});
afterAll(() => simulator.close());

describe("customers and auth", () => {
  it("serves the demo wineries from the catalog", async () => {
    const health = await call("/__sim/health", { token: null });
    expect(health.body).toMatchObject({ ok: true });
    const [tenant] = demoTenants;
    const party = await call(`/${tenant.vintraceCode}/api/v6/party?name=${encodeURIComponent(tenant.customerName)}`, { token: tenant.vintraceToken });
    expect(party.body).toMatchObject({ primeName: tenant.customerName });
    const inventory = await call(`/${tenant.vintraceCode}/api/v6/inventory?max=100`, { token: tenant.vintraceToken });
    const codes = (inventory.body.inventorySummaries as Array<{ code: string }>).map((r) => r.code);
    expect(codes).toEqual(tenant.products.filter((p) => p.vintrace).map((p) => p.vintrace?.code));
    expect(codes).not.toContain("TOTE-NAT");
  });

  it("keeps customers' data apart, tokens included", async () => {
    expect((await call("/jx2/api/v6/sales-order", { method: "POST", body: order() })).status).toBe(200);
    expect((await call("/other/api/v6/sales-order/list", { token: "other-token" })).body).toMatchObject({ totalResult: 0 });
    expect((await call("/other/api/v6/sales-order/list")).status).toBe(401);
  });

  it("answers 401 with an errors body, and 403 on POST without sales:write", async () => {
    const missing = await call("/jx2/api/v6/sales-order/list", { token: null });
    expect(missing).toMatchObject({ status: 401, body: { errors: [{ message: "Token is not provided" }] } });
    await control("jx2", "seed", { tokens: [{ token: "ro", permissions: ["read"] }] });
    expect((await call("/jx2/api/v6/sales-order/list", { token: "ro" })).status).toBe(200);
    expect((await call("/jx2/api/v6/sales-order", { method: "POST", body: order(), token: "ro" })).body).toMatchObject({ errors: [{ message: "Permission not allowed" }] });
  });

  it("treats a trailing slash as the same path", async () => {
    expect((await call("/jx2/api/v6/party/?name=Shopify%20Web%20Customer")).body).toMatchObject({ id: 43 });
    expect((await call("/jx2/api/v6/sales-order/list/")).status).toBe(200);
  });
});

describe("POST /sales-order", () => {
  it("creates an order with totals in exact cents and commits the stock", async () => {
    const created = await call("/jx2/api/v6/sales-order", {
      method: "POST",
      body: order({ sendTo: { name: "Jane Doe", address: { city: "Adelaide" } }, salesOrderItems: [{ itemName: "21SHZ750", quantity: 3, unitPrice: 19.99, adjustment: 0.07 }] }),
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: "Success", message: null });
    expect(created.body.salesOrder).toMatchObject({
      code: `VSO${created.body.salesOrder.id}`,
      customerId: 43,
      salesOrderStatus: "New",
      fulfillment: "Not approved to send",
      orderDateAsText: "05/10/2026",
      storageAreaId: 99,
      storageAreaCode: "SA2 - Main Shed",
      priceDetails: { taxPolicy: "Tax Inclusive" },
      sendTo: { name: "Jane Doe", primeName: "Jane Doe" },
      subTotal: 54.45,
      total: 59.9,
      taxBreakdown: [{ name: "GST", amount: 5.45, ratePct: 10, inclusive: true }],
    });
    const lookup = await call("/jx2/api/v6/stock/lookup?code=21SHZ750");
    expect((lookup.body.distributions as Array<{ areaId: number; available: number }>).find((d) => d.areaId === 99)?.available).toBe(117);
  });

  it("takes the unit price from the price list when none is sent, and refuses when there is none", async () => {
    const priced = await call("/jx2/api/v6/sales-order", { method: "POST", body: order({ salesOrderItems: [{ itemName: "21SHZ750", quantity: 1 }] }) });
    expect(priced.body.salesOrder).toMatchObject({ total: 35 });
    const unpriced = await call("/jx2/api/v6/sales-order", { method: "POST", body: order({ salesPriceListName: undefined, salesOrderItems: [{ itemName: "21SHZ750", quantity: 1 }] }) });
    expect(unpriced.status).toBe(400);
  });

  it("updates an order when given its id, re-committing stock", async () => {
    const created = await call("/jx2/api/v6/sales-order", { method: "POST", body: order() });
    const id = created.body.salesOrder.id;
    const updated = await call("/jx2/api/v6/sales-order", { method: "POST", body: { id, salesOrderStatus: "Approved", salesOrderItems: [{ itemName: "21SHZ750", quantity: 5, unitPrice: 35 }] } });
    expect(updated.body.salesOrder).toMatchObject({ id, salesOrderStatus: "Approved", customerName: "Shopify Web Customer", total: 175 });
    const lookup = await call("/jx2/api/v6/stock/lookup?id=37");
    expect((lookup.body.distributions as Array<{ areaId: number; available: number }>).find((d) => d.areaId === 99)?.available).toBe(115);
  });

  it("resolves the customer case-insensitively when the option says so", async () => {
    await control("jx2", "options", { customerNameCaseSensitive: false });
    const created = await call("/jx2/api/v6/sales-order", { method: "POST", body: order({ customerName: "SHOPIFY WEB CUSTOMER" }) });
    expect(created.body.salesOrder).toMatchObject({ customerName: "Shopify Web Customer" });
  });

  it("refuses malformed JSON with a 400", async () => {
    const response = await fetch(`${simulator.url}/jx2/api/v6/sales-order`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
  });
});

describe("GET endpoints", () => {
  it("lists sales orders by id with every filter, paging and the count field", async () => {
    for (let i = 0; i < 5; i++) {
      await call("/jx2/api/v6/sales-order", { method: "POST", body: order({ externalTransactionId: `x:${i}`, orderDate: Date.parse(`2026-10-0${i + 1}T02:00:00Z`), salesOrderStatus: i === 4 ? "Approved" : "New" }) });
    }
    const list = (query: string) => call(`/jx2/api/v6/sales-order/list?${query}`).then((r) => r.body);
    const ids = (body: Record<string, unknown>) => (body.salesOrders as Array<{ externalTransactionId: string }>).map((o) => o.externalTransactionId);
    expect(ids(await list(""))).toEqual(["x:0", "x:1", "x:2", "x:3", "x:4"]);
    expect(ids(await list("externalTransactionId=x:2"))).toEqual(["x:2"]);
    expect(ids(await list("externalTransactionId=x:"))).toEqual([]);
    expect(ids(await list("startDate=2026-10-02&endDate=2026-10-03"))).toEqual(["x:1", "x:2"]);
    expect(ids(await list("status=Approved"))).toEqual(["x:4"]);
    expect(ids(await list("customerName=Nobody"))).toEqual([]);
    expect(ids(await list("startsWith=VSO"))).toHaveLength(5);
    expect(await list("first=1&max=2")).toMatchObject({ totalResult: 5 });
    expect(ids(await list("first=1&max=2"))).toEqual(["x:1", "x:2"]);
    expect((await call("/jx2/api/v6/sales-order/list?startDate=05/10/2026")).status).toBe(400);
    expect((await call("/jx2/api/v6/sales-order/list?endDate=2026-02-30")).status).toBe(400);

    await control("jx2", "options", { listCountField: "totalResultCount", maxPageSize: 3, honourExternalTransactionIdFilter: false });
    const capped = await list("externalTransactionId=x:2&max=100");
    expect(capped).toMatchObject({ totalResultCount: 5 });
    expect(ids(capped)).toEqual(["x:0", "x:1", "x:2"]);
  });

  it("gets sales orders by id and by code, 404 otherwise", async () => {
    const created = await call("/jx2/api/v6/sales-order", { method: "POST", body: order() });
    const { id, code } = created.body.salesOrder as { id: number; code: string };
    expect((await call(`/jx2/api/v6/sales-order/${id}`)).body).toMatchObject({ id, code });
    expect((await call(`/jx2/api/v6/sales-order?code=${code}`)).body).toMatchObject({ id });
    expect(await call("/jx2/api/v6/sales-order/999")).toMatchObject({ status: 404, body: { status: "Error", message: "Sales order not found" } });
  });

  it("serves parties by exact name, by id and as a list", async () => {
    expect((await call("/jx2/api/v6/party?name=shopify%20web%20customer")).status).toBe(404);
    expect((await call("/jx2/api/v6/party/43")).body).toMatchObject({ primeName: "Shopify Web Customer" });
    expect((await call("/jx2/api/v6/party/list?startsWith=shop")).body).toMatchObject({ status: "Success", parties: [{ id: 43 }] });
  });

  it("lists inventory one row per item per storage area, with the seeded price", async () => {
    const rows = (await call("/jx2/api/v6/inventory")).body.inventorySummaries as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.code, r.location, r.available, r.price])).toEqual([
      ["21SHZ750", "Cellar Door / Cellar Door Store", 3, 35],
      ["21SHZ750", "Main Shed / SA2 - Main Shed", 120, 35],
    ]);
  });

  it("looks stock up by code prefix, as vintrace does, or by id", async () => {
    await control("jx2", "stock-items", [{ id: 5, code: "21SHZ7500", distributions: [] }]);
    expect((await call("/jx2/api/v6/stock/lookup?code=21SHZ750")).body).toMatchObject({ id: 5, code: "21SHZ7500" });
    expect((await call("/jx2/api/v6/stock/lookup?id=37")).body).toMatchObject({ code: "21SHZ750", distributions: [{ areaId: 99, areaName: "SA2 - Main Shed", qty: 120 }, { areaId: 41 }] });
    expect((await call("/jx2/api/v6/stock/lookup?code=ZZZ")).status).toBe(404);
    expect((await call("/jx2/api/v6/mrp/stock/37")).body).toMatchObject({ quantity: { onHand: 123 } });
  });
});

describe("simulator controls", () => {
  it("queues one-shot faults matched by method and path glob, and logs requests with the token redacted", async () => {
    await control("jx2", "faults", { faults: [{ match: "GET /sales-order/*", status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" }] });
    const failed = await call("/jx2/api/v6/sales-order/1");
    expect(failed.status).toBe(502);
    expect(failed.body).toBe("<html>Bad gateway</html>");
    expect((await call("/jx2/api/v6/sales-order/1")).status).toBe(404);
    const log = (await control("jx2", "requests", undefined, "GET")).body as unknown as Array<{ path: string; status: number; headers: Record<string, string> }>;
    expect(log.map((r) => [r.path, r.status])).toEqual([
      ["/jx2/api/v6/sales-order/1", 502],
      ["/jx2/api/v6/sales-order/1", 404],
    ]);
    expect(log[0].headers.authorization).toBe("[redacted]");
  });

  it("lists price lists and storage areas, and changes stock items", async () => {
    expect((await control("jx2", "price-lists", undefined, "GET")).body).toMatchObject([{ id: 7, name: "Retail Inclusive" }]);
    expect((await control("jx2", "storage-areas", undefined, "GET")).body).toHaveLength(2);
    await control("jx2", "stock-items", { stockItems: [{ code: "21SHZ750", price: 36, distributions: [{ areaId: 99, qty: 1 }] }] });
    const rows = (await call("/jx2/api/v6/inventory")).body.inventorySummaries as Array<Record<string, unknown>>;
    expect(rows).toEqual([expect.objectContaining({ code: "21SHZ750", price: 36, available: 1 })]);
  });

  it("adds latency to every vintrace call", async () => {
    await call("/__sim/options", { method: "POST", body: { latencyMs: 60 }, token: null });
    const started = Date.now();
    await call("/jx2/api/v6/party/43");
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await call("/__sim/options", { method: "POST", body: { latencyMs: 0 }, token: null });
  });

  it("refuses a bad seed plainly", async () => {
    const response = await control("jx2", "seed", { stockItems: [{ code: 5 }] });
    expect(response.status).toBe(400);
  });
});
