// The retry preview says what will really happen to each pasted name, by the worker's own rules (skipReasonFor,
// then vintrace's lookup by external transaction id), and sends nothing. Confirming then does what it said: the
// order previewed "will be sent" is sent; those it said are skipped or already in vintrace are not sent again.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { testOrderBody } from "@/test/support/vintrace";
import { confirmRetry, externalTransactionIdForGid, previewRetry, type PreviewVerdict, type RetryDeps } from "./bulk-retry";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const retryDeps: RetryDeps = { adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor };
const actor = { email: "support@winehub.test" };

const posts = async (tenant: { simControl: (a: string, b?: unknown, m?: string) => Promise<unknown> }) =>
  ((await tenant.simControl("requests", undefined, "GET")) as { method: string }[]).filter((r) => r.method === "POST").length;

describe("the retry preview", () => {
  it("says, for each name, what the worker will really do, and sends nothing", async () => {
    const start = new Date(Date.now() - 24 * 60 * 60 * 1000);
    const tenant = await world.addTenant({ syncOrdersCreatedAfter: start });
    // None delivered: only the retry can bring them in.
    const wanted = await tenant.placeOrder({ deliver: false });
    const testOrder = await tenant.placeOrder({ deliver: false, test: true });
    const tooOld = await tenant.placeOrder({ deliver: false, createdAt: new Date(start.getTime() - 60_000).toISOString() });
    const cancelled = await tenant.placeOrder({ deliver: false });
    world.shopify.sim.cancelOrder(tenant.shop, cancelled.gid);
    const inVintrace = await tenant.placeOrder({ deliver: false });
    const created = await tenant.vintrace.createSalesOrder(testOrderBody({ externalTransactionId: externalTransactionIdForGid(tenant.shop, inVintrace.gid) }));
    if (!created.ok) throw new Error(created.error.message);
    const postsBefore = await posts(tenant);

    const preview = await previewRetry(db, tenant.tenantId, [wanted, testOrder, tooOld, cancelled, inVintrace].map((o) => o.name).join(" ") + " #99999", retryDeps);
    if (!preview.ok) throw new Error(preview.error);
    const outcome = (name: string) => preview.verdicts.find((v) => v.name === name) as PreviewVerdict;
    expect(outcome(wanted.name)).toMatchObject({ verdict: "found", outcome: "will be sent" });
    expect(outcome(testOrder.name)).toMatchObject({ verdict: "skipped", reason: "test_order", outcome: "will be skipped: test order" });
    expect(outcome(testOrder.name).message).toMatch(/Sync test orders/);
    expect(outcome(tooOld.name)).toMatchObject({ verdict: "skipped", reason: "before_start", outcome: "will be skipped: before the start date" });
    expect(outcome(tooOld.name).message).toContain(start.toISOString().slice(0, 10));
    expect(outcome(cancelled.name)).toMatchObject({ verdict: "skipped", reason: "cancelled", outcome: "cancelled in Shopify" });
    expect(outcome(inVintrace.name)).toMatchObject({ verdict: "already_synced", outcome: `already in vintrace as ${created.value.code}` });
    expect(outcome("#99999")).toMatchObject({ verdict: "not_found", outcome: "not found" });
    expect(preview.counts).toMatchObject({ found: 1, skipped: 3, already_synced: 1, not_found: 1 });
    // Nothing sent, nothing recorded.
    expect(await posts(tenant)).toBe(postsBefore);
    expect(await db.orderSync.count({ where: { tenantId: tenant.tenantId } })).toBe(0);

    // The outcome agrees: only the order said to be sent is sent; the skipped ones are not queued at all.
    const confirmed = await confirmRetry(db, tenant.tenantId, preview.verdicts.map((v) => v.name), actor, retryDeps);
    if (!confirmed.ok) throw new Error(confirmed.error);
    expect(Object.fromEntries(confirmed.results.map((r) => [r.name, r.action]))).toMatchObject({
      [wanted.name]: "queued",
      [testOrder.name]: "none",
      [tooOld.name]: "none",
      [cancelled.name]: "none",
    });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect(await tenant.sync(wanted.gid)).toMatchObject({ status: "SYNCED" });
    for (const order of [testOrder, tooOld, cancelled]) expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(0);
    expect(await tenant.salesOrdersFor(inVintrace.gid)).toHaveLength(1);
  });

  it("a test order the winery chose to sync will be sent, by the same setting the worker reads", async () => {
    const tenant = await world.addTenant({ settings: { syncTestOrders: true } });
    const testOrder = await tenant.placeOrder({ deliver: false, test: true });
    const preview = await previewRetry(db, tenant.tenantId, testOrder.name, retryDeps);
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.verdicts).toMatchObject([{ verdict: "found", outcome: "will be sent" }]);
  });
});
