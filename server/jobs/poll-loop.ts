// The loop of a runner that looks for work every few seconds (product checks, after-sale changes): one drain at a
// time, started by the timer or by wake(); stop() ends the timer and lets the drain in hand finish within a grace.
import "server-only";

export interface PollLoop {
  /** drains now unless a drain is running, and resolves when the loop is idle again */
  wake(): Promise<void>;
  /** no more drains; waits up to `graceMs` for the one in hand; false when it was still running */
  stop(graceMs: number): Promise<boolean>;
}

/** `drain` takes work until there is none, or until `stopped()` says the loop is stopping. */
export function startPollLoop(drain: (stopped: () => boolean) => Promise<void>, options: { pollMs: number; name: string; log: (message: string) => void }): PollLoop {
  let stopped = false;
  let current: Promise<void> | null = null;
  const wake = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    current ??= drain(() => stopped)
      .catch((error: unknown) => options.log(`${options.name}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        current = null;
      });
    return current;
  };
  const timer = setInterval(() => void wake(), options.pollMs);
  void wake();
  return {
    wake,
    async stop(graceMs) {
      stopped = true;
      clearInterval(timer);
      if (!current) return true;
      let timeout: NodeJS.Timeout | undefined;
      const finished = await Promise.race([current.then(() => true), new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), graceMs)))]);
      clearTimeout(timeout);
      return finished;
    },
  };
}
