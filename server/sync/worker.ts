// The durable sync worker. Any number of them (in the app, or `npm run worker` processes) share one PostgreSQL:
// each claims due records with a lease (queue.ts), works on up to `concurrency` at once, and keeps its leases
// alive while it works. A worker that dies stops renewing; its leases lapse and another worker takes the records,
// where the lookup-before-POST rule (process-order.ts) turns the repeat into "already in vintrace".
//
// It wakes at once on NOTIFY order_sync_due, when a record finishes, and every `pollMs` (the fallback, and the
// only way in embedded mode, which has no LISTEN). It beats a WorkerHeartbeat row for the health endpoint; the
// scheduled jobs run beside it (server/jobs/process.ts). stop() is graceful: no new claims, in-flight syncs finish
// (their leases still renewed meanwhile); past the grace period the leases of those still running are released, so
// another worker takes them at once instead of after the lease; the heartbeat row is removed.
import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { databaseOf, type Db } from "@/server/db";
import { logger, withLogContext } from "@/server/observability/log";
import { claimDueSyncs, DEFAULT_PER_TENANT_LIMIT, releaseLeases, renewLeases } from "./queue";
import type { SyncDeps } from "./context";
import { listenForDue, type DueListener } from "./notify";
import { processOrder, type ProcessResult } from "./process-order";

export interface WorkerOptions {
  deps: SyncDeps;
  /** default: host:pid:random */
  workerId?: string;
  /** syncs in flight at once in this process */
  concurrency?: number;
  /** leased syncs per winery, across all workers */
  perTenantLimit?: number;
  leaseMs?: number;
  pollMs?: number;
  heartbeatMs?: number;
  /** LISTEN for order_sync_due on this database (default: the client's own unless embedded; null: poll only) */
  listenUrl?: string | null;
  /** work only for these wineries (default: all) */
  onlyTenants?: string[];
  log?: (message: string) => void;
  onProcessed?: (result: ProcessResult, syncId: string) => void;
}

export interface SyncWorker {
  readonly id: string;
  start(): Promise<void>;
  /** graceful: waits up to `graceMs` for in-flight syncs, then releases the leases of those still running */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** claim now (a hint; harmless when nothing is due) */
  wake(): void;
  inFlight(): number;
}

export const WORKER_DEFAULTS = {
  concurrency: 16,
  perTenantLimit: DEFAULT_PER_TENANT_LIMIT,
  leaseMs: 60_000,
  pollMs: 1_000,
  heartbeatMs: 10_000,
};

/** Where a worker on `db` listens for order_sync_due: its database, unless that is PGlite, which has no LISTEN. */
function listenUrlOf(db: Db): string | null {
  const database = databaseOf(db);
  return database && !database.embedded ? database.url : null;
}

export function createSyncWorker(options: WorkerOptions): SyncWorker {
  const { deps } = options;
  const db: Db = deps.db;
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const concurrency = options.concurrency ?? WORKER_DEFAULTS.concurrency;
  const perTenantLimit = options.perTenantLimit ?? WORKER_DEFAULTS.perTenantLimit;
  const leaseMs = options.leaseMs ?? WORKER_DEFAULTS.leaseMs;
  const pollMs = options.pollMs ?? WORKER_DEFAULTS.pollMs;
  const heartbeatMs = options.heartbeatMs ?? WORKER_DEFAULTS.heartbeatMs;
  const log = options.log ?? ((message: string) => logger().error({ workerId: id }, message));
  const lease = { owner: id, leaseMs };

  const inflight = new Map<string, Promise<void>>();
  /** claiming (poll) timers, stopped first on stop(); upkeep (heartbeat, lease renewal) runs until the grace ends */
  const timers: NodeJS.Timeout[] = [];
  const upkeep: NodeJS.Timeout[] = [];
  let listener: DueListener | null = null;
  let running = false;
  let pumping = false;
  let again = false;

  async function pump(): Promise<void> {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const free = concurrency - inflight.size;
        if (free <= 0) break;
        const rows = await claimDueSyncs(db, { owner: id, limit: free, perTenantLimit, leaseMs, onlyTenants: options.onlyTenants });
        for (const row of rows) {
          const started = performance.now();
          const work = withLogContext({ workerId: id, tenantId: row.tenantId, syncId: row.id }, () =>
            processOrder(deps, row, lease).then((result) => {
              logger().info({ order: row.orderName, attempt: row.attempts, result, ms: Math.round(performance.now() - started) }, "sync processed");
              return result;
            }),
          )
            .then((result) => options.onProcessed?.(result, row.id))
            .catch((error: unknown) => log(`sync ${row.id} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
            .finally(() => {
              inflight.delete(row.id);
              afterCompletion();
            });
          inflight.set(row.id, work);
        }
        // A full claim means there may be more; a short one means everything due is taken.
        if (rows.length === free) again = true;
      } while (again && running);
    } catch (error) {
      log(`claim failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      pumping = false;
    }
  }

  // Under load, syncs finish one every few milliseconds; a claim per completion would cost a query each. A claim
  // waits a moment for a few slots to free up, unless enough already have (or the worker ran dry).
  const claimBatch = Math.max(1, Math.min(4, Math.floor(concurrency / 4)));
  let batchTimer: NodeJS.Timeout | null = null;
  function afterCompletion(): void {
    if (concurrency - inflight.size >= claimBatch || inflight.size === 0) {
      void pump();
      return;
    }
    batchTimer ??= setTimeout(() => {
      batchTimer = null;
      void pump();
    }, 10);
  }

  async function beat(): Promise<void> {
    try {
      await db.workerHeartbeat.upsert({
        where: { id },
        create: { id, hostname: hostname(), pid: process.pid },
        update: { beatAt: new Date() },
      });
    } catch (error) {
      log(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function renew(): Promise<void> {
    try {
      await renewLeases(db, id, [...inflight.keys()], leaseMs);
    } catch (error) {
      log(`lease renewal failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const every = (ms: number, fn: () => Promise<void> | void, into = timers) => {
    const timer = setInterval(() => void fn(), ms);
    into.push(timer);
  };

  return {
    id,
    async start() {
      if (running) return;
      running = true;
      await beat();
      logger().info({ workerId: id, concurrency, perTenantLimit }, "worker started");
      every(heartbeatMs, beat, upkeep);
      every(Math.max(100, Math.floor(leaseMs / 3)), renew, upkeep);
      every(pollMs, pump);
      const listenUrl = options.listenUrl === undefined ? listenUrlOf(db) : options.listenUrl;
      if (listenUrl) {
        listener = listenForDue(listenUrl, () => void pump(), (error) => log(`LISTEN connection: ${error instanceof Error ? error.message : String(error)}`));
      }
      void pump();
    },
    async stop({ graceMs = 20_000 } = {}) {
      if (!running) return;
      running = false;
      for (const timer of timers.splice(0)) clearInterval(timer);
      if (batchTimer) clearTimeout(batchTimer);
      await listener?.close();
      listener = null;
      const pending = [...inflight.values()];
      let timeout: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled(pending).then(() => true),
        new Promise<boolean>((resolve) => {
          timeout = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timeout);
      for (const timer of upkeep.splice(0)) clearInterval(timer);
      if (!finished) {
        // Each write of a sync is fenced by its lease, so once released nothing this process still has in flight
        // lands; a POST already sent is found by the next worker's lookup before it sends one.
        const left = [...inflight.keys()];
        const releasedCount = await releaseLeases(db, id, left).catch((error: unknown) => {
          log(`could not release the leases of ${left.length} sync(s): ${error instanceof Error ? error.message : String(error)}`);
          return 0;
        });
        log(`${left.length} sync(s) still running after ${graceMs} ms; released ${releasedCount} lease(s) for another worker`);
      }
      await db.workerHeartbeat.deleteMany({ where: { id } }).catch(() => {});
      logger().info({ workerId: id, unfinished: finished ? 0 : inflight.size }, "worker stopped");
    },
    wake: () => void pump(),
    inFlight: () => inflight.size,
  };
}
