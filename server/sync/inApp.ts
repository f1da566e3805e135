// The worker that runs inside the app by default (WORKER_MODE=in-app), started from instrumentation.ts. One per
// process: kept on globalThis so Next's dev reloads do not start another. On PostgreSQL it has a connection pool of
// its own, so a burst of orders never makes page loads wait for a connection; on the embedded database (one
// connection) it shares the app's.
import { createPrisma, getDb } from "@/server/db";
import { defaultSyncDeps } from "./context";
import { createSyncWorker, type SyncWorker } from "./worker";

/** Fewer than a standalone worker's 16: this process also serves the pages. */
export const IN_APP_CONCURRENCY = 8;

const globalForWorker = globalThis as unknown as { syncWorker?: SyncWorker };

export async function startInAppWorker(): Promise<SyncWorker> {
  if (globalForWorker.syncWorker) return globalForWorker.syncWorker;
  const embedded = process.env.EMBEDDED_DB === "1";
  const concurrency = Number(process.env.WORKER_CONCURRENCY) || IN_APP_CONCURRENCY;
  const db = embedded ? getDb() : createPrisma();
  const worker = createSyncWorker({ deps: defaultSyncDeps(db), concurrency });
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
