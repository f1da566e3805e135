// Reconciliation finds orders whose webhook never came; scheduled jobs run once per window however many workers
// race for them; retention purges bodies and keeps summaries.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { claimJob, productCheckJob, runDueJobs, windowOf, type JobDefinition } from "./jobs";
import { reconcileTenant } from "./reconcile";
import { purgeExpiredData } from "./retention";
import { runUntilIdle, startSyncWorldForFile, uniqueLabel } from "./testing";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

describe("reconciliation", () => {
  it("queues the order whose webhook was never sent, and only that one", async () => {
    const winery = await world.addWinery();
    const missed = await winery.placeOrder({ deliver: false, createdAt: minutesAgo(10) });
    const delivered = await winery.placeOrder({ createdAt: minutesAgo(9) });
    await winery.placeOrder({ deliver: false, createdAt: minutesAgo(8), cancelledAt: minutesAgo(7) });
    const tooRecent = await winery.placeOrder({ deliver: false });
    await winery.placeOrder({ deliver: false, createdAt: minutesAgo(6 * 60) }); // before the winery started syncing

    const result = await reconcileTenant({ db, adminFor: world.adminFor }, winery.tenantId);
    expect(result).toMatchObject({ queued: [{ name: missed.name, gid: missed.gid }], known: 1, cancelled: 1, tooRecent: 1 });
    expect(await winery.sync(missed.gid)).toMatchObject({ source: "RECONCILE", status: "PENDING", payload: null });

    await runUntilIdle(world.deps(), [winery.tenantId]);
    for (const order of [missed, delivered]) {
      expect(await winery.salesOrdersFor(order.gid)).toHaveLength(1);
      expect(winery.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    }
    const createAttempt = await db.syncAttempt.findFirst({ where: { orderSync: { orderGid: missed.gid }, step: "CREATE" } });
    expect(createAttempt?.trigger).toBe("reconcile");
    expect(await winery.salesOrdersFor(tooRecent.gid)).toHaveLength(0);

    // Tagged orders are not asked for again; nothing new is queued.
    const again = await reconcileTenant({ db, adminFor: world.adminFor }, winery.tenantId);
    expect(again.queued).toEqual([]);
    expect(again).toMatchObject({ examined: 2, cancelled: 1, tooRecent: 1 });
  });

  it("a paused winery is not reconciled", async () => {
    const winery = await world.addWinery({ status: "PAUSED" });
    expect(await reconcileTenant({ db, adminFor: world.adminFor }, winery.tenantId)).toMatchObject({ skipped: "the winery is paused", queued: [] });
  });
});

describe("scheduled jobs", () => {
  it("two workers racing for the same windows run each (job, scope) once", async () => {
    const scopes = [uniqueLabel("scope"), uniqueLabel("scope"), uniqueLabel("scope")];
    const runs: string[] = [];
    const job = (name: string): JobDefinition => ({
      name,
      windowMs: 15 * 60_000,
      scopes: async () => scopes,
      run: async (_deps, scope) => {
        runs.push(`${name}:${scope}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { scope };
      },
    });
    const jobs = [job(uniqueLabel("reconcile")), job(uniqueLabel("retention"))];
    const deps = world.deps();
    const [a, b] = await Promise.all([runDueJobs(deps, "worker-a", jobs), runDueJobs(deps, "worker-b", jobs)]);
    expect(a.length + b.length).toBe(6);
    expect(runs.sort()).toEqual(jobs.flatMap((j) => scopes.map((s) => `${j.name}:${s}`)).sort());
    // The same window again: nothing more.
    expect(await runDueJobs(deps, "worker-c", jobs)).toEqual([]);
    const claims = await db.jobClaim.findMany({ where: { job: { in: jobs.map((j) => j.name) } } });
    expect(claims).toHaveLength(6);
    expect(claims.every((c) => c.finishedAt !== null && c.window === windowOf(deps.now(), 15 * 60_000))).toBe(true);
  });

  it("a claim is unique per (job, scope, window)", async () => {
    const name = uniqueLabel("job");
    expect(await claimJob(db, name, "all", "w1", "a")).toBe(true);
    expect(await claimJob(db, name, "all", "w1", "b")).toBe(false);
    expect(await claimJob(db, name, "all", "w2", "b")).toBe(true);
  });
});

describe("the nightly product check", () => {
  it("runs once per winery and day however many workers race for it, and stores its result", async () => {
    const winery = await world.addWinery();
    const jobs = [productCheckJob()];
    const [a, b] = await Promise.all([runDueJobs(world.deps(), "worker-a", jobs), runDueJobs(world.deps(), "worker-b", jobs)]);
    const runsForWinery = [...a, ...b].filter((r) => r.scope === winery.tenantId);
    expect(runsForWinery).toHaveLength(1);
    expect(runsForWinery[0]).toMatchObject({ ok: true, result: { status: "DONE" } });
    const stored = await db.productCheck.findMany({ where: { tenantId: winery.tenantId } });
    expect(stored).toMatchObject([{ trigger: "nightly", status: "DONE" }]);
  });
});

describe("retention", () => {
  it("purges payloads and request/response bodies past the cutoff, keeping the summaries", async () => {
    const winery = await world.addWinery();
    const order = await winery.placeOrder();
    const waiting = await winery.placeOrder();
    await runUntilIdle(world.deps(), [winery.tenantId]);
    // A newer order, still waiting, keeps its payload whatever its age.
    await db.orderSync.update({ where: { tenantId_orderGid: { tenantId: winery.tenantId, orderGid: waiting.gid } }, data: { status: "HELD", nextAttemptAt: null } });
    const result = await purgeExpiredData(db, 0, new Date(Date.now() + 60_000));
    expect(result.payloads).toBeGreaterThanOrEqual(1);

    const sync = await winery.sync(order.gid);
    expect(sync.payload).toBeNull();
    expect(sync).toMatchObject({ status: "SYNCED", vintraceSalesOrderCode: expect.stringMatching(/^VSO/) });
    const attempts = await db.syncAttempt.findMany({ where: { orderSyncId: sync.id } });
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.request === null && a.response === null && a.step && a.outcome)).toBe(true);
    expect((await winery.sync(waiting.gid)).payload).not.toBeNull();
  });
});
