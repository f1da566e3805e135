// A worker process, as both the app (WORKER_MODE=in-app) and `npm run worker` start it: the sync worker, and beside
// it the scheduler of the scheduled jobs, which claims its windows under the worker's id.
import "server-only";
import { logger } from "@/server/observability/log";
import { createSyncWorker, type SyncWorker, type WorkerOptions } from "@/server/sync/worker";
import { startScheduler, type Scheduler, type SchedulerOptions } from "./scheduler";

export interface WorkerProcessOptions extends WorkerOptions {
  /** run the scheduled jobs here (default true) */
  scheduler?: boolean | Omit<SchedulerOptions, "owner">;
}

export interface WorkerProcess {
  readonly worker: SyncWorker;
  /** graceful: stops the scheduler and waits up to `graceMs` for in-flight syncs */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export async function startWorkerProcess({ scheduler: schedulerOption, ...workerOptions }: WorkerProcessOptions): Promise<WorkerProcess> {
  const worker = createSyncWorker(workerOptions);
  await worker.start();
  let scheduler: Scheduler | null = null;
  if (schedulerOption !== false) {
    const log = workerOptions.log ?? ((message: string) => logger().error({ workerId: worker.id }, message));
    scheduler = startScheduler(workerOptions.deps, { ...(typeof schedulerOption === "object" ? schedulerOption : {}), owner: worker.id, log });
  }
  return {
    worker,
    async stop(options) {
      await Promise.all([scheduler?.stop(), worker.stop(options)]);
    },
  };
}
