// The worker loop in this process: a delivery wakes it at once through NOTIFY (polling is set to a minute here, so
// nothing else could), it keeps a heartbeat, honours the per-winery limit while a busy winery's backlog drains
// alongside a quiet one, and stop() lets in-flight syncs finish.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrisma, databaseFromEnv } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { describeWithPostgres } from "@/test/require-postgres";
import { startSyncWorld, type SyncWorld } from "../../test/support/sync";
import { createSyncWorker } from "./worker";

const db = createPrisma();
let world: SyncWorld;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describeWithPostgres("the worker loop", () => {
  beforeAll(async () => {
    world = await startSyncWorld(db);
  });
  afterAll(async () => {
    await world.close();
    await db.$disconnect();
  });

  it("wakes on NOTIFY, beats, keeps wineries fair, and stops gracefully", async () => {
    const busy = await world.addTenant({ label: "busy" });
    const quiet = await world.addTenant({ label: "quiet" });
    const maxLeased = { busy: 0 };
    const worker = createSyncWorker({
      deps: world.deps(),
      onlyTenants: [busy.tenantId, quiet.tenantId],
      concurrency: 8,
      perTenantLimit: 2,
      pollMs: 60_000,
      listenUrl: databaseFromEnv().url,
    });
    await worker.start();
    try {
      expect(await db.workerHeartbeat.findUnique({ where: { id: worker.id } })).not.toBeNull();
      // Let the start-up claims pass, so only a notification can wake it.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const first = await quiet.placeOrder();
      const woke = await until("the order to be tagged", async () => quiet.tags(first.gid).includes(SYNC_TAGS.created));
      expect(woke).toBeLessThan(3_000);

      const sampler = setInterval(() => {
        void db.orderSync
          .count({ where: { tenantId: busy.tenantId, leaseUntil: { gt: new Date() } } })
          .then((n) => (maxLeased.busy = Math.max(maxLeased.busy, n)));
      }, 5);
      const backlog = await Promise.all(Array.from({ length: 30 }, () => busy.placeOrder()));
      const late = await quiet.placeOrder();
      const quietWait = await until("the quiet winery's order", async () => quiet.tags(late.gid).includes(SYNC_TAGS.created));
      await until("the busy winery's backlog", async () => (await db.orderSync.count({ where: { tenantId: busy.tenantId, tagState: "CREATED" } })) === 30, 30_000);
      clearInterval(sampler);
      expect(maxLeased.busy).toBeLessThanOrEqual(2);
      // The quiet winery's order did not wait behind the backlog of 30.
      const backlogDone = await db.orderSync.findMany({ where: { tenantId: busy.tenantId }, orderBy: { updatedAt: "desc" }, take: 1 });
      const lateDone = await quiet.sync(late.gid);
      expect(lateDone.updatedAt.getTime()).toBeLessThan(backlogDone[0].updatedAt.getTime());
      expect(quietWait).toBeLessThan(5_000);
      for (const order of backlog) expect(await busy.salesOrdersFor(order.gid)).toHaveLength(1);

      // Stop while syncs are in flight: they finish, and the heartbeat goes.
      await busy.simControl("faults", { faults: [{ match: "POST /sales-order", delayMs: 800 }] });
      const inFlight = await busy.placeOrder();
      await until("the slow sync to start", async () => worker.inFlight() > 0);
      await worker.stop({ graceMs: 10_000 });
      expect(await busy.sync(inFlight.gid)).toMatchObject({ status: "SYNCED", leaseOwner: null });
      expect(await db.workerHeartbeat.findUnique({ where: { id: worker.id } })).toBeNull();
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
