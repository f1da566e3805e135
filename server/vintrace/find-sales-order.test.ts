// Finding the sales order a Shopify order already became, on current tenants and on old ones that ignore the
// externalTransactionId filter and list every order, with more than a page of existing orders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import type { VintraceClient } from "./client";
import { findSalesOrderByExternalId, findSalesOrdersByExternalId } from "./find-sales-order";
import type { VintraceExchange } from "./http";
import { simControl, testClient, testOrderBody, testSeed } from "../../test/support/vintrace";

let simulator: VintraceSimulator;
const DAY = 24 * 60 * 60 * 1000;
const ourDate = Date.parse("2026-10-05T01:14:01Z");
const ours = "shopify:hilltop.myshopify.com:6120458723401";
const hint = { orderDate: ourDate, customerName: "Shopify Web Customer" };

/** 150 orders over 30 days and two customers, ours the 120th (beyond the first page of 100). */
async function seedHistory(client: VintraceClient) {
  for (let i = 0; i < 150; i++) {
    const isOurs = i === 119;
    const result = await client.createSalesOrder(
      testOrderBody({
        customerName: i % 3 === 0 ? "Cellar Door Walk-in" : "Shopify Web Customer",
        orderDate: isOurs ? ourDate : ourDate + ((i % 30) - 15) * DAY,
        externalTransactionId: isOurs ? ours : `shopify:hilltop.myshopify.com:${5000 + i}`,
      }),
    );
    if (!result.ok) throw new Error(result.error.message);
  }
}

beforeAll(async () => {
  simulator = await startVintraceSimulator();
  await simControl(simulator, "current", "reset", testSeed());
  await simControl(simulator, "old", "reset", testSeed({ options: { honourExternalTransactionIdFilter: false } }));
  await seedHistory(testClient(simulator, "current"));
  await seedHistory(testClient(simulator, "old"));
});
afterAll(() => simulator.close());

function recording(code: string) {
  const exchanges: VintraceExchange[] = [];
  return { client: testClient(simulator, code, { onExchange: (e) => exchanges.push(e) }), exchanges };
}

describe("findSalesOrderByExternalId", () => {
  it("asks once on a tenant that honours the filter", async () => {
    const { client, exchanges } = recording("current");
    const found = await findSalesOrderByExternalId(client, ours, hint);
    expect(found.ok && found.value?.externalTransactionId).toBe(ours);
    expect(exchanges).toHaveLength(1);
    expect(new URL(exchanges[0].request.url).searchParams.get("externalTransactionId")).toBe(ours);
  });

  it("answers null when there is no such order", async () => {
    expect(await findSalesOrderByExternalId(testClient(simulator, "current"), "shopify:x:none", hint)).toEqual({ ok: true, value: null });
  });

  it("on a tenant that ignores the filter, narrows by date and customer and pages to the end", async () => {
    const { client, exchanges } = recording("old");
    const found = await findSalesOrderByExternalId(client, ours, hint);
    expect(found.ok && found.value?.externalTransactionId).toBe(ours);
    const narrowed = exchanges.slice(1).map((e) => new URL(e.request.url).searchParams);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed[0].get("startDate")).toBe("2026-10-04");
    expect(narrowed[0].get("endDate")).toBe("2026-10-06");
    expect(narrowed[0].get("customerName")).toBe("Shopify Web Customer");
  });

  it("on such a tenant, does not mistake other orders for ours, and answers null", async () => {
    const result = await findSalesOrderByExternalId(testClient(simulator, "old"), "shopify:hilltop.myshopify.com:404", hint);
    expect(result).toEqual({ ok: true, value: null });
  });

  it("finds it on such a tenant even when the order date narrows nothing (pages through everything)", async () => {
    const sim = await startVintraceSimulator();
    try {
      await simControl(sim, "old", "reset", testSeed({ options: { honourExternalTransactionIdFilter: false, maxPageSize: 100 } }));
      const client = testClient(sim, "old");
      for (let i = 0; i < 230; i++) await client.createSalesOrder(testOrderBody({ orderDate: ourDate, externalTransactionId: i === 205 ? ours : `other:${i}` }));
      const found = await findSalesOrderByExternalId(client, ours, hint);
      expect(found.ok && found.value?.externalTransactionId).toBe(ours);
    } finally {
      await sim.close();
    }
  });

  it("reports duplicates, oldest first", async () => {
    const client = testClient(simulator, "current");
    const body = testOrderBody({ externalTransactionId: "shopify:dup:1" });
    await client.createSalesOrder(body);
    await client.createSalesOrder(body);
    const all = await findSalesOrdersByExternalId(client, "shopify:dup:1", hint);
    expect(all.ok && all.value.map((o) => o.id)).toEqual(all.ok ? [...all.value.map((o) => o.id)].sort((a, b) => a - b) : []);
    expect(all.ok && all.value).toHaveLength(2);
  });

  it("passes a failure through", async () => {
    await simControl(simulator, "current", "faults", { match: "GET /sales-order/list", status: 503 });
    const result = await findSalesOrderByExternalId(testClient(simulator, "current"), ours, hint);
    expect(result).toMatchObject({ ok: false, error: { class: "TRANSIENT", status: 503 } });
  });
});
