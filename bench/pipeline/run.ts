// The pipeline benchmark: signed orders/create deliveries → the real webhook intake (HMAC check, one INSERT, pg_notify)
// → two worker processes (`scripts/worker.ts`, the in-app worker's code at its production defaults: 16 syncs in flight
// per process, 4 per winery, vintrace paced at 10 requests/s per winery) → the vintrace simulator → tags in the Shopify
// simulator (which enforces the Admin API's cost bucket), on a fresh PostgreSQL database, for 50 wineries.
//
//   node scripts/node24.mjs bench/pipeline/run.ts [--wineries 50] [--orders 2000] [--rate 20] [--seconds 30]
//                                                [--workers 2] [--concurrency 16] [--jobs]
//
// The workers' scheduled jobs are off unless --jobs: what is measured is the sync path. With them on, their first
// passes (a reconciliation, a webhook check and a product check for each of the 50 wineries) start beside the
// syncs and run through the first phase, which then measures the start-up rather than the pipeline; the jobs have
// their own benchmark (bench/jobs).
// Phases: throughput at 0 ms and at 50 ms of vintrace latency (N orders delivered as fast as the intake takes
// them; orders/s = N / (last tagged − first delivered)), then latency at a steady --rate orders/s with 50 ms of
// vintrace latency (delivery → tagged: the record's createdAt, set by the intake, to its updatedAt when the tag
// was written).
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { createPrisma } from "@/server/db";
import { createLogger, replaceLogger } from "@/server/observability/log";
import { startSyncWorld, workerProcessEnv, type Tenant } from "@/test/support/sync";
import { createTestDatabase, setTestEnvironment } from "@/test/database";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "50" },
    orders: { type: "string", default: "2000" },
    rate: { type: "string", default: "20" },
    seconds: { type: "string", default: "30" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "16" },
    jobs: { type: "boolean", default: false },
  },
});
const TENANTS = Number(values.tenants);
const ORDERS = Number(values.orders);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);
const CONCURRENCY = Number(values.concurrency);

setTestEnvironment();
// The intake runs in this process. As in production, its log lines (one per webhook) are JSON written to a file, not
// readable lines formatted here: formatting them costs the CPU the workers and the simulators share.
const WORKER_LOG = path.join(os.tmpdir(), `bench-pipeline-workers-${process.pid}.log`);
replaceLogger(createLogger({ format: "json", level: "info", destination: pino.destination({ dest: path.join(os.tmpdir(), `bench-pipeline-intake-${process.pid}.log`), sync: true }) }));
const database = await createTestDatabase("bench");
process.env.DATABASE_URL = database.url;
const db = createPrisma(database);
const world = await startSyncWorld(db);
const children: ChildProcess[] = [];

const log = (message: string) => console.log(`[bench] ${message}`);

async function setLatency(ms: number) {
  await fetch(`${world.vintraceSim.url}/__sim/options`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ latencyMs: ms }) });
}

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, "scripts/worker.ts"], {
    env: {
      ...process.env,
      ...workerProcessEnv(world, database.url),
      WORKER_CONCURRENCY: String(CONCURRENCY),
      WORKER_SCHEDULER: values.jobs ? "on" : "off",
      // as in production: JSON lines at info level, written straight to a file rather than through this process,
      // which also runs the intake and the simulators
      LOG_FORMAT: "json",
      ...(process.env.BENCH_PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}` } : {}),
    },
    stdio: ["ignore", "ignore", openSync(WORKER_LOG, "a")],
  });
  children.push(child);
  return child;
}

/** CPU time (user + system) the worker processes have used so far, in ms (Linux /proc). */
function workersCpuMs(): number {
  const ticksPerSecond = 100;
  return children.reduce((sum, child) => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    } catch {
      return sum;
    }
  }, 0);
}

const tagged = (tenantIds: string[]) => db.orderSync.count({ where: { tenantId: { in: tenantIds }, tagState: "CREATED" } });

async function waitForTagged(tenantIds: string[], expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await tagged(tenantIds);
    if (count >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${count} of ${expected} orders tagged after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deliverMany(tenants: Tenant[], count: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        await tenants[index % tenants.length].placeOrder();
      }
    }),
  );
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latenciesSince(tenantIds: string[], since: Date) {
  const rows = await db.orderSync.findMany({ where: { tenantId: { in: tenantIds }, createdAt: { gte: since } }, select: { createdAt: true, updatedAt: true, tagState: true } });
  return rows.filter((r) => r.tagState === "CREATED").map((r) => r.updatedAt.getTime() - r.createdAt.getTime()).sort((a, b) => a - b);
}

async function throughputPhase(tenants: Tenant[], latencyMs: number) {
  await setLatency(latencyMs);
  const tenantIds = tenants.map((w) => w.tenantId);
  const before = await tagged(tenantIds);
  const cpuBefore = workersCpuMs();
  const ownCpuBefore = process.cpuUsage();
  const started = new Date();
  await deliverMany(tenants, ORDERS, 64);
  const delivered = Date.now();
  await waitForTagged(tenantIds, before + ORDERS, 10 * 60_000);
  const last = await db.orderSync.aggregate({ where: { tenantId: { in: tenantIds }, createdAt: { gte: started } }, _max: { updatedAt: true } });
  const seconds = ((last._max.updatedAt?.getTime() ?? Date.now()) - started.getTime()) / 1000;
  const latencies = await latenciesSince(tenantIds, started);
  return {
    latencyMs,
    orders: ORDERS,
    deliveredPerSecond: Math.round(ORDERS / ((delivered - started.getTime()) / 1000)),
    ordersPerSecond: Math.round((ORDERS / seconds) * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    p50Ms: percentile(latencies, 50),
    workerCpuMsPerOrder: Math.round(((workersCpuMs() - cpuBefore) / ORDERS) * 10) / 10,
    // this process: the intake and both simulators
    intakeAndSimulatorsCpuMsPerOrder: Math.round(((cpuMs(process.cpuUsage(ownCpuBefore))) / ORDERS) * 10) / 10,
  };
}

async function steadyPhase(tenants: Tenant[], latencyMs: number) {
  await setLatency(latencyMs);
  const tenantIds = tenants.map((w) => w.tenantId);
  const total = RATE * SECONDS;
  const before = await tagged(tenantIds);
  const started = new Date();
  const interval = 1000 / RATE;
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started.getTime() + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(tenants[i % tenants.length].placeOrder());
  }
  await Promise.all(sends);
  await waitForTagged(tenantIds, before + total, 5 * 60_000);
  const latencies = await latenciesSince(tenantIds, started);
  return { latencyMs, rate: RATE, orders: total, p50Ms: percentile(latencies, 50), p90Ms: percentile(latencies, 90), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) };
}

try {
  log(`${TENANTS} wineries, ${WORKERS} worker processes × ${CONCURRENCY} syncs in flight, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}`);
  const tenants: Tenant[] = [];
  for (let i = 0; i < TENANTS; i++) tenants.push(await world.addTenant({ label: `bench${i}` }));
  for (let i = 0; i < WORKERS; i++) startWorker();
  // Warm-up: one order per winery, so connections, prepared clients and the JIT are in place.
  await deliverMany(tenants, TENANTS, 16);
  await waitForTagged(tenants.map((w) => w.tenantId), TENANTS, 120_000);
  log("warmed up");

  const results = {
    throughput0: await throughputPhase(tenants, 0),
    throughput50: await throughputPhase(tenants, 50),
    steady50: await steadyPhase(tenants, 50),
  };
  const failed = await db.orderSync.count({ where: { status: { not: "SYNCED" } } });
  const duplicates = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT "orderSyncId" FROM "SyncAttempt" WHERE step = 'CREATE' AND outcome = 'created' GROUP BY 1 HAVING count(*) > 1) d`;
  const loadAverage = os.loadavg().map((l) => Math.round(l * 10) / 10);
  console.log(JSON.stringify({ ...results, notSynced: failed, ordersCreatedTwice: duplicates[0]?.n ?? 0, loadAverage }, null, 2));
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on("exit", resolve)))));
  await world.close();
  await db.$disconnect();
  await database.drop();
}
