// The generator's intermediate form: every purchase event of a generated store
// in typed columns, and each buyer's latent process and outcome, before they
// become orders and customers. Shared by the buy-till-you-die phase in
// generator.ts and the other store kinds in behaviours.ts.
import type { BtydParams } from "./generator";
import { sampleGamma, type Rng } from "../support/random";

export const FLAG_TEST = 1;
export const FLAG_CANCELLED = 2;
/** Bought in a sale event: the order carries a discount code (discount_bursts stores). */
export const FLAG_SALE = 4;

/** Growable typed columns of purchase events (time, customer index or -1 for guests, amount, flags). */
export class PurchaseColumns {
  n = 0;
  time: Float64Array;
  cust: Int32Array;
  amount: Int32Array;
  flags: Uint8Array; // FLAG_TEST | FLAG_CANCELLED | FLAG_SALE
  constructor(cap: number) {
    cap = Math.max(16, cap);
    this.time = new Float64Array(cap);
    this.cust = new Int32Array(cap);
    this.amount = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
  }
  push(time: number, cust: number, amount: number, flags: number) {
    if (this.n === this.time.length) {
      const cap = this.n * 2;
      const t = new Float64Array(cap);
      t.set(this.time);
      this.time = t;
      const c = new Int32Array(cap);
      c.set(this.cust);
      this.cust = c;
      const a = new Int32Array(cap);
      a.set(this.amount);
      this.amount = a;
      const f = new Uint8Array(cap);
      f.set(this.flags);
      this.flags = f;
    }
    const i = this.n++;
    this.time[i] = Math.floor(time / 1000) * 1000;
    this.cust[i] = cust;
    this.amount[i] = amount;
    this.flags[i] = flags;
  }
}

/** One order value in minor units, Gamma(p, ν) in currency units, at least 1.00. */
export function drawOrderValue(rng: Rng, params: BtydParams, nu: number): number {
  const z = sampleGamma(rng, params.p) / nu; // currency units
  return Math.max(100, Math.round(z * 100));
}

/** Latent process and outcome of every customer, by customer index (buyers first). */
export interface Customers {
  nBuyers: number;
  /** All customers, buyers and those who never ordered. */
  createdMs: Float64Array;
  /** Purchase rate per day (BTYD: the latent λ; other kinds: the average rate while active). */
  lambdas: Float64Array;
  /** BTYD dropout probability after each repeat purchase (0 for the other kinds). */
  ps: Float64Array;
  meanSpendMinor: Float64Array;
  aliveAtAsOf: Uint8Array;
  /** Counted orders in [asOf, asOf + horizon), never stored. */
  futureOrders: Int32Array;
  countedBeforeAsOf: Int32Array;
  aliveTotal: number;
  futureTotal: number;
  /** Other kinds only: when the customer stopped buying for good (Infinity: not within the simulation). */
  stopsAtMs?: Float64Array;
  /** Replenishment only: the customer's own cycle in days. */
  cycleDays?: Float64Array;
}
