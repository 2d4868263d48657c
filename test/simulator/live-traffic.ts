// Live mode: places orders at a given rate for a given time on a simulated
// shop (existing and new customers, some guests), plus some refunds and
// cancellations of orders placed in the run, and emits the webhooks through
// the context's emitter. Bounded in count and time; stoppable.
import type { SimShop } from "./model";
import { createRng } from "../support/random";
import { cancelOrder, emitAll, placeOrder, refundOrder, type EventsContext } from "./store-events";

export const LIVE_MAX_RATE = 1000;
export const LIVE_MAX_SECONDS = 3600;
export const LIVE_MAX_ORDERS = 1_000_000;

export interface LiveTrafficOptions {
  /** Orders per second. */
  rate: number;
  /** Run time in seconds. */
  seconds: number;
  /** Stop after this many orders (default rate × seconds). */
  maxOrders?: number;
  newCustomerShare?: number;
  guestShare?: number;
  refundShare?: number;
  cancelShare?: number;
  seed?: string | number;
}

export interface LiveTrafficStats {
  shop: string;
  running: boolean;
  startedAt: string;
  endedAt: string | null;
  ordersPlaced: number;
  newCustomers: number;
  guestOrders: number;
  refunds: number;
  cancellations: number;
  webhooks: number;
  errors: number;
  lastError?: string;
}

export class LiveTraffic {
  readonly stats: LiveTrafficStats;
  readonly done: Promise<LiveTrafficStats>;
  private timer: NodeJS.Timeout | null = null;
  private resolveDone!: (s: LiveTrafficStats) => void;
  private customerIds: number[];
  private placed: number[] = [];
  private rng: () => number;
  private started = Date.now();
  private credit = 0;
  private max: number;

  constructor(
    private ctx: EventsContext,
    private shop: SimShop,
    private opts: LiveTrafficOptions,
  ) {
    if (!(opts.rate > 0) || opts.rate > LIVE_MAX_RATE) throw new RangeError(`rate must be in (0, ${LIVE_MAX_RATE}]`);
    if (!(opts.seconds > 0) || opts.seconds > LIVE_MAX_SECONDS) throw new RangeError(`seconds must be in (0, ${LIVE_MAX_SECONDS}]`);
    this.max = Math.min(LIVE_MAX_ORDERS, opts.maxOrders ?? Math.ceil(opts.rate * opts.seconds));
    this.rng = createRng(opts.seed ?? `live|${shop.domain}|${Date.now()}`);
    this.customerIds = [];
    for (const c of shop.customers.values()) if (!c.deleted) this.customerIds.push(c.id);
    this.stats = {
      shop: shop.domain,
      running: true,
      startedAt: new Date(this.started).toISOString(),
      endedAt: null,
      ordersPlaced: 0,
      newCustomers: 0,
      guestOrders: 0,
      refunds: 0,
      cancellations: 0,
      webhooks: 0,
      errors: 0,
    };
    this.done = new Promise((r) => (this.resolveDone = r));
    const tickMs = Math.max(10, Math.min(100, Math.floor(1000 / opts.rate)));
    this.timer = setInterval(() => this.tick(tickMs), tickMs);
    this.tick(0);
  }

  stop(): LiveTrafficStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.stats.running) {
      this.stats.running = false;
      this.stats.endedAt = new Date().toISOString();
      this.resolveDone(this.stats);
    }
    return this.stats;
  }

  private tick(elapsedMs: number) {
    const { opts, stats } = this;
    if (!stats.running) return;
    if (Date.now() - this.started >= opts.seconds * 1000 || stats.ordersPlaced >= this.max) {
      this.stop();
      return;
    }
    this.credit += elapsedMs === 0 ? Math.min(1, opts.rate) : (opts.rate * elapsedMs) / 1000;
    while (this.credit >= 1 && stats.ordersPlaced < this.max) {
      this.credit -= 1;
      this.one();
    }
    if (stats.ordersPlaced >= this.max) this.stop();
  }

  private one() {
    const { opts, stats, rng, shop, ctx } = this;
    try {
      const u = rng();
      const guest = u < (opts.guestShare ?? 0.05);
      const isNew = !guest && (this.customerIds.length === 0 || u < (opts.guestShare ?? 0.05) + (opts.newCustomerShare ?? 0.3));
      let customer: number | "new" | null = guest ? null : isNew ? "new" : this.pickCustomer();
      if (customer !== null && customer !== "new" && shop.customers.get(customer)?.deleted) customer = "new";
      const amountMinor = Math.max(100, Math.round(Math.exp(3.5 + rng() * 1.2) * 100));
      const r = placeOrder(ctx, shop, { customer, amountMinor });
      emitAll(ctx, shop, r.webhooks);
      stats.webhooks += r.webhooks.length;
      stats.ordersPlaced++;
      if (guest) stats.guestOrders++;
      if (r.createdCustomer && r.customer) {
        stats.newCustomers++;
        this.customerIds.push(r.customer.id);
      }
      this.placed.push(r.order.id);
      const v = rng();
      if (this.placed.length > 3 && v < (opts.refundShare ?? 0.05)) {
        const id = this.placed[Math.floor(rng() * this.placed.length)];
        const o = shop.orders.get(id);
        if (o && !o.cancelledAt && o.refunds.length === 0) {
          const full = rng() < 0.4;
          const rr = refundOrder(ctx, shop, id, full ? { full: true } : { amountMinor: Math.max(1, Math.floor(o.totalShopMinor / 3)) });
          emitAll(ctx, shop, rr.webhooks);
          stats.webhooks += rr.webhooks.length;
          stats.refunds++;
        }
      } else if (this.placed.length > 3 && v < (opts.refundShare ?? 0.05) + (opts.cancelShare ?? 0.02)) {
        const id = this.placed[Math.floor(rng() * this.placed.length)];
        const o = shop.orders.get(id);
        if (o && !o.cancelledAt) {
          const cr = cancelOrder(ctx, shop, id, { refund: o.refunds.length === 0 && rng() < 0.5 });
          emitAll(ctx, shop, cr.webhooks);
          stats.webhooks += cr.webhooks.length;
          stats.cancellations++;
        }
      }
      if (this.placed.length > 10_000) this.placed.splice(0, 5_000);
    } catch (e) {
      stats.errors++;
      stats.lastError = (e as Error).message;
    }
  }

  private pickCustomer(): number {
    return this.customerIds[Math.floor(this.rng() * this.customerIds.length)];
  }
}

export function startLiveTraffic(ctx: EventsContext, shop: SimShop, opts: LiveTrafficOptions): LiveTraffic {
  return new LiveTraffic(ctx, shop, opts);
}
