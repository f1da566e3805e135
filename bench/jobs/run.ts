// The scheduled jobs at scale, against the simulators (real HTTP servers) on a fresh PostgreSQL database, each job run
// by a worker process (bench/jobs/worker.ts: scripts/worker.ts with a chosen job list) exactly as its loop runs it:
//
//   1. reconcile: one sweep over --wineries (1,000) connected shops, with --shopify-latency (100 ms) on every Admin
//      call and the Admin cost bucket enforced (the simulator's Standard-plan bucket, per shop). Baseline: the same
//      sweep over --baseline-wineries (10). Target: inside the job's 15-minute window.
//   2. alerts: the lateness of each alert-cycle run (its claim's time minus its window's start) while one winery's
//      --variants (10,000) product check runs in the same worker, and without it (baseline). Target: never more than
//      60 s late. The cycle's window is shortened to --alert-window (20 s, longer than one cycle over 1,000 wineries) and its loop ticks every --tick (1 s), so
//      a run is late by at most the tick plus whatever held it back; in production the loop ticks every 30 s, so the
//      production lateness is at most 30 s plus the same hold-up, which is what is compared with the target.
//   3. memory: the RSS (from /proc) of `next start` (WORKER_MODE=off) and of one worker process after the ingest
//      benchmark's load (bench/ingest/run.ts: 10 s warm-up, then 60 s at 300 signed orders/create deliveries/s) with
//      the worker syncing them to the simulators. Needs a Next build: --app <folder> (one kept by
//      `bench/ingest/run.ts --keep`), else HEAD is exported and built, as the ingest benchmark does. Target ≤ 400 MB each.
//      Baseline: the same at --baseline-rate (100/s), and each process's RSS idle before the load.
//
//   node scripts/node24.mjs bench/jobs/run.ts [--only reconcile,alerts,memory] [--app <built tree>] [--keep]
//        [--wineries 1000] [--baseline-wineries 10] [--shopify-latency 100] [--vintrace-latency 50]
//        [--variants 10000] [--alert-window 20] [--tick 1] [--baseline-seconds 60] [--check-seconds 120]
//        [--rate 300] [--baseline-rate 100] [--duration 60]
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import { parseArgs } from "node:util";
import { createPrisma } from "@/server/db";
import { requestProductCheck } from "@/server/products/check";
import { startSyncWorld, workerProcessEnv, type Tenant } from "@/test/support/sync";
import { createTestDatabase, setTestEnvironment } from "@/test/database";
import { testSeed } from "@/test/support/vintrace";
import { TS_ENTRY_FLAGS, stopProcess } from "@/scripts/processes";
import { memoryPhase } from "./memory";
import { mapLimit } from "@/server/sync/map-limit";

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "reconcile,alerts,memory" },
    app: { type: "string" },
    "app-node-options": { type: "string" },
    keep: { type: "boolean", default: false },
    tenants: { type: "string", default: "1000" },
    "baseline-wineries": { type: "string", default: "10" },
    "shopify-latency": { type: "string", default: "100" },
    "vintrace-latency": { type: "string", default: "50" },
    variants: { type: "string", default: "10000" },
    "alert-window": { type: "string", default: "20" },
    tick: { type: "string", default: "1" },
    "baseline-seconds": { type: "string", default: "60" },
    "check-seconds": { type: "string", default: "120" },
    rate: { type: "string", default: "300" },
    "baseline-rate": { type: "string", default: "100" },
    duration: { type: "string", default: "60" },
  },
});
const PHASES = new Set(values.only.split(","));
const TENANTS = Number(values.tenants);
const BASELINE_TENANTS = Number(values["baseline-wineries"]);
const VARIANTS = Number(values.variants);
const ALERT_WINDOW_MS = Number(values["alert-window"]) * 1000;
const TICK_MS = Number(values.tick) * 1000;
/** the scheduler's default tick, which production runs with */
const PRODUCTION_TICK_MS = 30_000;
const RECONCILE_WINDOW_MS = 15 * 60_000;
const ALERT_TARGET_MS = 60_000;
const RSS_TARGET_MB = 400;
/** untagged orders per shop older than the reconciliation's five-minute grace: each sweep queues them */
const ORDERS_PER_SHOP = 2;

const log = (message: string) => console.error(`[bench:jobs] ${new Date().toISOString().slice(11, 19)} ${message}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const load = () => os.loadavg().map((l) => round(l, 2));

setTestEnvironment();
const database = await createTestDatabase("benchjobs");
process.env.DATABASE_URL = database.url;
const db = createPrisma(database);
const world = await startSyncWorld(db, { vintraceLatencyMs: Number(values["vintrace-latency"]) });
world.shopify.sim.setLatency(Number(values["shopify-latency"]));

// ---------------------------------------------------------------------------------------------------------------
// Worker processes

interface LoopSample {
  at: number;
  maxMs: number;
  rssMB: number;
}

interface BenchWorker {
  child: ChildProcess;
  samples: LoopSample[];
  stop(): Promise<void>;
}

async function startBenchWorker(env: Record<string, string>): Promise<BenchWorker> {
  const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, "bench/jobs/worker.ts"], {
    // JSON lines, as in production: readable ones are formatted in the worker's own event loop, which is measured.
    env: { ...process.env, ...workerProcessEnv(world, database.url), WORKER_CONCURRENCY: "16", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const samples: LoopSample[] = [];
  let buffered = "";
  const started = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the bench worker exited (${code}) before it started`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("BENCH-STARTED")) resolve();
        else if (line.startsWith("BENCH-LOOP ")) samples.push(JSON.parse(line.slice(11)) as LoopSample);
      }
    });
  });
  // The worker's own log (a failed job, a lost run) is part of what the benchmark shows.
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker] ${chunk.toString()}`));
  await started;
  return { child, samples, stop: () => stopProcess(child, 30_000) };
}

// ---------------------------------------------------------------------------------------------------------------
// Wineries

const EIGHT_DAYS_MS = 8 * 24 * 3600_000;

/** Connected wineries, each with ORDERS_PER_SHOP untagged orders an hour old in its shop that no webhook brought. */
async function addTenants(count: number, first: number): Promise<Tenant[]> {
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  return mapLimit(
    Array.from({ length: count }, (_, i) => first + i),
    8,
    async (n) => {
      const tenant = await world.addTenant({ label: `w${n}`, syncOrdersCreatedAfter: new Date(Date.now() - EIGHT_DAYS_MS) });
      for (let i = 0; i < ORDERS_PER_SHOP; i++) await tenant.placeOrder({ deliver: false, createdAt: hourAgo });
      return tenant;
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Reconciliation

interface ClaimRow {
  window: string;
  claimedAt: Date;
  finishedAt: Date | null;
  result: unknown;
}

const claimsOf = (job: string) =>
  db.jobClaim.findMany({ where: { job }, select: { window: true, claimedAt: true, finishedAt: true, result: true }, orderBy: { claimedAt: "asc" } });

async function sweep(expected: number) {
  await db.jobClaim.deleteMany({ where: { job: "reconcile" } });
  const queuedBefore = await db.orderSync.count({ where: { source: "RECONCILE" } });
  const worker = await startBenchWorker({ BENCH_JOBS: "reconcile" });
  const deadline = Date.now() + RECONCILE_WINDOW_MS + 60_000;
  let claims: ClaimRow[] = [];
  try {
    for (;;) {
      claims = await claimsOf("reconcile");
      const firstWindow = claims[0]?.window;
      claims = claims.filter((c) => c.window === firstWindow);
      if (claims.length >= expected && claims.every((c) => c.finishedAt)) break;
      if (Date.now() > deadline) throw new Error(`the sweep had finished ${claims.filter((c) => c.finishedAt).length} of ${expected} wineries after ${RECONCILE_WINDOW_MS / 60_000} min + 1 min`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await worker.stop();
  }
  const start = Math.min(...claims.map((c) => c.claimedAt.getTime()));
  const end = Math.max(...claims.map((c) => c.finishedAt!.getTime()));
  const failed = claims.filter((c) => typeof c.result === "object" && c.result !== null && "error" in c.result);
  const examined = claims.reduce((sum, c) => sum + ((c.result as { examined?: number } | null)?.examined ?? 0), 0);
  return {
    tenants: claims.length,
    seconds: round((end - start) / 1000),
    msPerTenant: round((end - start) / claims.length),
    ordersExamined: examined,
    ordersQueued: (await db.orderSync.count({ where: { source: "RECONCILE" } })) - queuedBefore,
    failedTenants: failed.length,
    firstFailure: failed[0]?.result,
    workerMaxLoopDelayMs: Math.max(0, ...worker.samples.map((s) => s.maxMs)),
    workerPeakRssMB: Math.max(0, ...worker.samples.map((s) => s.rssMB)),
  };
}

async function reconcilePhase(tenants: Tenant[]) {
  log(`reconcile: baseline sweep over ${BASELINE_TENANTS} wineries`);
  // The baseline's wineries are the only ones while it runs; the rest are added after it.
  tenants.push(...(await addTenants(BASELINE_TENANTS, 0)));
  const baseline = await sweep(BASELINE_TENANTS);
  log(`reconcile: baseline ${JSON.stringify(baseline)}; adding ${TENANTS - BASELINE_TENANTS} more wineries`);
  tenants.push(...(await addTenants(TENANTS - BASELINE_TENANTS, BASELINE_TENANTS)));
  log(`reconcile: sweep over ${TENANTS} wineries (load ${load().join(" ")})`);
  const loadBefore = load();
  const full = await sweep(TENANTS);
  return { baseline, full, loadBefore, loadAfter: load() };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Alert-cycle lateness during a product check

/** A catalogue of `count` variants in the shop, and vintrace stock items for all but every hundredth of them (left for the exact lookups). */
async function addCatalogueTenant(count: number): Promise<Tenant> {
  const stockItems = Array.from({ length: count }, (_, i) => i + 1)
    .filter((n) => n % 100 !== 0)
    .map((n) => ({ code: `SEED-${String(n).padStart(5, "0")}`, description: `Seeded Wine ${String(n).padStart(5, "0")}`, price: 20 }));
  const tenant = await world.addTenant({ label: "catalogue", seed: { ...testSeed(), stockItems } });
  world.shopify.sim.seedVariants(tenant.shop, count);
  return tenant;
}

interface AlertRun {
  window: number;
  lateMs: number;
  finishedLateMs: number | null;
  duringCheck: boolean;
}

async function alertsPhase() {
  log(`alerts: a winery with ${VARIANTS} variants and stock items`);
  const catalogue = await addCatalogueTenant(VARIANTS);
  await db.jobClaim.deleteMany({ where: { job: "alerts" } });
  const workerStarted = Date.now();
  const worker = await startBenchWorker({ BENCH_JOBS: "alerts", BENCH_ALERT_WINDOW_MS: String(ALERT_WINDOW_MS), BENCH_TICK_MS: String(TICK_MS) });
  const checks: { startedMs: number; finishedMs: number; status: string; variants: number | null }[] = [];
  let baselineEnd = 0;
  try {
    log(`alerts: baseline, ${values["baseline-seconds"]} s without a product check (load ${load().join(" ")})`);
    await new Promise((resolve) => setTimeout(resolve, Number(values["baseline-seconds"]) * 1000));
    baselineEnd = Date.now();
    const checkUntil = Date.now() + Number(values["check-seconds"]) * 1000;
    log("alerts: product checks back to back");
    do {
      const startedMs = Date.now();
      // As the nightly job asks for it: a queued run, which the worker's runner takes.
      const { id } = await requestProductCheck(db, catalogue.tenantId, "bench");
      for (;;) {
        const run = await db.productCheck.findUniqueOrThrow({ where: { id } });
        if (run.status === "DONE" || run.status === "FAILED") {
          checks.push({ startedMs, finishedMs: Date.now(), status: run.status === "FAILED" ? `FAILED: ${run.error}` : "DONE", variants: run.progressTotal });
          log(`alerts: product check ${run.status} in ${round((Date.now() - startedMs) / 1000)} s`);
          break;
        }
        if (Date.now() - startedMs > 15 * 60_000) throw new Error("the product check did not finish within 15 min");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } while (Date.now() < checkUntil);
    // One more window after the last check, so a run held back at its very end is counted.
    await new Promise((resolve) => setTimeout(resolve, ALERT_WINDOW_MS + 2 * TICK_MS));
  } finally {
    await worker.stop();
  }
  const end = Date.now();
  const claims = await claimsOf("alerts");
  // A window that began before the worker did is late by the worker's start-up: left out.
  const runs: AlertRun[] = claims.filter((c) => Date.parse(c.window) >= workerStarted).map((c) => {
    const window = Date.parse(c.window);
    return {
      window,
      lateMs: c.claimedAt.getTime() - window,
      finishedLateMs: c.finishedAt ? c.finishedAt.getTime() - window : null,
      duringCheck: checks.some((k) => window + ALERT_WINDOW_MS > k.startedMs && window < k.finishedMs),
    };
  });
  // Windows that started while the worker ran and that no run claimed: missed altogether.
  const first = runs[0]?.window ?? end;
  const missed: number[] = [];
  for (let w = first; w + ALERT_WINDOW_MS < end - TICK_MS; w += ALERT_WINDOW_MS) if (!runs.some((r) => r.window === w)) missed.push(w);
  const loopDelay = (from: number, to: number) => Math.max(0, ...worker.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.maxMs));
  const summary = (selected: AlertRun[]) => {
    const late = selected.map((r) => r.lateMs).sort((a, b) => a - b);
    const done = selected.map((r) => r.finishedLateMs ?? Infinity).sort((a, b) => a - b);
    return {
      runs: selected.length,
      lateMs: { p50: late[Math.floor(late.length / 2)] ?? null, max: late.at(-1) ?? null },
      finishedLateMs: { p50: done[Math.floor(done.length / 2)] ?? null, max: done.at(-1) ?? null },
    };
  };
  const firstCheck = checks[0]?.startedMs ?? end;
  return {
    checks: checks.map((k) => ({ seconds: round((k.finishedMs - k.startedMs) / 1000), status: k.status, variants: k.variants })),
    baseline: { ...summary(runs.filter((r) => r.window + ALERT_WINDOW_MS <= firstCheck && r.window < baselineEnd)), workerMaxLoopDelayMs: loopDelay(0, firstCheck) },
    duringCheck: { ...summary(runs.filter((r) => r.duringCheck)), workerMaxLoopDelayMs: loopDelay(firstCheck, checks.at(-1)?.finishedMs ?? end) },
    missedWindows: missed.map((w) => new Date(w).toISOString()),
    runs: runs.map((r) => ({ window: new Date(r.window).toISOString().slice(11, 19), lateMs: r.lateMs, finishedLateMs: r.finishedLateMs, duringCheck: r.duringCheck })),
    workerPeakRssMB: Math.max(0, ...worker.samples.map((s) => s.rssMB)),
  };
}

// ---------------------------------------------------------------------------------------------------------------

function printFigures(results: Record<string, unknown>) {
  const lines: string[] = ["", "| figure | target | baseline | result | verdict |", "|---|---|---|---|---|"];
  const reconcile = results.reconcile as Awaited<ReturnType<typeof reconcilePhase>> | undefined;
  if (reconcile) {
    const ok = reconcile.full.tenants === TENANTS && reconcile.full.seconds * 1000 <= RECONCILE_WINDOW_MS && reconcile.full.failedTenants === 0;
    lines.push(
      `| reconcile sweep, ${TENANTS} wineries, ${values["shopify-latency"]} ms Shopify latency, cost bucket on | ≤ 900 s (its 15-min window) | ` +
        `${reconcile.baseline.seconds} s for ${reconcile.baseline.tenants} (${reconcile.baseline.msPerTenant} ms each) | ` +
        `${reconcile.full.seconds} s (${reconcile.full.msPerTenant} ms each, ${reconcile.full.failedTenants} failed) | ${verdict(ok)} |`,
    );
  }
  const alerts = results.alerts as Awaited<ReturnType<typeof alertsPhase>> | undefined;
  if (alerts) {
    const worst = alerts.duringCheck.lateMs.max ?? Infinity;
    const production = PRODUCTION_TICK_MS + worst;
    const ok = alerts.missedWindows.length === 0 && alerts.duringCheck.runs > 0 && production <= ALERT_TARGET_MS;
    lines.push(
      `| alert cycle lateness during a ${VARIANTS}-variant product check (window ${ALERT_WINDOW_MS / 1000} s, tick ${TICK_MS / 1000} s) | ≤ 60 s with the production 30-s tick | ` +
        `max ${alerts.baseline.lateMs.max} ms over ${alerts.baseline.runs} runs | max ${worst} ms over ${alerts.duringCheck.runs} runs, ${alerts.missedWindows.length} windows missed; ` +
        `production bound 30 s + ${round(worst / 1000)} s = ${round(production / 1000)} s | ${verdict(ok)} |`,
    );
  }
  const memory = results.memory as { baseline: Awaited<ReturnType<typeof memoryPhase>>; full: Awaited<ReturnType<typeof memoryPhase>> } | undefined;
  if (memory) {
    const delivered = (m: Awaited<ReturnType<typeof memoryPhase>>) => `${m.load.failed} of ${m.load.deliveries} deliveries failed, p99 ${round(m.load.p99Ms / 1000)} s`;
    memory.full.processes.forEach((p, i) => {
      const base = memory.baseline.processes[i];
      lines.push(
        `| RSS of ${p.name} after ${values.duration} s at ${values.rate}/s | ≤ ${RSS_TARGET_MB} MB | ${p.idleRssMB} MB idle; ${base.rssMB} MB after ${values.duration} s at ${values["baseline-rate"]}/s (${delivered(memory.baseline)}) | ` +
          `${p.rssMB} MB, peak ${p.peakRssMB} MB (${delivered(memory.full)}) | ${verdict(p.peakRssMB <= RSS_TARGET_MB)} |`,
      );
    });
  }
  console.log(lines.join("\n"));
}

const machine = { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
log(`machine ${JSON.stringify(machine)}, load average ${load().join(" ")}`);
const results: Record<string, unknown> = { machine, loadBefore: load() };
try {
  const tenants: Tenant[] = [];
  if (PHASES.has("reconcile")) results.reconcile = await reconcilePhase(tenants);
  if (PHASES.has("alerts")) results.alerts = await alertsPhase();
  if (PHASES.has("memory")) {
    if (tenants.length < 50) tenants.push(...(await addTenants(50 - tenants.length, tenants.length)));
    const memory = (rate: number) =>
      memoryPhase({ world, database, tenants: tenants.slice(0, 50), app: values.app, appNodeOptions: values["app-node-options"], keep: values.keep, rate, durationS: Number(values.duration), log });
    results.memory = { baseline: await memory(Number(values["baseline-rate"])), full: await memory(Number(values.rate)) };
  }
  results.loadAfter = load();
  console.log(JSON.stringify(results, null, 2));
  printFigures(results);
} finally {
  await world.close();
  await db.$disconnect();
  await database.drop();
}
