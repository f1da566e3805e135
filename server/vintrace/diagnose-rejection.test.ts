// After a 400, our own lookups find the cause; vintrace's wording, which is not documented, only breaks a tie between
// causes the lookups all found, and names a price list (which cannot be looked up) when everything else checks out.
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

  it("a stock shortfall is NOT_ENOUGH_STOCK with the numbers, fixed by restocking or by the stock setting", async () => {
    const error = await diagnose(testOrderBody({ salesOrderItems: [{ itemName: "22CHA750", quantity: 6, unitPrice: 29 }] }));
    expect(error).toMatchObject({ class: "VALIDATION", cause: "NOT_ENOUGH_STOCK", fix: { where: "settings" } });
    expect(error.fix?.howTo).toContain("Send orders even when vintrace shows too little stock");
    expect(error.message).toBe("Not enough stock in vintrace in storage area 99: '22CHA750': the order needs 6, 5 available.");
  });

  it("a price list is the cause when every lookup checks out and vintrace names one", async () => {
    const error = await diagnose(testOrderBody({ salesPriceListName: "Wholesale" }));
    expect(error).toMatchObject({ class: "CONFIG", cause: "PRICE_LIST_NOT_FOUND", fix: { where: "settings" }, vintraceMessage: "Sales price list 'Wholesale' not found" });
  });

  it("words no check explains are UNRECOGNISED, with vintrace's own text", async () => {
    const words = "Order date falls in a locked period";
    await simControl(simulator, code, "faults", { match: "POST /sales-order", status: 400, body: { status: "Error", message: words } });
    const error = await diagnose(testOrderBody());
    expect(error).toMatchObject({ class: "VALIDATION", cause: "UNRECOGNISED", vintraceMessage: words, fix: null });
    expect(error.message).toBe(`vintrace refused it: "${words}".`);
  });

  it("vintrace's words break a tie between causes the lookups all found", async () => {
    // The simulator checks the customer first; a server that checks the lines first would name the stock item.
    const body = testOrderBody({ customerName: "Online Shop", salesOrderItems: [{ itemName: "GLASS", quantity: 1, unitPrice: 12 }] });
    await simControl(simulator, code, "faults", { match: "POST /sales-order", status: 400, body: { status: "Error", message: "Stock item 'GLASS' not found" } });
    const error = await diagnose(body);
    expect(error).toMatchObject({ class: "VALIDATION", cause: "UNKNOWN_STOCK_CODE", missingStockCodes: ["GLASS"] });
    expect(error.message).toContain("'Online Shop'");
    // The words vintrace itself sends here name the customer: the customer it is.
    expect(await diagnose(body)).toMatchObject({ class: "CONFIG", cause: "CUSTOMER_NOT_FOUND" });
  });
});
