import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { verifyVintraceSettings, type VintraceSettingsToVerify } from "./verify-settings";
import { simControl, testSeed, TEST_TOKEN } from "../../test/support/vintrace";

let simulator: VintraceSimulator;

beforeAll(async () => {
  simulator = await startVintraceSimulator();
  await simControl(simulator, "jx2", "reset", testSeed());
  await simControl(simulator, "empty", "reset", testSeed({ stockItems: [] }));
});
afterAll(() => simulator.close());

const settings = (overrides: Partial<VintraceSettingsToVerify> = {}): VintraceSettingsToVerify => ({
  baseUrl: simulator.customerUrl("jx2"),
  apiKey: TEST_TOKEN,
  authScheme: "BEARER",
  customerName: "Shopify Web Customer",
  storageAreaId: 99,
  salesPriceList: "Retail Inclusive",
  ...overrides,
});

const statuses = (result: Awaited<ReturnType<typeof verifyVintraceSettings>>) => Object.fromEntries(result.checks.map((c) => [c.key, c.status]));

describe("verifyVintraceSettings", () => {
  it("passes good settings, leaving the price list to the first order", async () => {
    const result = await verifyVintraceSettings(settings());
    expect(result.ok).toBe(true);
    expect(statuses(result)).toEqual({ connection: "ok", customer: "ok", storageArea: "ok", priceList: "unchecked" });
    expect(result.checks.find((c) => c.key === "priceList")?.message).toContain("checked on the first order");
  });

  it("says 'did you mean' for a customer name in the wrong case", async () => {
    const result = await verifyVintraceSettings(settings({ customerName: "shopify  web customer" }));
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.key === "customer")).toEqual({
      key: "customer",
      status: "error",
      message: "vintrace has no customer named exactly 'shopify  web customer'.",
      suggestion: "Did you mean 'Shopify Web Customer'?",
    });
  });

  it("refuses an unknown customer without guessing", async () => {
    const check = (await verifyVintraceSettings(settings({ customerName: "Nobody" }))).checks.find((c) => c.key === "customer");
    expect(check).toMatchObject({ status: "error", message: "vintrace has no customer named 'Nobody'." });
  });

  it("refuses a storage area that holds no stock, listing the ones that do", async () => {
    const check = (await verifyVintraceSettings(settings({ storageAreaId: 5 }))).checks.find((c) => c.key === "storageArea");
    expect(check).toEqual({
      key: "storageArea",
      status: "error",
      message: "Storage area 5 holds none of your stock in vintrace.",
      suggestion: "Storage areas that hold stock: 99 'SA2 - Main Shed', 41 'Cellar Door Store'.",
    });
  });

  it("warns when no storage area is set, or when there is no stock to check against", async () => {
    expect(statuses(await verifyVintraceSettings(settings({ storageAreaId: null }))).storageArea).toBe("warning");
    expect(statuses(await verifyVintraceSettings(settings({ baseUrl: simulator.customerUrl("empty") }))).storageArea).toBe("warning");
  });

  it("stops at a bad key, without leaking it", async () => {
    const result = await verifyVintraceSettings(settings({ apiKey: "wrong-key-123" }));
    expect(result.ok).toBe(false);
    expect(statuses(result)).toEqual({ connection: "error", customer: "unchecked", storageArea: "unchecked", priceList: "unchecked" });
    expect(result.checks[0].message).toContain("did not accept the API key");
    expect(JSON.stringify(result)).not.toContain("wrong-key-123");
  });

  it("points at the customer code when the address is wrong", async () => {
    const result = await verifyVintraceSettings(settings({ baseUrl: simulator.customerUrl("nope") }));
    expect(result.checks[0]).toMatchObject({ key: "connection", status: "error" });
    expect(result.checks[0].suggestion).toContain("customer code");
  });

  it("reports an unreachable vintrace", async () => {
    const gone = await startVintraceSimulator();
    const baseUrl = gone.customerUrl("jx2");
    await gone.close();
    const result = await verifyVintraceSettings(settings({ baseUrl, timeoutMs: 1000 }));
    expect(result.checks[0]).toMatchObject({ key: "connection", status: "error" });
    expect(result.checks[0].message).toContain("Could not reach vintrace");
  });
});
