// Test helpers: a simulator customer seeded with a small cellar, and a client for it. Used by this folder's
// tests and by the sync engine's tests; never by production code.
import type { SeedInput } from "@/simulators/vintrace/state";
import type { VintraceSimulator } from "@/simulators/vintrace/server";
import { createVintraceClient, type VintraceClient } from "../../server/vintrace/client";
import type { VintraceConnection } from "../../server/vintrace/http";
import type { SalesOrderBody } from "../../server/vintrace/sales-order-body";

/** Deliberately distinctive, so a test can prove it never leaks. */
export const TEST_TOKEN = "tok-SECRET-7f3a9c2e51";
export const READ_ONLY_TOKEN = "tok-READONLY-0d8e44";

export function testSeed(overrides: Partial<SeedInput> = {}): SeedInput {
  return {
    tokens: [
      { token: TEST_TOKEN, permissions: ["read", "sales:write"] },
      { token: READ_ONLY_TOKEN, permissions: ["read"] },
    ],
    parties: [
      { id: 43, primeName: "Shopify Web Customer", isOrganization: true },
      { id: 44, primeName: "Cellar Door Walk-in", isOrganization: true },
    ],
    priceLists: [{ id: 7, name: "Retail Inclusive", taxPolicy: "Tax Inclusive", prices: { "21SHZ750": 35 } }],
    storageAreas: [
      { id: 99, name: "SA2 - Main Shed", buildingName: "Main Shed", tenantName: "JX2 Winery" },
      { id: 41, name: "Cellar Door Store", buildingName: "Cellar Door", tenantName: "JX2 Winery" },
    ],
    stockItems: [
      { id: 37, code: "21SHZ750", description: "2021 Shiraz 750ml", price: 35, distributions: [{ areaId: 99, qty: 100_000 }] },
      { id: 38, code: "22CHA750", description: "2022 Chardonnay 750ml", price: 29, distributions: [{ areaId: 99, qty: 5 }] },
      { id: 39, code: "23RSE750", description: "2023 Rosé 750ml", price: null, distributions: [{ areaId: 41, qty: 50 }] },
    ],
    ...overrides,
  };
}

/** POSTs (or GETs) one of the simulator's /<code>/__sim/ endpoints. */
export async function simControl(simulator: VintraceSimulator, code: string, action: string, body?: unknown, method = "POST"): Promise<unknown> {
  const response = await fetch(`${simulator.customerUrl(code)}/__sim/${action}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`__sim/${action}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

export function testClient(simulator: VintraceSimulator, code: string, overrides: Partial<VintraceConnection> = {}): VintraceClient {
  return createVintraceClient({ baseUrl: simulator.customerUrl(code), apiKey: TEST_TOKEN, authScheme: "BEARER", timeoutMs: 5_000, ...overrides });
}

let nextOrder = 1;

/** A valid sales order for testSeed(): two Shiraz for the web customer, from the main shed. */
export function testOrderBody(overrides: Partial<SalesOrderBody> = {}): SalesOrderBody {
  const n = nextOrder++;
  return {
    customerName: "Shopify Web Customer",
    salesPriceListName: "Retail Inclusive",
    storageAreaId: 99,
    salesOrderStatus: "New",
    orderDate: Date.parse("2026-10-05T01:14:01Z"),
    reference: `#${1000 + n}`,
    externalTransactionId: `shopify:test.myshopify.com:${6120458723400 + n}`,
    ignoreStockError: false,
    salesOrderItems: [{ itemName: "21SHZ750", quantity: 2, unitPrice: 35, adjustment: 7, externalReference: `gid://shopify/LineItem/${n}` }],
    ...overrides,
  };
}
