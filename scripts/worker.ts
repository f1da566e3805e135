// `npm run worker`: a standalone sync worker process. Run any number of them against one PostgreSQL (never
// on the embedded database, which only the app's own worker uses). SIGTERM/SIGINT stop it gracefully.
//
// Its tuning settings (WORKER_CONCURRENCY, WORKER_TENANT_CONCURRENCY, WORKER_LEASE_MS, WORKER_POLL_MS,
// WORKER_SCHEDULER, WORKER_METRICS_PORT, VINTRACE_TIMEOUT_MS, SYNC_POST_SETTLE_MS, SYNC_RETRY_SCALE, DB_POOL_SIZE) are read with every
// other setting by server/env.ts, and listed in the README's Settings table.
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { startWorkerProcess } from "@/server/jobs/process";
import { serveWorkerMetrics } from "@/server/observability/worker-metrics";
import { ensureDatabase, type ProcessDatabase } from "@/server/runtime";
import { defaultSyncDeps, vintraceFromSettings } from "@/server/sync/context";
import { WORKER_DEFAULTS } from "@/server/sync/worker";

const env = getEnv();
if (env.EMBEDDED_DB || !env.DATABASE_URL) {
  console.error("npm run worker needs DATABASE_URL (PostgreSQL). On the embedded database, the app's own worker does the work.");
  process.exit(2);
}
// Several workers starting together all apply migrations; Prisma serialises them with a lock that waits only
// 10 s, which a busy machine can exceed. Trying again is safe: applied migrations are skipped.
let database: ProcessDatabase;
for (let attempt = 1; ; attempt++) {
  try {
    database = await ensureDatabase(env);
    break;
  } catch (error) {
    if (attempt >= 5) throw error;
    console.error(`[worker] applying migrations failed (attempt ${attempt} of 5), trying again: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
  }
}
// Each sync in flight holds a connection for most of its database work: a pool smaller than the concurrency
// makes syncs queue for connections instead of for vintrace.
const concurrency = env.WORKER_CONCURRENCY ?? WORKER_DEFAULTS.concurrency;
const db = createPrisma(database, env.DB_POOL_SIZE ?? concurrency + 4);
const deps = defaultSyncDeps(db, {
  maxAttempts: env.SYNC_MAX_ATTEMPTS,
  vintraceFor: vintraceFromSettings(db, { timeoutMs: env.VINTRACE_TIMEOUT_MS, allowlist: env.outboundAllowlist }),
  postTimeoutSettleMs: env.SYNC_POST_SETTLE_MS,
  retryScale: env.SYNC_RETRY_SCALE,
});
const { worker, stop } = await startWorkerProcess({
  deps,
  concurrency,
  perTenantLimit: env.WORKER_TENANT_CONCURRENCY,
  leaseMs: env.WORKER_LEASE_MS,
  pollMs: env.WORKER_POLL_MS,
  scheduler: env.WORKER_SCHEDULER === "on",
});
console.log(`[worker ${worker.id}] started`);
const metricsServer = env.WORKER_METRICS_PORT ? await serveWorkerMetrics({ port: env.WORKER_METRICS_PORT, host: env.HOST, token: env.METRICS_TOKEN }) : null;
if (metricsServer) console.log(`[worker ${worker.id}] metrics at ${metricsServer.url}/metrics`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stop()
      .then(() => metricsServer?.close())
      .then(() => db.$disconnect())
      .finally(() => {
        console.log(`[worker ${worker.id}] stopped`);
        process.exit(0);
      });
  });
}
