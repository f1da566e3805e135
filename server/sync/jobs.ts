// Scheduled jobs live in PostgreSQL, never in a per-process timer's memory, because several instances may run: every
// worker runs the same scheduler loop, and each job run first claims a unique JobClaim row for (job, scope, window).
// The insert that wins does the work; the others see the conflict and move on, so N instances do each job once per
// window. A worker that dies mid-job leaves its claim unfinished; the next window runs the job again.
import { hostname } from "node:os";
import type { Prisma } from "@/server/generated/prisma/client";
import type { Db } from "@/server/db";
import { getEnv } from "@/server/env";
import { UTC_NOW } from "@/server/lib/sqlTime";
import type { SyncDeps } from "./context";
import { reconcileTenant } from "./reconcile";
import { purgeExpiredData } from "./retention";

export interface JobDefinition {
  name: string;
  /** the length of one window: the job runs at most once per window and scope */
  windowMs: number;
  /** the scopes it runs for: tenant ids, or ["all"] */
  scopes(db: Db): Promise<string[]>;
  run(deps: SyncDeps, scope: string): Promise<unknown>;
}

export interface JobRun {
  job: string;
  scope: string;
  window: string;
  ok: boolean;
  result: unknown;
}

const MINUTE_MS = 60_000;

/** The window `now` falls in, named by its start. */
export const windowOf = (now: Date, windowMs: number) => new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();

/** True when this owner won the (job, scope, window) claim. */
export async function claimJob(db: Db, job: string, scope: string, window: string, owner: string): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "JobClaim" (job, scope, "window", owner, "claimedAt")
    VALUES (${job}, ${scope}, ${window}, ${owner}, ${UTC_NOW})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

async function finishJob(db: Db, job: string, scope: string, window: string, result: unknown): Promise<void> {
  await db.jobClaim.update({
    where: { job_scope_window: { job, scope, window } },
    data: { finishedAt: new Date(), result: JSON.parse(JSON.stringify(result ?? null)) as Prisma.InputJsonValue },
  });
}

async function activeShopTenants(db: Db): Promise<string[]> {
  const tenants = await db.tenant.findMany({
    where: { status: "ACTIVE", shopify: { is: { revokedAt: null } } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return tenants.map((t) => t.id);
}

export function reconcileJob(intervalMinutes = getEnv().RECONCILE_INTERVAL_MINUTES): JobDefinition {
  return {
    name: "reconcile",
    windowMs: intervalMinutes * MINUTE_MS,
    scopes: activeShopTenants,
    run: (deps, tenantId) => reconcileTenant(deps, tenantId, { now: deps.now() }),
  };
}

export function retentionJob(retentionDays = getEnv().RETENTION_DAYS): JobDefinition {
  return {
    name: "retention",
    windowMs: 24 * 60 * MINUTE_MS,
    scopes: async () => ["all"],
    run: (deps) => purgeExpiredData(deps.db, retentionDays, deps.now()),
  };
}

/** Re-creates a connected shop's missing webhook subscriptions (Shopify removes failing ones), hourly. */
export function webhookCheckJob(): JobDefinition {
  return {
    name: "webhook-check",
    windowMs: 60 * MINUTE_MS,
    scopes: activeShopTenants,
    run: async (deps, tenantId) => {
      const { ensureWebhookSubscriptions } = await import("@/server/shopify/subscriptions");
      return ensureWebhookSubscriptions(deps.db, tenantId);
    },
  };
}

/**
 * Failure alerts, every minute: immediate alerts and silence warnings are sent once per condition (an
 * atomic state change), and the 15-minute digests claim their own (winery, window) rows inside the cycle.
 */
export function alertsJob(): JobDefinition {
  return {
    name: "alerts",
    windowMs: MINUTE_MS,
    scopes: async () => ["all"],
    run: async (deps) => {
      const { alertDepsFromEnv, runAlertCycle } = await import("@/server/alerts/cycle");
      return runAlertCycle(deps.db, deps.now(), alertDepsFromEnv(`${hostname()}:${process.pid}`));
    },
  };
}

/** The product-match check, nightly for each connected winery with vintrace settings. */
export function productCheckJob(): JobDefinition {
  return {
    name: "product-check",
    windowMs: 24 * 60 * MINUTE_MS,
    scopes: async (db) => {
      const tenants = await db.tenant.findMany({
        where: { status: "ACTIVE", shopify: { is: { revokedAt: null } }, vintrace: { isNot: null } },
        select: { id: true },
        orderBy: { id: "asc" },
      });
      return tenants.map((t) => t.id);
    },
    run: async (deps, tenantId) => {
      const { runProductCheck } = await import("@/server/dashboard/productCheck");
      const check = await runProductCheck(deps.db, tenantId, { adminFor: deps.adminFor, vintraceFor: deps.vintraceFor, now: deps.now, trigger: "nightly" });
      return { id: check.id, status: check.status };
    },
  };
}

export const defaultJobs = (): JobDefinition[] => [reconcileJob(), retentionJob(), webhookCheckJob(), alertsJob(), productCheckJob()];

/** Claims and runs every job whose current window is unclaimed; returns what this owner ran. */
export async function runDueJobs(deps: SyncDeps, owner: string, jobs: JobDefinition[], log: (message: string) => void = () => {}): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  const now = deps.now();
  for (const job of jobs) {
    const window = windowOf(now, job.windowMs);
    let scopes: string[];
    try {
      scopes = await job.scopes(deps.db);
    } catch (error) {
      log(`job ${job.name}: could not list its scopes: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const scope of scopes) {
      if (!(await claimJob(deps.db, job.name, scope, window, owner))) continue;
      let run: JobRun;
      try {
        run = { job: job.name, scope, window, ok: true, result: await job.run(deps, scope) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`job ${job.name} (${scope}) failed: ${message}`);
        run = { job: job.name, scope, window, ok: false, result: { error: message } };
      }
      await finishJob(deps.db, job.name, scope, window, run.result).catch((error: unknown) =>
        log(`job ${job.name} (${scope}): could not record its result: ${error instanceof Error ? error.message : String(error)}`),
      );
      runs.push(run);
    }
  }
  return runs;
}

export interface SchedulerOptions {
  owner: string;
  /** how often the loop looks for unclaimed windows (default 30 s) */
  tickMs?: number;
  jobs?: JobDefinition[];
  log?: (message: string) => void;
}

export interface Scheduler {
  stop(): Promise<void>;
  /** runs one pass now (tests) */
  tick(): Promise<JobRun[]>;
}

export function startScheduler(deps: SyncDeps, options: SchedulerOptions): Scheduler {
  const jobs = options.jobs ?? defaultJobs();
  const log = options.log ?? (() => {});
  let current: Promise<JobRun[]> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return Promise.resolve([]);
    current ??= runDueJobs(deps, options.owner, jobs, log).finally(() => {
      current = null;
    });
    return current;
  };
  // The first pass waits a moment, so a starting fleet does not all reconcile in the same second.
  const first = setTimeout(() => void tick(), 1_000 + Math.floor(deps.random() * 2_000));
  const timer = setInterval(() => void tick(), options.tickMs ?? 30_000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await current?.catch(() => {});
    },
    tick,
  };
}
