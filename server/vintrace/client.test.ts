// The client against the simulator over HTTP: the calls the sync engine makes, and the tolerant parsing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { createVintraceClient } from "./client";
import type { VintraceExchange } from "./http";
import { simControl, testClient, testOrderBody, testSeed, TEST_TOKEN } from "../../test/support/vintrace";

let simulator: VintraceSimulator;

beforeAll(async () => {
  simulator = await startVintraceSimulator();
  await simControl(simulator, "jx2", "reset", testSeed());
});
afterAll(() => simulator.close());

describe("createVintraceClient", () => {
  it("creates a sales order and reads it back by id and by code", async () => {
    const client = testClient(simulator, "jx2");
    const created = await client.createSalesOrder(testOrderBody({ reference: "#1001", externalTransactionId: "shopify:x:1" }));
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value).toMatchObject({ customerName: "Shopify Web Customer", externalTransactionId: "shopify:x:1", total: 63, storageAreaId: 99 });
    expect(created.value.code).toBe(`VSO${created.value.id}`);
    expect(created.value.priceDetails?.taxPolicy).toBe("Tax Inclusive");
    // extra fields are kept
    expect(created.value).toHaveProperty("taxBreakdown");

    const byId = await client.getSalesOrder(created.value.id);
    const byCode = await client.getSalesOrder(created.value.code as string);
    expect(byId.ok && byId.value.reference).toBe("#1001");
    expect(byCode.ok && byCode.value.id).toBe(created.value.id);
  });

  it("finds parties by exact name only", async () => {
    const client = testClient(simulator, "jx2");
    const found = await client.findParty("Shopify Web Customer");
    expect(found.ok && found.value?.id).toBe(43);
    const missing = await client.findParty("shopify web customer");
    expect(missing).toEqual({ ok: true, value: null });
  });

  it("looks stock up by exact code, even when vintrace's prefix match returns a longer code first", async () => {
    const sim = await startVintraceSimulator();
    try {
      await simControl(sim, "prefix", "reset", testSeed({ stockItems: [
        { id: 1, code: "21SHZ7500", distributions: [] },
        { id: 2, code: "21SHZ750", distributions: [{ areaId: 99, qty: 1 }] },
      ] }));
      const client = testClient(sim, "prefix");
      const exact = await client.lookupStock("21SHZ750");
      expect(exact.ok && exact.value?.id).toBe(2);
      const prefixOnly = await client.lookupStock("21SHZ");
      expect(prefixOnly).toEqual({ ok: true, value: null });
      expect(await client.lookupStock("NOPE")).toEqual({ ok: true, value: null });
    } finally {
      await sim.close();
    }
  });

  it("pages through the whole inventory", async () => {
    const sim = await startVintraceSimulator();
    try {
      const stockItems = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, code: `ITEM${i + 1}`, price: i, distributions: [{ areaId: 99, qty: 1 }, { areaId: 41, qty: 2 }] }));
      await simControl(sim, "big", "reset", testSeed({ stockItems, options: { maxPageSize: 50 } }));
      const exchanges: VintraceExchange[] = [];
      const client = testClient(sim, "big", { onExchange: (e) => exchanges.push(e) });
      const rows = await client.listInventory();
      if (!rows.ok) throw new Error(rows.error.message);
      expect(rows.value).toHaveLength(260);
      expect(rows.value[0]).toMatchObject({ code: "ITEM1", price: 0, location: "Cellar Door / Cellar Door Store" });
      // asked for 100, given 50 a page (the cap): 260 rows take 6 pages
      expect(exchanges).toHaveLength(6);
    } finally {
      await sim.close();
    }
  });

  it("pages sales orders until a short page when the tenant sends no count", async () => {
    const sim = await startVintraceSimulator();
    try {
      await simControl(sim, "nocount", "reset", testSeed({ options: { listCountField: "none" } }));
      const client = testClient(sim, "nocount");
      for (let i = 0; i < 205; i++) await client.createSalesOrder(testOrderBody());
      let seen = 0;
      let pages = 0;
      for await (const page of client.salesOrderPages({})) {
        if (!page.ok) throw new Error(page.error.message);
        seen += page.value.length;
        pages++;
      }
      expect([seen, pages]).toEqual([205, 3]);
    } finally {
      await sim.close();
    }
  });

  it("reads the spec's variants: salesOrders for the written order, totalResultCount, string numbers", async () => {
    const replies: Record<string, unknown> = {
      "/api/v6/sales-order": { status: "Success", message: null, salesOrders: { id: "12", code: "VSO12", brandNew: true } },
      "/api/v6/sales-order/list": { totalResultCount: 1, salesOrders: [{ id: 12, externalTransactionId: "a" }] },
    };
    const fakeFetch: typeof fetch = async (input) => {
      const path = new URL(String(input)).pathname.replace("/acme", "");
      return new Response(JSON.stringify(replies[path]), { status: 200, headers: { "Content-Type": "application/json" } });
    };
    const client = createVintraceClient({ baseUrl: "https://oz50.vintrace.net/acme", apiKey: TEST_TOKEN, authScheme: "BEARER", fetch: fakeFetch });
    const created = await client.createSalesOrder(testOrderBody());
    expect(created).toMatchObject({ ok: true, value: { id: 12, code: "VSO12", brandNew: true } });
    const listed = await client.listSalesOrders({ externalTransactionId: "a" });
    expect(listed).toMatchObject({ ok: true, value: { total: 1, rows: [{ id: 12 }] } });
  });

  it("sends Basic credentials when the winery's tenant uses them", async () => {
    await simControl(simulator, "basic", "reset", testSeed({ tokens: [{ token: "apiuser:s3cret-pass", permissions: ["read"] }], options: { acceptBasicAuth: true } }));
    const client = createVintraceClient({ baseUrl: simulator.customerUrl("basic"), apiKey: "apiuser:s3cret-pass", authScheme: "BASIC" });
    const party = await client.findParty("Shopify Web Customer");
    expect(party.ok && party.value?.id).toBe(43);
  });

  it("records every call for the sync engine, without the credentials", async () => {
    const exchanges: VintraceExchange[] = [];
    const client = testClient(simulator, "jx2", { onExchange: (e) => exchanges.push(e) });
    await client.createSalesOrder(testOrderBody({ externalTransactionId: "shopify:x:rec" }));
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange.request).toMatchObject({ method: "POST", url: `${simulator.customerUrl("jx2")}/api/v6/sales-order` });
    expect(exchange.request.headers).toMatchObject({ accept: "application/json", "content-type": "application/json" });
    expect(exchange.request.headers).not.toHaveProperty("authorization");
    expect(exchange.request.body).toMatchObject({ externalTransactionId: "shopify:x:rec" });
    expect(exchange.status).toBe(200);
    expect(JSON.parse(exchange.responseBody ?? "")).toMatchObject({ status: "Success" });
    expect(JSON.stringify(exchanges)).not.toContain(TEST_TOKEN);
  });
});
