// Reconciliation finds orders whose webhook never came; retention purges bodies and keeps summaries.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { reconcileTenant } from "./reconcile";
import { purgeExpiredData } from "./retention";
import { runUntilIdle, startSyncWorldForFile } from "../../test/support/sync";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

describe("reconciliation", () => {
  it("queues the order whose webhook was never sent, and only that one", async () => {
    const tenant = await world.addTenant();
    const missed = await tenant.placeOrder({ deliver: false, createdAt: minutesAgo(10) });
    const delivered = await tenant.placeOrder({ createdAt: minutesAgo(9) });
    await tenant.placeOrder({ deliver: false, createdAt: minutesAgo(8), cancelledAt: minutesAgo(7) });
    const tooRecent = await tenant.placeOrder({ deliver: false });
    await tenant.placeOrder({ deliver: false, createdAt: minutesAgo(6 * 60) }); // before the winery started syncing

    const result = await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId);
    expect(result).toMatchObject({ queued: [{ name: missed.name, gid: missed.gid }], known: 1, cancelled: 1, tooRecent: 1 });
    expect(await tenant.sync(missed.gid)).toMatchObject({ source: "RECONCILE", status: "PENDING", payload: null });

    await runUntilIdle(world.deps(), [tenant.tenantId]);
    for (const order of [missed, delivered]) {
      expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    }
    const createAttempt = await db.syncAttempt.findFirst({ where: { orderSync: { orderGid: missed.gid }, step: "CREATE" } });
    expect(createAttempt?.trigger).toBe("reconcile");
    expect(await tenant.salesOrdersFor(tooRecent.gid)).toHaveLength(0);

    // Tagged orders are not asked for again; nothing new is queued.
    const again = await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId);
    expect(again.queued).toEqual([]);
    expect(again).toMatchObject({ examined: 2, cancelled: 1, tooRecent: 1 });
  });

  it("a paused winery is not reconciled", async () => {
    const tenant = await world.addTenant({ status: "PAUSED" });
    expect(await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).toMatchObject({ skipped: "the winery is paused", queued: [] });
  });

  it("a winery in setup is not reconciled: its missed orders are found once it goes live", async () => {
    const tenant = await world.addTenant();
    await db.tenant.update({ where: { id: tenant.tenantId }, data: { status: "SETUP" } });
    const missed = await tenant.placeOrder({ deliver: false, createdAt: minutesAgo(10) });
    expect(await reconcileTenant({ db, adminFor: world.adminFor }, tenant.tenantId)).toMatchObject({ skipped: "the winery is still being set up", queued: [] });
    expect(await db.orderSync.count({ where: { tenantId: tenant.tenantId, orderGid: missed.gid } })).toBe(0);
  });
});

describe("retention", () => {
  it("purges payloads and request/response bodies past the cutoff, keeping the summaries", async () => {
    const tenant = await world.addTenant();
    const order = await tenant.placeOrder();
    const waiting = await tenant.placeOrder();
    await runUntilIdle(world.deps(), [tenant.tenantId]);
    // A newer order, still waiting, keeps its payload whatever its age.
    await db.orderSync.update({ where: { tenantId_orderGid: { tenantId: tenant.tenantId, orderGid: waiting.gid } }, data: { status: "HELD", nextAttemptAt: null } });
    const result = await purgeExpiredData(db, 0, new Date(Date.now() + 60_000));
    expect(result.payloads).toBeGreaterThanOrEqual(1);

    const sync = await tenant.sync(order.gid);
    expect(sync.payload).toBeNull();
    expect(sync).toMatchObject({ status: "SYNCED", vintraceSalesOrderCode: expect.stringMatching(/^VSO/) });
    const attempts = await db.syncAttempt.findMany({ where: { orderSyncId: sync.id } });
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.request === null && a.response === null && a.step && a.outcome)).toBe(true);
    expect((await tenant.sync(waiting.gid)).payload).not.toBeNull();
  });
});
