// A bound on expensive work in one process: `concurrency` tasks run at once, up to `queue` more wait their turn,
// and anything beyond that is refused at once with BusyError, so a flood of sign-ins cannot pile up memory and
// latency without end. Each argon2 verification holds 19 MiB for tens of milliseconds.

import "server-only";
export class BusyError extends Error {
  constructor() {
    super("busy");
    this.name = "BusyError";
  }
}

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function createLimiter({ concurrency, queue }: { concurrency: number; queue: number }): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    async run(task) {
      if (running < concurrency) running++;
      else if (waiting.length < queue) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw new BusyError();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
