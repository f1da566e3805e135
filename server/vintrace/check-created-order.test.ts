import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { checkCreatedOrder } from "./check-created-order";
import { simControl, testClient, testOrderBody, testSeed } from "../../test/support/vintrace";

let simulator: VintraceSimulator;

beforeAll(async () => {
  simulator = await startVintraceSimulator();
  await simControl(simulator, "jx2", "reset", testSeed());
});
afterAll(() => simulator.close());

async function create(body = testOrderBody()) {
  const created = await testClient(simulator, "jx2").createSalesOrder(body);
  if (!created.ok) throw new Error(created.error.message);
  return { body, order: created.value };
}

describe("checkCreatedOrder", () => {
  it("learns the tax policy and finds nothing to warn about when the totals agree", async () => {
    const { body, order } = await create(
      testOrderBody({
        salesOrderItems: [
          { itemName: "21SHZ750", quantity: 3, unitPrice: 19.99, discountPct: 8.34 },
          { itemName: "21SHZ750", quantity: 1, unitPrice: 35, adjustment: 1.5 },
        ],
      }),
    );
    expect(checkCreatedOrder(body, order, { taxPolicy: "INCLUSIVE", currency: "AUD" })).toEqual({ taxPolicy: "INCLUSIVE", warnings: [] });
  });

  it("warns when Settings disagree with the price list's tax policy", async () => {
    const { body, order } = await create();
    const check = checkCreatedOrder(body, order, { taxPolicy: "EXCLUSIVE", currency: "AUD" });
    expect(check.taxPolicy).toBe("INCLUSIVE");
    expect(check.warnings[0]).toContain("vintrace's price list is tax-inclusive, but Settings say tax-exclusive");
  });

  it("warns when vintrace's total differs from what we sent", async () => {
    const { body, order } = await create();
    const check = checkCreatedOrder(body, { ...order, total: 63.01 }, { taxPolicy: "INCLUSIVE", currency: "AUD" });
    expect(check.warnings).toEqual(["vintrace's total for this order is 63.01, but the lines we sent add up to 63.00; vintrace applies its own tax and rounding."]);
  });
});
