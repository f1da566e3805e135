// `npm run worker`: a standalone sync worker process. Run any number of them against one PostgreSQL (amendment 4:
// not on the embedded database, which only the app's own worker uses). SIGTERM/SIGINT stop it gracefully.
//
// Tuning (all optional): WORKER_CONCURRENCY (syncs in flight in this process, default 16), WORKER_TENANT_CONCURRENCY
// (per winery across all workers, default 4), WORKER_LEASE_MS (60000), WORKER_POLL_MS (1000), WORKER_SCHEDULER
// (on|off, default on), VINTRACE_TIMEOUT_MS (15000), SYNC_POST_SETTLE_MS (60000), SYNC_RETRY_SCALE (1: tests and
// benchmarks shorten the retry schedule with it).
import { z } from "zod";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { ensureDatabase } from "@/server/runtime";
import { defaultSyncDeps, vintraceFromSettings } from "@/server/sync/context";
import { createSyncWorker, WORKER_DEFAULTS } from "@/server/sync/worker";

const knobs = z
  .object({
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(WORKER_DEFAULTS.concurrency),
    WORKER_TENANT_CONCURRENCY: z.coerce.number().int().positive().default(WORKER_DEFAULTS.perTenantLimit),
    WORKER_LEASE_MS: z.coerce.number().int().min(500).default(WORKER_DEFAULTS.leaseMs),
    WORKER_POLL_MS: z.coerce.number().int().min(50).default(WORKER_DEFAULTS.pollMs),
    WORKER_SCHEDULER: z.enum(["on", "off"]).default("on"),
    VINTRACE_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    SYNC_POST_SETTLE_MS: z.coerce.number().int().min(0).optional(),
    SYNC_RETRY_SCALE: z.coerce.number().positive().max(1).default(1),
  })
  .parse(process.env);

const env = getEnv();
if (process.env.EMBEDDED_DB === "1" || !process.env.DATABASE_URL) {
  console.error("npm run worker needs DATABASE_URL (PostgreSQL). On the embedded database, the app's own worker does the work.");
  process.exit(2);
}
// Several workers starting together all apply migrations; Prisma serialises them with a lock that waits only
// 10 s, which a busy machine can exceed. Trying again is safe: applied migrations are skipped.
for (let attempt = 1; ; attempt++) {
  try {
    await ensureDatabase();
    break;
  } catch (error) {
    if (attempt >= 5) throw error;
    console.error(`[worker] applying migrations failed (attempt ${attempt} of 5), trying again: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
  }
}
// Each sync in flight holds a connection for most of its database work: a pool smaller than the concurrency
// makes syncs queue for connections instead of for vintrace.
process.env.DB_POOL_SIZE ??= String(knobs.WORKER_CONCURRENCY + 4);
const db = createPrisma();
const deps = defaultSyncDeps(db, {
  maxAttempts: env.SYNC_MAX_ATTEMPTS,
  vintraceFor: vintraceFromSettings(db, { timeoutMs: knobs.VINTRACE_TIMEOUT_MS, allowlist: env.outboundAllowlist }),
  postTimeoutSettleMs: knobs.SYNC_POST_SETTLE_MS,
  retryScale: knobs.SYNC_RETRY_SCALE,
});
const worker = createSyncWorker({
  deps,
  concurrency: knobs.WORKER_CONCURRENCY,
  perTenantLimit: knobs.WORKER_TENANT_CONCURRENCY,
  leaseMs: knobs.WORKER_LEASE_MS,
  pollMs: knobs.WORKER_POLL_MS,
  scheduler: knobs.WORKER_SCHEDULER === "on",
});
await worker.start();
console.log(`[worker ${worker.id}] started`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void worker
      .stop()
      .then(() => db.$disconnect())
      .finally(() => {
        console.log(`[worker ${worker.id}] stopped`);
        process.exit(0);
      });
  });
}
