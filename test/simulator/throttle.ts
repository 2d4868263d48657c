// Leaky-bucket rate limiting of the Admin GraphQL API, per (app, shop), as
// Shopify does it: restore 100/200/1000/2000 points/s by plan, bucket 20x the
// restore rate, a query must be affordable at its *requested* cost and the
// difference to its *actual* cost is refunded afterwards.
import type { Plan } from "./model";

export const RESTORE_RATE: Record<Plan, number> = {
  standard: 100,
  advanced: 200,
  plus: 1000,
  enterprise: 2000,
};
export const BUCKET_MULTIPLIER = 20;
export const MAX_QUERY_COST = 1000;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface BucketOverride {
  restoreRate?: number;
  maximumAvailable?: number;
}

export class LeakyBucket {
  private available: number;
  private last: number;
  constructor(
    public readonly restoreRate: number,
    public readonly maximumAvailable: number,
    private readonly clock: () => number,
  ) {
    this.available = maximumAvailable;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.available = Math.min(this.maximumAvailable, this.available + elapsed * this.restoreRate);
  }

  /** Try to take `cost` points. Returns false (and takes nothing) when the bucket can't afford it. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      // Shopify reports a whole number of points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}

export class Throttle {
  private buckets = new Map<string, LeakyBucket>();
  /** Overrides by shop domain (or "*" for every shop). */
  overrides = new Map<string, BucketOverride>();
  constructor(private readonly clock: () => number) {}

  bucket(appKey: string, shop: string, plan: Plan): LeakyBucket {
    const k = `${appKey}\u0000${shop}`;
    let b = this.buckets.get(k);
    if (!b) {
      const o = this.overrides.get(shop) ?? this.overrides.get("*") ?? {};
      const rate = o.restoreRate ?? RESTORE_RATE[plan];
      b = new LeakyBucket(rate, o.maximumAvailable ?? rate * BUCKET_MULTIPLIER, this.clock);
      this.buckets.set(k, b);
    }
    return b;
  }

  /** Forget buckets (e.g. after overrides change or a shop is reset). */
  reset(shop?: string): void {
    if (!shop) this.buckets.clear();
    else for (const k of [...this.buckets.keys()]) if (k.endsWith(`\u0000${shop}`)) this.buckets.delete(k);
  }
}
