// Per-shop pacing for the Admin GraphQL API. Every (app, shop) pair has its own cost bucket in Shopify, so this keeps a
// local mirror of each shop's bucket, refreshed from the throttleStatus of every reply, and holds back a request only
// when *that* shop's bucket cannot cover it. One busy shop never delays another.

import "server-only";
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket extends ThrottleStatus {
  /** when currentlyAvailable was last known (ms) */
  at: number;
}

export interface ShopPacerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ShopPacer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly costEstimates = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: ShopPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  /** How long a request costing `cost` must wait before this shop's bucket can pay for it (0 = go now). */
  delayFor(shop: string, cost: number): number {
    const bucket = this.refilled(shop);
    if (!bucket) return 0;
    const needed = Math.min(cost, bucket.maximumAvailable) - bucket.currentlyAvailable;
    return needed <= 0 ? 0 : Math.ceil((needed / bucket.restoreRate) * 1000);
  }

  /**
   * Waits until the shop's bucket covers the operation's expected cost, then reserves it, so concurrent requests
   * for the same shop queue up instead of all being throttled together. Returns the time waited (ms).
   */
  async acquire(shop: string, operation: string): Promise<number> {
    const cost = this.costEstimates.get(operation) ?? 0;
    let waited = 0;
    for (let delay = this.delayFor(shop, cost); delay > 0; delay = this.delayFor(shop, cost)) {
      await this.sleep(delay);
      waited += delay;
    }
    const bucket = this.buckets.get(shop);
    if (bucket) bucket.currentlyAvailable -= Math.min(cost, bucket.maximumAvailable);
    return waited;
  }

  /** Records what Shopify said about the shop's bucket and what the operation asked for. */
  record(shop: string, operation: string, cost: { requestedQueryCost?: number | null; throttleStatus?: ThrottleStatus }): void {
    if (typeof cost.requestedQueryCost === "number") this.costEstimates.set(operation, cost.requestedQueryCost);
    if (cost.throttleStatus && cost.throttleStatus.restoreRate > 0) {
      this.buckets.set(shop, { ...cost.throttleStatus, at: this.now() });
    }
  }

  private refilled(shop: string): Bucket | undefined {
    const bucket = this.buckets.get(shop);
    if (!bucket) return undefined;
    const now = this.now();
    const restored = ((now - bucket.at) / 1000) * bucket.restoreRate;
    bucket.currentlyAvailable = Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + restored);
    bucket.at = now;
    return bucket;
  }
}

/** The process-wide pacer: all admin clients share it so that pacing is per shop, not per client object. */
export const defaultShopPacer = new ShopPacer();
