// One order's actions: Retry on its page retries that very order even when another shares its name, and the retry
// page's progress counts an order backing off until a scheduled retry as settled, with the time of that retry.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { RetryDeps } from "./bulk-retry";
import { orderProgress, retryOrder } from "./order-actions";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);
const retryDeps: RetryDeps = { adminFor: world.adminFor, vintraceFor: world.deps().vintraceFor };
const actor = { id: "user-1", email: "owner@winery.test" };

describe("retry on an order's page", () => {
  it("retries the order by its id when two orders share its name", async () => {
    const tenant = await world.addTenant();
    const first = await tenant.placeOrder({ name: "#7000" });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    // The second order of the same name asks for a product vintrace does not have yet.
    const second = await tenant.placeOrder({ name: "#7000", lines: [{ sku: "TOTE-NAT", qty: 1 }] });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect((await tenant.sync(first.gid)).status).toBe("SYNCED");
    const failed = await tenant.sync(second.gid);
    expect(failed.status).toBe("FAILED");

    await tenant.simControl("stock-items", { code: "TOTE-NAT", distributions: [{ areaId: 99, qty: 10 }] });
    const outcome = await retryOrder(db, tenant.tenantId, failed.id, actor, retryDeps);
    expect(outcome).toMatchObject({ action: "queued", verdict: "found" });
    expect(await tenant.sync(second.gid)).toMatchObject({ status: "PENDING", queuedBy: `user:${actor.email}` });
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    expect((await tenant.sync(second.gid)).status).toBe("SYNCED");
    expect(await tenant.salesOrdersFor(second.gid)).toHaveLength(1);
    expect(await tenant.salesOrdersFor(first.gid)).toHaveLength(1);
  });
});

describe("the retry page's progress", () => {
  it("settles an order waiting for its scheduled retry and says when that is; one due now is still working", async () => {
    const tenant = await world.addTenant();
    await tenant.simControl("faults", { faults: [{ match: "POST /sales-order", status: 503 }] });
    const backingOff = await tenant.placeOrder();
    // One attempt at the production schedule: it fails and backs off for 30 s or more.
    await runUntilIdle(world.deps({ retryScale: 1 }), [tenant.tenantId], { timeoutMs: 1_000 }).catch(() => []);
    const row = await tenant.sync(backingOff.gid);
    expect(row).toMatchObject({ status: "PENDING", attempts: 1 });
    const due = await tenant.placeOrder();
    await db.orderSync.update({ where: { tenantId_orderGid: { tenantId: tenant.tenantId, orderGid: due.gid } }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });

    const progress = await orderProgress(db, tenant.tenantId, [backingOff.gid, due.gid]);
    const byGid = Object.fromEntries(progress.map((p) => [p.orderGid, p]));
    expect(byGid[backingOff.gid]).toMatchObject({ settled: true, nextTryAt: row.nextAttemptAt });
    expect(byGid[due.gid]).toMatchObject({ settled: false, nextTryAt: null });

    // Being synced right now is working, whatever its schedule says.
    await db.orderSync.update({ where: { id: row.id }, data: { leaseOwner: "w1", leaseUntil: new Date(Date.now() + 60_000) } });
    expect((await orderProgress(db, tenant.tenantId, [backingOff.gid]))[0]).toMatchObject({ settled: false, nextTryAt: null });
  });
});
