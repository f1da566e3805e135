// vintrace failing in every way it can on the POST: each order still ends as exactly one sales order (counted in
// the vintrace simulator by externalTransactionId) and the right tag on the Shopify order.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

async function attemptsOf(syncId: string) {
  return db.syncAttempt.findMany({ where: { orderSyncId: syncId }, orderBy: { createdAt: "asc" } });
}

describe("a webhook order", () => {
  it("becomes one sales order, tagged created, with every step recorded", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder();
    const results = await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(results).toEqual(["synced"]);

    const [salesOrder, ...others] = await tenant.salesOrdersFor(order.gid);
    expect(others).toHaveLength(0);
    expect(salesOrder.salesOrderItems[0]).toMatchObject({ itemName: "21SHZ750", quantity: 2 });
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);

    const sync = await tenant.sync(order.gid);
    expect(sync).toMatchObject({ status: "SYNCED", tagState: "CREATED", vintraceSalesOrderId: salesOrder.id, vintraceSalesOrderCode: salesOrder.code, attempts: 1, leaseOwner: null, nextAttemptAt: null });
    const attempts = await attemptsOf(sync.id);
    expect(attempts.map((a) => [a.step, a.outcome, a.trigger])).toEqual([
      ["LOOKUP", "not_found", "webhook"],
      ["CREATE", "created", "webhook"],
      ["TAG", "ok", "webhook"],
      ["METAFIELD", "ok", "webhook"],
    ]);
    const create = attempts[1];
    expect(JSON.stringify(create.request)).not.toContain("tok-SECRET");
    expect(create.request).toMatchObject({ method: "POST", body: { externalTransactionId: `shopify:${tenant.shop}:${order.payload.id}` } });
    expect(create.response).toMatchObject({ status: 200, body: { status: "Success" } });
  });
});

describe("vintrace faults on the POST", () => {
  const cases = [
    {
      name: "429 with Retry-After",
      fault: { match: "POST /sales-order", status: 429, headers: { "Retry-After": "1" }, body: { errors: [{ code: "429", message: "Too many requests" }] } },
      errorClass: "RATE_LIMITED",
    },
    { name: "503 with an HTML body", fault: { match: "POST /sales-order", status: 503, contentType: "text/html", body: "<html>Service Unavailable</html>" }, errorClass: "TRANSIENT" },
    { name: "a timeout (vintrace commits after we gave up)", fault: { match: "POST /sales-order", delayMs: 2_500 }, errorClass: "TRANSIENT" },
    { name: "create, then 500", fault: { match: "POST /sales-order", status: 500, commitBeforeFailing: true }, errorClass: "TRANSIENT" },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: exactly one sales order, tagged created`, async () => {
      const tenant = await world.addTenant();
      await tenant.simControl("faults", { faults: [testCase.fault] });
      const order = await tenant.placeOrder();
      const started = Date.now();
      const deps = world.deps({ vintraceTimeoutMs: 1_000, postTimeoutSettleMs: 2_500 });
      await runUntilIdle(deps, [tenant.tenantId], { timeoutMs: 20_000 });

      expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
      const sync = await tenant.sync(order.gid);
      expect(sync).toMatchObject({ status: "SYNCED", tagState: "CREATED", lastErrorClass: null });
      const steps = (await attemptsOf(sync.id)).map((a) => `${a.step}:${a.outcome}:${a.errorClass ?? ""}`);
      expect(steps).toContain(`CREATE:failed:${testCase.errorClass}`);
      // vintrace committed despite the failure (after a 500, or late after a timeout): the look-up finds it and
      // nothing is sent again. Otherwise exactly one later POST succeeds.
      const committedAnyway = "commitBeforeFailing" in testCase.fault || "delayMs" in testCase.fault;
      expect(steps.filter((s) => s.startsWith("CREATE:created"))).toHaveLength(committedAnyway ? 0 : 1);
      if (committedAnyway) expect(steps).toContain("LOOKUP:found:");
      if (testCase.errorClass === "RATE_LIMITED") expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      if ("commitBeforeFailing" in testCase.fault) {
        // The 500 came after the commit: the look-up right after it finds the order, and nothing is sent again.
        expect(steps.slice(-4)).toEqual(["CREATE:failed:TRANSIENT", "LOOKUP:found:", "TAG:ok:", "METAFIELD:ok:"]);
        expect(sync.attempts).toBe(1);
      }
    });
  }
});
