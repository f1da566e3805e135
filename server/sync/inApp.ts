// The worker that runs inside the app by default (WORKER_MODE=in-app), started from instrumentation.ts. One per
// process: kept on globalThis so Next's dev reloads do not start another.
import { getDb } from "@/server/db";
import { defaultSyncDeps } from "./context";
import { createSyncWorker, type SyncWorker } from "./worker";

const globalForWorker = globalThis as unknown as { syncWorker?: SyncWorker };

export async function startInAppWorker(): Promise<SyncWorker> {
  if (globalForWorker.syncWorker) return globalForWorker.syncWorker;
  const worker = createSyncWorker({ deps: defaultSyncDeps(getDb()) });
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
