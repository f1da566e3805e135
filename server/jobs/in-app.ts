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

const globalForWorker = globalThis as unknown as { workerProcess?: Promise<WorkerProcess> } & Record<symbol, unknown>;

/**
 * The handshake with scripts/app-server.mjs, which owns the process's signals under `npm start`: it sets
 * APP_SERVER_OWNS_SIGNALS before Next loads this, and on SIGTERM stops serving, awaits STOP_IN_APP_WORKER (found on
 * globalThis, since the server script cannot import this bundled module), and exits 0 only when it resolves.
 */
const APP_SERVER_OWNS_SIGNALS = Symbol.for("vintrace-sync.app-server-owns-signals");
const STOP_IN_APP_WORKER = Symbol.for("vintrace-sync.stop-in-app-worker");

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
  if (globalForWorker.workerProcess) return globalForWorker.workerProcess;
  const started = startWorker(env);
  globalForWorker.workerProcess = started;
  // Graceful: no new claims, in-flight syncs get SHUTDOWN_GRACE_MS to finish, the leases of the rest are released.
  // A signal that comes while the worker is still starting waits for the start, then stops it.
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= started.then((worker) => worker.stop(), () => {}));
  globalForWorker[STOP_IN_APP_WORKER] = stop;
  if (!globalForWorker[APP_SERVER_OWNS_SIGNALS]) {
    // Under another server (`next dev`, `next start`): stop on the signal, then let the process go as it would have.
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void stop().finally(() => {
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
      });
    }
  }
  return started;
}

async function startWorker(env: Env): Promise<WorkerProcess> {
  const database = databaseFromEnv();
  const db = database.embedded ? getDb() : createPrisma(database, env.DB_POOL_SIZE);
  return startWorkerProcess({ deps: defaultSyncDeps(db), concurrency: env.WORKER_CONCURRENCY ?? IN_APP_CONCURRENCY });
}
