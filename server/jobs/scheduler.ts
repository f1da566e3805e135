// The scheduler: every worker process runs one. Each job has a loop of its own: its own timer, and its own pass that
// claims and runs its current window (claim.ts), so N instances do each job once per window, and a slow job (a
// reconciliation of a large shop, a retention purge) never holds back another (the every-minute alert cycle).
import "server-only";
import { observedJobRun } from "@/server/observability/jobs";
import type { SyncDeps } from "@/server/sync/context";
import { claimJob, finishJob, windowOf } from "./claim";
import { defaultJobs, type JobDefinition } from "./registry";

export interface JobRun {
  job: string;
  scope: string;
  window: string;
  ok: boolean;
  result: unknown;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs one claimed (job, scope, window) and records its result: the one place a job is executed. */
export async function executeJob(deps: SyncDeps, job: JobDefinition, scope: string, window: string, log: (message: string) => void): Promise<JobRun> {
  let run: JobRun;
  try {
    run = { job: job.name, scope, window, ok: true, result: await observedJobRun(job.name, scope, () => job.run(deps, scope)) };
  } catch (error) {
    log(`job ${job.name} (${scope}) failed: ${message(error)}`);
    run = { job: job.name, scope, window, ok: false, result: { error: message(error) } };
  }
  await finishJob(deps.db, job.name, scope, window, run.result).catch((error: unknown) =>
    log(`job ${job.name} (${scope}): could not record its result: ${message(error)}`),
  );
  return run;
}

/** Claims and runs the job's current window for each of its scopes that no instance has claimed yet. */
export async function runDueJob(deps: SyncDeps, owner: string, job: JobDefinition, log: (message: string) => void = () => {}): Promise<JobRun[]> {
  const window = windowOf(deps.now(), job.windowMs);
  let scopes: string[];
  try {
    scopes = await job.scopes(deps.db);
  } catch (error) {
    log(`job ${job.name}: could not list its scopes: ${message(error)}`);
    return [];
  }
  const runs: JobRun[] = [];
  for (const scope of scopes) {
    if (await claimJob(deps.db, job.name, scope, window, owner)) runs.push(await executeJob(deps, job, scope, window, log));
  }
  return runs;
}

/** Every job's pass at once (each independent of the others); returns what this owner ran. */
export async function runDueJobs(deps: SyncDeps, owner: string, jobs: JobDefinition[], log: (message: string) => void = () => {}): Promise<JobRun[]> {
  return (await Promise.all(jobs.map((job) => runDueJob(deps, owner, job, log)))).flat();
}

export interface SchedulerOptions {
  owner: string;
  /** how often each job's loop looks for an unclaimed window (default 30 s) */
  tickMs?: number;
  jobs?: JobDefinition[];
  log?: (message: string) => void;
}

export interface Scheduler {
  /** no more passes; waits for those running, up to `graceMs` (an unfinished claim's job runs again next window) */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** runs every job's pass now, each unless its previous pass is still running (tests) */
  tick(): Promise<JobRun[]>;
}

/** One job's loop: a pass per tick, never two at once; a tick while a pass runs is skipped. */
function jobLoop(deps: SyncDeps, job: JobDefinition, options: SchedulerOptions & { log: (message: string) => void }) {
  let current: Promise<JobRun[]> | null = null;
  let stopped = false;
  const tick = (): Promise<JobRun[]> => {
    if (stopped) return Promise.resolve([]);
    current ??= runDueJob(deps, options.owner, job, options.log).finally(() => {
      current = null;
    });
    return current;
  };
  // The first pass waits a moment, so a starting fleet does not all reconcile in the same second.
  const first = setTimeout(() => void tick(), 1_000 + Math.floor(deps.random() * 2_000));
  const timer = setInterval(() => void tick(), options.tickMs ?? 30_000);
  return {
    tick,
    async stop(graceMs: number) {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([current?.catch(() => {}), new Promise((resolve) => (timeout = setTimeout(resolve, graceMs)))]);
      clearTimeout(timeout);
    },
  };
}

export function startScheduler(deps: SyncDeps, options: SchedulerOptions): Scheduler {
  const log = options.log ?? (() => {});
  const loops = (options.jobs ?? defaultJobs()).map((job) => jobLoop(deps, job, { ...options, log }));
  return {
    async stop({ graceMs = 20_000 } = {}) {
      await Promise.all(loops.map((loop) => loop.stop(graceMs)));
    },
    tick: async () => (await Promise.all(loops.map((loop) => loop.tick()))).flat(),
  };
}
