// The worker that runs inside the app by default (WORKER_MODE=in-app), started from instrumentation.ts. One per
// process: kept on globalThis so Next's dev reloads do not start another. On PostgreSQL it has a connection pool of
// its own, so a burst of orders never makes page loads wait for a connection; on the embedded database (one
// connection) it shares the app's.
import { createPrisma, databaseFromEnv, getDb } from "@/server/db";
import { getEnv, isBuildPhase, type Env } from "@/server/env";
import { defaultSyncDeps } from "./context";
import { createSyncWorker, type SyncWorker } from "./worker";

/** Fewer than a standalone worker's 16: this process also serves the pages. */
export const IN_APP_CONCURRENCY = 8;

const globalForWorker = globalThis as unknown as { syncWorker?: SyncWorker };

/**
 * What the app does as its server starts: read the settings, so that an invalid one stops the app before it serves
 * anything, then start the in-app worker unless WORKER_MODE=off.
 */
export async function startAppServer(): Promise<void> {
  if (isBuildPhase()) return;
  const env = getEnv();
  if (env.WORKER_MODE === "off") return;
  await startInAppWorker(env);
}

async function startInAppWorker(env: Env): Promise<SyncWorker> {
  if (globalForWorker.syncWorker) return globalForWorker.syncWorker;
  const database = databaseFromEnv();
  const db = database.embedded ? getDb() : createPrisma(database, env.DB_POOL_SIZE);
  const worker = createSyncWorker({ deps: defaultSyncDeps(db), concurrency: env.WORKER_CONCURRENCY ?? IN_APP_CONCURRENCY });
  globalForWorker.syncWorker = worker;
  await worker.start();
  // Let in-flight syncs finish on shutdown, then let the process go as it would have.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void worker.stop({ graceMs: 10_000 }).finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
  return worker;
}
