// The worker that runs inside the app by default (WORKER_MODE=in-app), started from instrumentation.ts. One per
// process: kept on globalThis so Next's dev reloads do not start another. On PostgreSQL it has a connection pool of
// its own, so a burst of orders never makes page loads wait for a connection; on the embedded database (one
// connection) it shares the app's.
import "server-only";
import { createPrisma, databaseFromEnv, getDb } from "@/server/db";
import { getEnv, isBuildPhase, type Env } from "@/server/env";
import { defaultSyncDeps } from "@/server/sync/context";
import { startWorkerProcess, type WorkerProcess } from "./process";

/** Fewer than a standalone worker's 16: this process also serves the pages. */
export const IN_APP_CONCURRENCY = 8;

const globalForWorker = globalThis as unknown as { workerProcess?: Promise<WorkerProcess> };

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

function startInAppWorker(env: Env): Promise<WorkerProcess> {
  globalForWorker.workerProcess ??= startAndStopOnSignals(env);
  return globalForWorker.workerProcess;
}

async function startAndStopOnSignals(env: Env): Promise<WorkerProcess> {
  const database = databaseFromEnv();
  const db = database.embedded ? getDb() : createPrisma(database, env.DB_POOL_SIZE);
  const worker = await startWorkerProcess({ deps: defaultSyncDeps(db), concurrency: env.WORKER_CONCURRENCY ?? IN_APP_CONCURRENCY });
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
