// A worker process for the jobs benchmark: `scripts/worker.ts` (the same deps, the same startWorkerProcess: sync
// worker, scheduler, product check runner), except that the benchmark chooses which scheduled jobs its scheduler
// runs and how often their loops tick, so that one job can be measured without the others claiming their windows.
//
// BENCH_JOBS            comma-separated: reconcile, alerts (the registry's definitions)
// BENCH_ALERT_WINDOW_MS the alert cycle's window (default: the registry's minute)
// BENCH_TICK_MS         how often each job's loop looks for its window (default: the scheduler's 30 s)
//
// Every second it prints a line `BENCH-LOOP {"maxMs":…,"rssMB":…}`: the longest event-loop delay of that second and
// the process's resident memory, so the benchmark can tell what held a job back.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { startWorkerProcess } from "@/server/jobs/process";
import { alertsJob, reconcileJob, type JobDefinition } from "@/server/jobs/registry";
import { ensureDatabase } from "@/server/runtime";
import { defaultSyncDeps, vintraceFromSettings } from "@/server/sync/context";
import { WORKER_DEFAULTS } from "@/server/sync/worker";

const env = getEnv();
const database = await ensureDatabase(env);
const concurrency = env.WORKER_CONCURRENCY ?? WORKER_DEFAULTS.concurrency;
const db = createPrisma(database, env.DB_POOL_SIZE ?? concurrency + 4);
const deps = defaultSyncDeps(db, {
  maxAttempts: env.SYNC_MAX_ATTEMPTS,
  vintraceFor: vintraceFromSettings(db, { timeoutMs: env.VINTRACE_TIMEOUT_MS, allowlist: env.outboundAllowlist }),
  postTimeoutSettleMs: env.SYNC_POST_SETTLE_MS,
  retryScale: env.SYNC_RETRY_SCALE,
});

const alertWindowMs = Number(process.env.BENCH_ALERT_WINDOW_MS ?? 0);
const available: Record<string, () => JobDefinition> = {
  reconcile: () => reconcileJob(),
  alerts: () => (alertWindowMs > 0 ? { ...alertsJob(), windowMs: alertWindowMs } : alertsJob()),
};
const jobs = (process.env.BENCH_JOBS ?? "")
  .split(",")
  .filter(Boolean)
  .map((name) => {
    const make = available[name];
    if (!make) throw new Error(`BENCH_JOBS: no job ${name} (known: ${Object.keys(available).join(", ")})`);
    return make();
  });
const tickMs = process.env.BENCH_TICK_MS ? Number(process.env.BENCH_TICK_MS) : undefined;

const { worker, stop } = await startWorkerProcess({
  deps,
  concurrency,
  perTenantLimit: env.WORKER_TENANT_CONCURRENCY,
  leaseMs: env.WORKER_LEASE_MS,
  pollMs: env.WORKER_POLL_MS,
  scheduler: jobs.length > 0 ? { jobs, tickMs } : false,
});
console.log(`BENCH-STARTED ${worker.id}`);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const sampler = setInterval(() => {
  console.log(`BENCH-LOOP ${JSON.stringify({ at: Date.now(), maxMs: Math.round(delay.max / 1e6), rssMB: Math.round(process.memoryUsage.rss() / 2 ** 20) })}`);
  delay.reset();
}, 1_000);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    void stop()
      .then(() => db.$disconnect())
      .finally(() => process.exit(0));
  });
}
