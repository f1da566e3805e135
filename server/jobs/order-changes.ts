// The runner of the change processor: every worker process has one. It looks for due after-sale events every few
// seconds (a delivery is in the "Changed after sending" list within seconds of arriving), runs passes until none is
// left, and on stop lets the pass in hand finish within the grace period. A pass cut short loses nothing: each
// order's events are applied in a transaction of their own.
import "server-only";
import type { SyncDeps } from "@/server/sync/context";
import { processOrderEvents } from "@/server/order-changes/processor";
import { startPollLoop } from "./poll-loop";

export interface OrderChangeRunnerOptions {
  /** how often it looks for due events (default 2 s) */
  pollMs?: number;
  /** orders per pass (default 50) */
  limit?: number;
  /** only these wineries' events (default: all) */
  onlyTenants?: string[];
  log?: (message: string) => void;
}

export interface OrderChangeRunner {
  /** graceful: waits up to `graceMs` for the pass in hand */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** runs passes now until nothing is due, and resolves when the runner is idle again (tests) */
  wake(): Promise<void>;
}

export function startOrderChangeRunner(deps: SyncDeps, options: OrderChangeRunnerOptions = {}): OrderChangeRunner {
  const limit = options.limit ?? 50;
  async function drain(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const pass = await processOrderEvents(deps, { limit, onlyTenants: options.onlyTenants });
      // A full pass means there may be more; a short one took everything due.
      if (pass.orders < limit) return;
    }
  }
  const loop = startPollLoop(drain, { pollMs: options.pollMs ?? 2_000, name: "order changes", log: options.log ?? (() => {}) });
  return {
    wake: loop.wake,
    async stop({ graceMs = 20_000 } = {}) {
      await loop.stop(graceMs);
    },
  };
}
