// Real worker processes (`scripts/worker.ts`, as `npm run worker` starts it) on a database of their own: one is
// killed with SIGKILL in the middle of a POST and another completes the order exactly once; two of them share 200
// orders and the scheduled jobs without doing anything twice or losing anything; SIGTERM stops them gracefully (as
// the app's in-app worker stops): an order held in a slow vintrace call still completes and the process exits 0, and
// a call slower than the grace period has its lease released, so another worker takes the order at once.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrisma, type Db } from "@/server/db";
import { SYNC_TAGS } from "@/server/shopify/sync-tags";
import { createTestDatabase, type TestDatabase } from "@/test/database";
import { childEnv } from "@/test/env";
import { describeWithPostgres } from "@/test/require-postgres";
import { startSyncWorld, until, workerProcessEnv, type SyncWorld, type Tenant } from "../../test/support/sync";
import { SHUTDOWN_GRACE_MS } from "@/server/jobs/process";
import { claimDueSyncs } from "./queue";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";

let database: TestDatabase;
let db: Db;
let world: SyncWorld;
const children = new Set<ChildProcess>();

function startWorker(env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, "scripts/worker.ts"], {
    cwd: process.cwd(),
    env: childEnv({
      ...workerProcessEnv(world, database.url),
      WORKER_POLL_MS: "200",
      WORKER_LEASE_MS: "3000",
      WORKER_SCHEDULER: "off",
      SYNC_RETRY_SCALE: "0.001",
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => {
    children.delete(child);
    resolve(code);
  }));
  return { child, output: () => output, exited };
}

const allSyncedAndTagged = (tenantIds: string[], count: number) => async () =>
  (await db.orderSync.count({ where: { tenantId: { in: tenantIds }, status: "SYNCED", tagState: "CREATED" } })) === count;

async function allSalesOrders(tenant: Tenant) {
  const orders = [];
  for await (const page of tenant.vintrace.salesOrderPages({})) {
    if (!page.ok) throw new Error(page.error.message);
    orders.push(...page.value);
  }
  return orders;
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A lease far longer than the tests: only a release lets another worker take an order in time. */
const SLOW_CALL_ENV = { WORKER_LEASE_MS: "600000", VINTRACE_TIMEOUT_MS: "120000" };

/** Waits until the worker's call is being held by the simulator (its one-shot fault has been taken). */
const heldInVintrace = (tenant: Tenant, worker: ReturnType<typeof startWorker>) =>
  until("the call to be held in vintrace", async () => ((await tenant.simControl("faults", undefined, "GET")) as unknown[]).length === 0, 30_000).catch(
    (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; the worker said:\n${worker.output()}`);
    },
  );

describeWithPostgres("worker processes", () => {
  beforeAll(async () => {
    database = await createTestDatabase("vsw");
    db = createPrisma(database);
    world = await startSyncWorld(db);
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await world?.close();
    await db?.$disconnect();
    await database?.drop();
  });

  it("a worker killed with SIGKILL mid-POST: after its lease lapses, another completes the order exactly once", async () => {
    const tenant = await world.addTenant();
    // vintrace takes 1.5 s over the POST and commits the order even though nobody is left to hear the answer.
    await tenant.simControl("faults", { faults: [{ match: "POST /sales-order", delayMs: 1_500 }] });
    const order = await tenant.placeOrder();

    const doomed = startWorker();
    await until("the POST to be in flight", async () => ((await tenant.simControl("faults", undefined, "GET")) as unknown[]).length === 0, 30_000);
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    const orphaned = await tenant.sync(order.gid);
    expect(orphaned).toMatchObject({ status: "PENDING", leaseOwner: expect.any(String) });

    const rescuer = startWorker();
    await until("the order to be synced and tagged", allSyncedAndTagged([tenant.tenantId], 1), 30_000);
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    const steps = (await db.syncAttempt.findMany({ where: { orderSync: { orderGid: order.gid } }, orderBy: { createdAt: "asc" } })).map((a) => `${a.step}:${a.outcome}`);
    // The dead worker recorded nothing; the rescuer found the order vintrace had committed and did not POST it.
    expect(steps).toEqual(["LOOKUP:found", "TAG:ok", "METAFIELD:ok"]);
    expect((await tenant.sync(order.gid)).attempts).toBe(2);

    rescuer.child.kill("SIGTERM");
    expect(await rescuer.exited).toBe(0);
  }, 90_000);

  it("two workers on 200 orders across 5 wineries: none twice, none lost; jobs run once; SIGTERM is graceful", async () => {
    const tenants = await Promise.all(Array.from({ length: 5 }, () => world.addTenant()));
    const tenantIds = tenants.map((w) => w.tenantId);
    // Reconciliation windows of a day, not the default 15 minutes: a run that crossed a quarter hour would reconcile
    // every winery again in the next window (as it should), and "once in this window" could not be counted.
    const env = { WORKER_SCHEDULER: "on", WORKER_TENANT_CONCURRENCY: "4", RECONCILE_INTERVAL_MINUTES: "1440" };
    // The SIGKILLed worker of the test before could not remove its heartbeat; the health check ages it out.
    const stale = (await db.workerHeartbeat.findMany({ select: { id: true } })).map((h) => h.id);
    const liveBeats = () => db.workerHeartbeat.count({ where: { id: { notIn: stale } } });
    const workers = [startWorker(env), startWorker(env)];
    await until("both heartbeats", async () => (await liveBeats()) === 2, 60_000);

    const ordersByTenant = await Promise.all(tenants.map((w) => Promise.all(Array.from({ length: 40 }, () => w.placeOrder()))));
    expect(ordersByTenant.flat()).toHaveLength(200);
    await until("all 200 orders synced and tagged", allSyncedAndTagged(tenantIds, 200), 150_000);

    for (const tenant of tenants) {
      const salesOrders = await allSalesOrders(tenant);
      const ids = salesOrders.map((o) => o.externalTransactionId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    }
    const created = await db.syncAttempt.groupBy({ by: ["orderSyncId"], where: { tenantId: { in: tenantIds }, step: "CREATE", outcome: "created" }, _count: { _all: true } });
    expect(created).toHaveLength(200);
    expect(created.every((c) => c._count._all === 1)).toBe(true);
    tenants.forEach((tenant, i) => {
      for (const order of ordersByTenant[i]) expect(tenant.tags(order.gid)).toEqual([SYNC_TAGS.created]);
    });

    // Both workers ran the scheduler; each winery was reconciled once in this window.
    await until("reconciliation of every winery", async () => (await db.jobClaim.count({ where: { job: "reconcile", scope: { in: tenantIds }, finishedAt: { not: null } } })) === 5, 90_000);
    const claims = await db.jobClaim.findMany({ where: { job: "reconcile", scope: { in: tenantIds } } });
    expect(new Set(claims.map((c) => c.window)).size).toBe(1);
    for (const tenant of tenants) {
      expect(world.shopify.sim.requests(tenant.shop).filter((r) => r.operation === "OrdersForReconcile")).toHaveLength(1);
    }
    expect(await db.jobClaim.count({ where: { job: "retention", scope: "all" } })).toBe(1);

    for (const worker of workers) worker.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    expect(await liveBeats()).toBe(0);
  }, 360_000);

  it("serves its own metrics on WORKER_METRICS_PORT: the vintrace calls it made", async () => {
    const tenant = await world.addTenant();
    await tenant.placeOrder();
    const port = await freePort();
    const worker = startWorker({ WORKER_METRICS_PORT: String(port), HOST: "127.0.0.1" });
    await until("the order to be synced and tagged", allSyncedAndTagged([tenant.tenantId], 1), 30_000);
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(body).toMatch(/vintrace_sync_vintrace_request_duration_seconds_count\{method="POST",endpoint="\/sales-order",status="200"\} 1/);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 90_000);

  it("lets an order held in a slow vintrace call finish, then exits 0", async () => {
    const tenant = await world.addTenant();
    await tenant.simControl("faults", { faults: [{ match: "POST /sales-order", delayMs: 3_000 }] });
    const order = await tenant.placeOrder();
    const worker = startWorker(SLOW_CALL_ENV);
    await heldInVintrace(tenant, worker);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "SYNCED" });
    expect(await tenant.salesOrdersFor(order.gid)).toHaveLength(1);
    expect(worker.output()).not.toMatch(/still running after/);
  }, 90_000);

  it("releases the lease of a call slower than the grace period, so another worker takes the order at once", async () => {
    const tenant = await world.addTenant();
    // The lookup before the POST hangs well past the grace period.
    await tenant.simControl("faults", { faults: [{ match: "GET /sales-order/list", delayMs: SHUTDOWN_GRACE_MS + 30_000 }] });
    const order = await tenant.placeOrder();
    const worker = startWorker(SLOW_CALL_ENV);
    await heldInVintrace(tenant, worker);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "PENDING", leaseOwner: expect.any(String) });

    const signalled = Date.now();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(SHUTDOWN_GRACE_MS - 1_000);
    expect(worker.output()).toMatch(/1 sync\(s\) still running after \d+ ms; released 1 lease/);
    expect(await tenant.sync(order.gid)).toMatchObject({ status: "PENDING", leaseOwner: null, leaseUntil: null });
    const taken = await claimDueSyncs(db, { owner: "next-worker", limit: 10, perTenantLimit: 4, leaseMs: 60_000, onlyTenants: [tenant.tenantId] });
    expect(taken.map((row) => row.orderGid)).toEqual([order.gid]);
  }, 120_000);
});
