// The runner of product checks: every worker process has one. It claims a queued run (or one whose worker died), runs
// it, and looks for the next; one run at a time per process, since a check reads a winery's whole catalogue. On
// stop it claims no more, lets the run in hand finish within the grace period, and otherwise hands it back QUEUED so
// another process takes it at once.
import "server-only";
import type { SyncDeps } from "@/server/sync/context";
import { startPollLoop } from "./poll-loop";
import { claimProductCheck, performProductCheck, PRODUCT_CHECK_LEASE_MS, releaseProductCheck, type ProductCheckView } from "@/server/products/check";

export interface ProductCheckRunnerOptions {
  owner: string;
  /** how often it looks for queued runs when idle (default 2 s) */
  pollMs?: number;
  leaseMs?: number;
  /** take runs of these wineries only (default: all) */
  onlyTenants?: string[];
  log?: (message: string) => void;
}

export interface ProductCheckRunner {
  /** graceful: waits up to `graceMs` for the run in hand, then hands it back */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** looks for a queued run now, and resolves when the runner is idle again (tests) */
  wake(): Promise<void>;
}

export function startProductCheckRunner(deps: SyncDeps, options: ProductCheckRunnerOptions): ProductCheckRunner {
  const lease = { owner: options.owner, leaseMs: options.leaseMs ?? PRODUCT_CHECK_LEASE_MS };
  const log = options.log ?? (() => {});
  const checkDeps = { adminFor: deps.adminFor, vintraceFor: deps.vintraceFor, now: deps.now };
  let inHand: string | null = null;

  async function drain(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const run = await claimProductCheck(deps.db, lease, { tenantIds: options.onlyTenants });
      if (!run) return;
      inHand = run.id;
      try {
        const done: ProductCheckView | null = await performProductCheck(deps.db, run, lease, checkDeps);
        if (!done) log(`product check ${run.id}: taken over by another worker after this one's lease lapsed`);
      } finally {
        inHand = null;
      }
    }
  }

  const loop = startPollLoop(drain, { pollMs: options.pollMs ?? 2_000, name: "product checks", log });

  return {
    wake: loop.wake,
    async stop({ graceMs = 20_000 } = {}) {
      const finished = await loop.stop(graceMs);
      const id = inHand;
      if (!finished && id && (await releaseProductCheck(deps.db, id, lease.owner).catch(() => false))) {
        log(`product check ${id} still running after ${graceMs} ms; handed back for another worker`);
      }
    },
  };
}
