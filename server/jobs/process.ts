// A worker process, as both the app (WORKER_MODE=in-app) and `npm run worker` start it: the sync worker, beside it
// the scheduler of the scheduled jobs (which claims its windows under the worker's id), the runner of queued
// product checks, and the runner of the after-sale change processor.
import "server-only";
import { logger } from "@/server/observability/log";
import { createSyncWorker, type SyncWorker, type WorkerOptions } from "@/server/sync/worker";
import { startOrderChangeRunner, type OrderChangeRunner, type OrderChangeRunnerOptions } from "./order-changes";
import { startProductCheckRunner, type ProductCheckRunner, type ProductCheckRunnerOptions } from "./product-checks";
import { startScheduler, type Scheduler, type SchedulerOptions } from "./scheduler";

/** How long a stopping process lets in-flight work finish before it hands back what is left. */
export const SHUTDOWN_GRACE_MS = 20_000;

export interface WorkerProcessOptions extends WorkerOptions {
  /** run the scheduled jobs here (default true) */
  scheduler?: boolean | Omit<SchedulerOptions, "owner">;
  /** run queued product checks here (default true) */
  productChecks?: boolean | Omit<ProductCheckRunnerOptions, "owner">;
  /** apply stored after-sale deliveries here (default true) */
  orderChanges?: boolean | OrderChangeRunnerOptions;
}

export interface WorkerProcess {
  readonly worker: SyncWorker;
  /**
   * Graceful: claims nothing more, waits up to `graceMs` (default SHUTDOWN_GRACE_MS) for in-flight syncs, jobs and
   * the product check in hand, then releases the leases of what is still running so another worker takes it at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export async function startWorkerProcess({
  scheduler: schedulerOption,
  productChecks: productCheckOption,
  orderChanges: orderChangeOption,
  ...workerOptions
}: WorkerProcessOptions): Promise<WorkerProcess> {
  const worker = createSyncWorker(workerOptions);
  await worker.start();
  const log = workerOptions.log ?? ((message: string) => logger().error({ workerId: worker.id }, message));
  let scheduler: Scheduler | null = null;
  if (schedulerOption !== false) {
    scheduler = startScheduler(workerOptions.deps, { ...(typeof schedulerOption === "object" ? schedulerOption : {}), owner: worker.id, log });
  }
  let productChecks: ProductCheckRunner | null = null;
  if (productCheckOption !== false) {
    productChecks = startProductCheckRunner(workerOptions.deps, {
      onlyTenants: workerOptions.onlyTenants,
      ...(typeof productCheckOption === "object" ? productCheckOption : {}),
      owner: worker.id,
      log,
    });
  }
  let orderChanges: OrderChangeRunner | null = null;
  if (orderChangeOption !== false) {
    orderChanges = startOrderChangeRunner(workerOptions.deps, { onlyTenants: workerOptions.onlyTenants, ...(typeof orderChangeOption === "object" ? orderChangeOption : {}), log });
  }
  return {
    worker,
    async stop({ graceMs = SHUTDOWN_GRACE_MS } = {}) {
      await Promise.all([scheduler?.stop({ graceMs }), productChecks?.stop({ graceMs }), orderChanges?.stop({ graceMs }), worker.stop({ graceMs })]);
    },
  };
}
