// After a 400, our own lookups find the cause; vintrace's wording is never parsed, because it is not documented.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { diagnoseRejection } from "./diagnose-rejection";
import type { SalesOrderBody } from "./sales-order-body";
import { simControl, testClient, testOrderBody, testSeed } from "../../test/support/vintrace";

let simulator: VintraceSimulator;
const code = "diagnose";

beforeAll(async () => {
  simulator = await startVintraceSimulator();
  await simControl(simulator, code, "reset", testSeed());
});
afterAll(() => simulator.close());

/** POSTs the body, expects vintrace to refuse it, and diagnoses the refusal. */
async function diagnose(body: SalesOrderBody, lines?: Array<{ externalReference: string; shopifyName: string }>) {
  const client = testClient(simulator, code);
  const result = await client.createSalesOrder(body);
  if (result.ok) throw new Error("expected vintrace to refuse the order");
  return diagnoseRejection(client, body, { rejection: result.error, lines });
}

describe("diagnoseRejection", () => {
  it("a wrong customer name is CONFIG, with a did-you-mean", async () => {
    const error = await diagnose(testOrderBody({ customerName: "shopify web customer" }));
    expect(error).toMatchObject({ class: "CONFIG", retryable: false, status: 400, fix: { where: "settings" } });
    expect(error.message).toBe("vintrace has no customer named exactly 'shopify web customer'. Did you mean 'Shopify Web Customer'?");
    expect(error.vintraceMessage).toBe("Customer 'shopify web customer' not found");
  });

  it("an unknown customer is CONFIG", async () => {
    const error = await diagnose(testOrderBody({ customerName: "Online Shop" }));
    expect(error).toMatchObject({ class: "CONFIG", message: "vintrace has no customer named exactly 'Online Shop'." });
  });

  it("a storage area that holds none of the items is CONFIG, naming the areas that do", async () => {
    const error = await diagnose(testOrderBody({ storageAreaId: 12345 }));
    expect(error).toMatchObject({ class: "CONFIG", fix: { where: "settings" } });
    expect(error.message).toBe("Storage area 12345 holds none of this order's stock items in vintrace. This order's items are stocked in storage area 99 'SA2 - Main Shed'.");
  });

  it("a missing stock code is VALIDATION naming the Shopify product", async () => {
    const body = testOrderBody({
      salesOrderItems: [
        { itemName: "21SHZ750", quantity: 1, unitPrice: 35, externalReference: "gid://shopify/LineItem/1" },
        { itemName: "TOTE-NAT", quantity: 1, unitPrice: 15, externalReference: "gid://shopify/LineItem/2" },
      ],
    });
    const error = await diagnose(body, [
      { externalReference: "gid://shopify/LineItem/1", shopifyName: "2021 Shiraz - 750ml" },
      { externalReference: "gid://shopify/LineItem/2", shopifyName: "Canvas Tote" },
    ]);
    expect(error).toMatchObject({ class: "VALIDATION", retryable: false, missingStockCodes: ["TOTE-NAT"], fix: { where: "products" } });
    expect(error.message).toBe(
      "vintrace has no stock item with code 'TOTE-NAT' (Shopify line 'Canvas Tote'). Add it in vintrace or map the SKU on the Products page.",
    );
  });

  it("a code that only prefixes a real one is still missing", async () => {
    const error = await diagnose(testOrderBody({ salesOrderItems: [{ itemName: "21SHZ", quantity: 1, unitPrice: 35 }] }));
    expect(error).toMatchObject({ class: "VALIDATION", missingStockCodes: ["21SHZ"] });
  });

  it("names every cause, with the Settings fix deciding the class", async () => {
    const error = await diagnose(testOrderBody({ customerName: "Online Shop", salesOrderItems: [{ itemName: "GLASS", quantity: 1, unitPrice: 12 }] }));
    expect(error.class).toBe("CONFIG");
    expect(error.missingStockCodes).toEqual(["GLASS"]);
    expect(error.message).toContain("'Online Shop'");
    expect(error.message).toContain("'GLASS'");
  });

  it("a stock shortfall is VALIDATION with the numbers", async () => {
    const error = await diagnose(testOrderBody({ salesOrderItems: [{ itemName: "22CHA750", quantity: 6, unitPrice: 29 }] }));
    expect(error).toMatchObject({ class: "VALIDATION", fix: null });
    expect(error.message).toBe("Not enough stock in vintrace in storage area 99: '22CHA750': the order needs 6, 5 available.");
  });

  it("an unrecognised cause shows vintrace's own text", async () => {
    const error = await diagnose(testOrderBody({ salesPriceListName: "Wholesale" }));
    expect(error).toMatchObject({ class: "VALIDATION", vintraceMessage: "Sales price list 'Wholesale' not found" });
    expect(error.message).toBe(`vintrace refused it: "Sales price list 'Wholesale' not found".`);
  });
});
