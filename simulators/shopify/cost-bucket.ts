// Shopify's leaky bucket for GraphQL query cost, one per (app, shop) pair: charged the requested cost up front,
// refunded the difference once the actual cost is known, restored continuously at restoreRate per second.

export interface BucketConfig {
  maximumAvailable: number;
  restoreRate: number;
}

/** The Standard plan's figures. */
export const STANDARD_BUCKET: BucketConfig = { maximumAvailable: 2000, restoreRate: 100 };

export interface ThrottleStatusView {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  private available: number;
  private at = Date.now();

  constructor(private config: BucketConfig = STANDARD_BUCKET) {
    this.available = config.maximumAvailable;
  }

  /** Starts a fresh, full bucket of the new size. */
  configure(config: BucketConfig): void {
    this.config = config;
    this.available = config.maximumAvailable;
    this.at = Date.now();
  }

  /** Charges `cost` when the bucket holds it; otherwise charges nothing and returns false (THROTTLED). */
  tryCharge(cost: number): boolean {
    if (this.refill() < cost) return false;
    this.available -= cost;
    return true;
  }

  refund(amount: number): void {
    this.available = Math.min(this.config.maximumAvailable, this.refill() + amount);
  }

  /** Empties the bucket down to `level`, as a burst of other traffic would. */
  drainTo(level: number): void {
    this.available = Math.min(this.refill(), Math.max(0, level));
  }

  status(): ThrottleStatusView {
    return {
      maximumAvailable: this.config.maximumAvailable,
      currentlyAvailable: Math.floor(this.refill()),
      restoreRate: this.config.restoreRate,
    };
  }

  get restoreRate(): number {
    return this.config.restoreRate;
  }

  private refill(): number {
    const now = Date.now();
    this.available = Math.min(this.config.maximumAvailable, this.available + ((now - this.at) / 1000) * this.config.restoreRate);
    this.at = now;
    return this.available;
  }
}
