// Per-winery pacing of vintrace requests: a token bucket per tenant, so a busy winery's backlog never turns into a
// burst that vintrace answers with 429s, and never delays another winery's requests. vintrace publishes no rate limit,
// so each winery is held to a modest rate (the defaults below). Each process paces its own requests, so N worker
// processes together allow at most N × the rate; the per-winery concurrency limit (queue.ts) is what is shared across
// processes.

import "server-only";
export interface PacerOptions {
  /** requests per second per winery */
  ratePerSecond: number;
  /** requests that may go at once after a quiet spell */
  burst: number;
  now?: () => number;
}

export const DEFAULT_VINTRACE_RATE_PER_SECOND = 10;
export const DEFAULT_VINTRACE_BURST = 10;

interface Bucket {
  tokens: number;
  at: number;
}

export class TenantPacer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: PacerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** How long a request for this tenant must wait (0: go now); the token is taken either way. */
  reserve(tenantId: string): number {
    const now = this.now();
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(tenantId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    bucket.tokens -= 1;
    this.buckets.set(tenantId, bucket);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / ratePerSecond) * 1000);
  }

  async acquire(tenantId: string): Promise<void> {
    const wait = this.reserve(tenantId);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export const defaultTenantPacer = new TenantPacer({ ratePerSecond: DEFAULT_VINTRACE_RATE_PER_SECOND, burst: DEFAULT_VINTRACE_BURST });
