// Every row of the error-case checklist in the vintrace notes, against the simulator over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import type { VintraceError, VintraceResult } from "./errors";
import { findSalesOrderByExternalId } from "./find-sales-order";
import type { VintraceExchange } from "./http";
import { READ_ONLY_TOKEN, simControl, testClient, testOrderBody, testSeed, TEST_TOKEN } from "../../test/support/vintrace";

let simulator: VintraceSimulator;
const code = "errors";
const exchanges: VintraceExchange[] = [];
const errors: VintraceError[] = [];

beforeAll(async () => {
  simulator = await startVintraceSimulator();
});
beforeEach(async () => {
  await simControl(simulator, code, "reset", testSeed());
});
afterAll(async () => {
  // The key never appears in an error, a recorded exchange, or the simulator's own request log.
  expect(errors.length).toBeGreaterThan(15);
  expect(JSON.stringify(errors)).not.toContain(TEST_TOKEN);
  expect(JSON.stringify(exchanges)).not.toContain(TEST_TOKEN);
  await simulator.close();
});

const client = (overrides: Parameters<typeof testClient>[2] = {}) =>
  testClient(simulator, code, { onExchange: (e) => exchanges.push(e), ...overrides });

function failure<T>(result: VintraceResult<T>): VintraceError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  errors.push(result.error);
  return result.error;
}

const fault = (body: unknown) => simControl(simulator, code, "faults", body);

describe("auth failure and permission", () => {
  it("401 without a token or with a wrong one is AUTH, fixed in Settings", async () => {
    for (const apiKey of ["", "wrong-token"]) {
      const error = failure(await client({ apiKey }).getSalesOrder(1));
      expect(error).toMatchObject({ class: "AUTH", status: 401, retryable: false, fix: { where: "settings" }, vintraceMessage: "Token is not provided: Token must be provided" });
    }
  });

  it("403 for a token without sales:write is AUTH, naming the permission", async () => {
    const error = failure(await client({ apiKey: READ_ONLY_TOKEN }).createSalesOrder(testOrderBody()));
    expect(error).toMatchObject({ class: "AUTH", status: 403, retryable: false, fix: { where: "settings" } });
    expect(error.message).toContain("not allowed");
    expect(error.fix?.howTo).toContain("permission to create sales orders");
  });
});

describe("validation: 400 with vintrace's message", () => {
  const cases: Array<[string, Parameters<typeof testOrderBody>[0], string]> = [
    ["unknown customer", { customerName: "Nobody Pty Ltd" }, "Customer 'Nobody Pty Ltd' not found"],
    ["customer in the wrong case", { customerName: "shopify web customer" }, "Customer 'shopify web customer' not found"],
    ["unknown item", { salesOrderItems: [{ itemName: "NOPE750", quantity: 1, unitPrice: 1 }] }, "Stock item 'NOPE750' not found"],
    ["unknown price list", { salesPriceListName: "Wholesale" }, "Sales price list 'Wholesale' not found"],
    ["unknown storage area", { storageAreaId: 12345 }, "Storage area 12345 not found"],
    ["quantity 0", { salesOrderItems: [{ itemName: "21SHZ750", quantity: 0, unitPrice: 35 }] }, "quantity must be a whole number greater than 0"],
    ["negative quantity", { salesOrderItems: [{ itemName: "21SHZ750", quantity: -2, unitPrice: 35 }] }, "quantity must be a whole number greater than 0"],
    ["fractional quantity", { salesOrderItems: [{ itemName: "21SHZ750", quantity: 1.5, unitPrice: 35 }] }, "quantity must be a whole number greater than 0"],
    ["negative price", { salesOrderItems: [{ itemName: "21SHZ750", quantity: 1, unitPrice: -1 }] }, "unitPrice must be a number of at least 0"],
    ["no lines", { salesOrderItems: [] }, "A sales order needs at least one item"],
    ["stock shortfall", { salesOrderItems: [{ itemName: "22CHA750", quantity: 6, unitPrice: 29 }] }, "Insufficient stock for '22CHA750' in storage area 99: requested 6, available 5"],
  ];
  for (const [name, overrides, message] of cases) {
    it(name, async () => {
      const error = failure(await client().createSalesOrder(testOrderBody(overrides)));
      expect(error).toMatchObject({ class: "VALIDATION", status: 400, retryable: false });
      expect(error.vintraceMessage).toContain(message);
    });
  }

  it("a shortfall is accepted with ignoreStockError", async () => {
    const result = await client().createSalesOrder(testOrderBody({ ignoreStockError: true, salesOrderItems: [{ itemName: "22CHA750", quantity: 6, unitPrice: 29 }] }));
    expect(result.ok).toBe(true);
  });

  it("a soft error, 200 with status Error, is VALIDATION too", async () => {
    await simControl(simulator, code, "options", { softErrors: true });
    const error = failure(await client().createSalesOrder(testOrderBody({ customerName: "Nobody" })));
    expect(error).toMatchObject({ class: "VALIDATION", status: 200, vintraceMessage: "Customer 'Nobody' not found" });
  });
});

describe("not found", () => {
  it("404 for an unknown id or code is NOT_FOUND; a lookup by name answers null", async () => {
    expect(failure(await client().getSalesOrder(999_999))).toMatchObject({ class: "NOT_FOUND", status: 404, retryable: false, vintraceMessage: "Sales order not found" });
    expect(failure(await client().getSalesOrder("VSO999999"))).toMatchObject({ class: "NOT_FOUND", status: 404 });
    expect(await client().findParty("Nobody")).toEqual({ ok: true, value: null });
  });

  it("updating an order that does not exist is NOT_FOUND", async () => {
    expect(failure(await client().createSalesOrder(testOrderBody({ id: 424242 })))).toMatchObject({ class: "NOT_FOUND", status: 404 });
  });

  it("a wrong customer code in the address is NOT_FOUND", async () => {
    const wrong = testClient(simulator, "no-such-winery");
    expect(failure(await wrong.listSalesOrders({}))).toMatchObject({ class: "NOT_FOUND", status: 404 });
  });
});

describe("duplicates", () => {
  it("are accepted by default: a second POST makes a second order", async () => {
    const body = testOrderBody();
    const first = await client().createSalesOrder(body);
    const second = await client().createSalesOrder(body);
    expect(first.ok && second.ok && second.value.id !== first.value.id).toBe(true);
  });

  it("are refused in strict mode", async () => {
    await simControl(simulator, code, "options", { rejectDuplicateExternalTransactionId: true });
    const body = testOrderBody();
    expect((await client().createSalesOrder(body)).ok).toBe(true);
    const error = failure(await client().createSalesOrder(body));
    expect(error).toMatchObject({ class: "VALIDATION", status: 400 });
    expect(error.vintraceMessage).toContain("already exists");
  });
});

describe("rate limits", () => {
  it("429 with Retry-After in seconds is RATE_LIMITED, retryable, with the delay", async () => {
    await fault({ match: "POST /sales-order", status: 429, headers: { "Retry-After": "2" }, body: { errors: [{ code: "429", message: "Too many requests" }] } });
    const error = failure(await client().createSalesOrder(testOrderBody()));
    expect(error).toMatchObject({ class: "RATE_LIMITED", status: 429, retryable: true, retryAfterMs: 2000, vintraceMessage: "Too many requests" });
    expect(error.message).toContain("in 2 seconds");
  });

  it("429 with Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    await fault({ match: "GET /sales-order/*", status: 429, headers: { "Retry-After": at } });
    const error = failure(await client().getSalesOrder(1));
    expect(error.class).toBe("RATE_LIMITED");
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });
});

describe("server errors and transport failures", () => {
  it("500 with a JSON body and 502 are TRANSIENT and retryable", async () => {
    await fault({ faults: [{ match: "POST /sales-order", status: 500 }, { match: "POST /sales-order", status: 502, body: { status: "Error", message: "Bad gateway" } }] });
    expect(failure(await client().createSalesOrder(testOrderBody()))).toMatchObject({ class: "TRANSIENT", status: 500, retryable: true });
    expect(failure(await client().createSalesOrder(testOrderBody()))).toMatchObject({ class: "TRANSIENT", status: 502, vintraceMessage: "Bad gateway" });
    // faults are one-shot
    expect((await client().createSalesOrder(testOrderBody())).ok).toBe(true);
  });

  it("an HTML 503 from a proxy is TRANSIENT, honouring its Retry-After", async () => {
    await fault({ match: "POST /sales-order", status: 503, contentType: "text/html", headers: { "Retry-After": "120" }, body: "<html><body>Service Unavailable</body></html>" });
    const error = failure(await client().createSalesOrder(testOrderBody()));
    expect(error).toMatchObject({ class: "TRANSIENT", status: 503, retryable: true, retryAfterMs: 120_000 });
    expect(error.vintraceMessage).toBeUndefined();
  });

  it("a 200 that is not JSON is TRANSIENT", async () => {
    await fault({ match: "GET /party", status: 200, contentType: "text/html", body: "<html>Login</html>" });
    expect(failure(await client().findParty("Shopify Web Customer"))).toMatchObject({ class: "TRANSIENT", status: 200, retryable: true });
  });

  it("a 200 in a shape we cannot read is TRANSIENT", async () => {
    await fault({ match: "POST /sales-order", status: 200, body: { status: "Success", message: null } });
    expect(failure(await client().createSalesOrder(testOrderBody()))).toMatchObject({ class: "TRANSIENT", status: 200 });
  });

  it("a timeout is TRANSIENT", async () => {
    await fault({ match: "GET /sales-order/list", delayMs: 2_000 });
    const started = Date.now();
    const error = failure(await client({ timeoutMs: 150 }).listSalesOrders({}));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ class: "TRANSIENT", retryable: true, message: "vintrace did not answer within 0.2 seconds; we will try again." });
  });

  it("a refused connection is TRANSIENT", async () => {
    const gone = await startVintraceSimulator();
    const baseUrl = gone.customerUrl(code);
    await gone.close();
    const error = failure(await client({ baseUrl }).listSalesOrders({}));
    expect(error).toMatchObject({ class: "TRANSIENT", retryable: true });
    expect(error.message).toContain("Could not reach vintrace");
  });

  it("created the order, then returned 500: the re-query finds it", async () => {
    await fault({ match: "POST /sales-order", status: 500, commitBeforeFailing: true });
    const body = testOrderBody();
    expect(failure(await client().createSalesOrder(body))).toMatchObject({ class: "TRANSIENT", status: 500 });
    const found = await findSalesOrderByExternalId(client(), body.externalTransactionId as string, { orderDate: body.orderDate as number, customerName: "Shopify Web Customer" });
    expect(found.ok && found.value?.externalTransactionId).toBe(body.externalTransactionId);
  });

  it("a POST that timed out may still have been committed: the re-query finds it", async () => {
    await fault({ match: "POST /sales-order", delayMs: 400 });
    const body = testOrderBody();
    expect(failure(await client({ timeoutMs: 100 }).createSalesOrder(body)).class).toBe("TRANSIENT");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const found = await findSalesOrderByExternalId(client(), body.externalTransactionId as string, { orderDate: body.orderDate as number, customerName: "Shopify Web Customer" });
    expect(found.ok && found.value).toBeTruthy();
  });
});

describe("the API key never leaks", () => {
  it("is scrubbed from vintrace's text even when vintrace echoes it", async () => {
    await fault({ match: "POST /sales-order", status: 400, body: { status: "Error", message: `Bad token Bearer ${TEST_TOKEN} for user` } });
    const error = failure(await client().createSalesOrder(testOrderBody()));
    expect(error.vintraceMessage).toBe("Bad token Bearer [redacted] for user");
  });

  it("is redacted from the simulator's request log", async () => {
    await client().findParty("Shopify Web Customer");
    const log = (await simControl(simulator, code, "requests", undefined, "GET")) as Array<{ headers: Record<string, string> }>;
    expect(log.at(-1)?.headers.authorization).toBe("[redacted]");
    expect(JSON.stringify(log)).not.toContain(TEST_TOKEN);
  });
});
