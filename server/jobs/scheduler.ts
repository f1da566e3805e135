// The scheduler loop: every worker process runs one, and each pass claims and runs the jobs whose current window
// no instance has claimed yet (claim.ts), so N instances do each job once per window.
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
        run = { job: job.name, scope, window, ok: true, result: await observedJobRun(job.name, scope, () => job.run(deps, scope)) };
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
