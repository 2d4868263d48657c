// Facts for a whole shop from order histories already grouped by customer and
// sorted by time (as the database returns them), without per-order objects.
import {
  type CustomerFacts,
  type FactsColumns,
  allocateFactsColumns,
  factsFromSortedOrders,
  setFactsRow,
  truncateFactsColumns,
} from "./customer-facts";

export interface GroupedOrders {
  /** offsets[i]..offsets[i+1] index customer i's orders; length = customers + 1. */
  offsets: ArrayLike<number>;
  timesMs: ArrayLike<number>;
  amountsMinor: ArrayLike<number>;
}

export interface PopulationFacts {
  facts: FactsColumns;
  /** For each facts row, the index of its customer in the grouped input. */
  customerIndex: Int32Array;
}

export function factsFromGroupedOrders(orders: GroupedOrders, asOf: Date): PopulationFacts {
  const customers = orders.offsets.length - 1;
  const all = allocateFactsColumns(customers);
  const customerIndex = new Int32Array(customers);
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  let n = 0;
  for (let c = 0; c < customers; c++) {
    if (!factsFromSortedOrders(orders.timesMs, orders.amountsMinor, orders.offsets[c], orders.offsets[c + 1], asOf.getTime(), row)) continue;
    setFactsRow(all, n, row);
    customerIndex[n++] = c;
  }
  return { facts: truncateFactsColumns(all, n), customerIndex: customerIndex.subarray(0, n) };
}

/**
 * Shops with more customers run their backtests (the churn champion's, every cut's facts and
 * BG/NBD fit, the evaluation window, the production refit; and the measured accuracy's refit
 * H days ago) on a deterministic sample of this many: the cost is linear in customers, while
 * what they produce (a champion, λ, a two- or 256-point calibration, AUCs, error ratios and
 * deciles) is a shop-level figure that 100,000 customers already measure to within the
 * champion's tie band. Every customer is still scored.
 */
export const MAX_BACKTEST_CUSTOMERS = 100_000;

/**
 * Whether row r is kept at this fraction: a deterministic hash of (seed, r) below it. The
 * same rows are kept on every run; at a higher fraction the kept rows are a superset.
 */
export function keepByHash(seed: number, r: number, fraction: number): boolean {
  if (fraction >= 1) return true;
  let h = Math.imul(r ^ Math.imul(seed, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < fraction;
}

/**
 * About `max` of the customers, chosen by keepByHash on their index (all of them when there
 * are at most max), with their orders; `customers` is how many were kept.
 */
export function sampleCustomers(orders: GroupedOrders, max: number): { orders: GroupedOrders; customers: number } {
  const customers = orders.offsets.length - 1;
  if (customers <= max) return { orders, customers };
  const fraction = max / customers;
  const keep = new Uint8Array(customers);
  let kept = 0;
  let rows = 0;
  for (let c = 0; c < customers; c++) {
    if (keepByHash(0x5a3d, c, fraction)) {
      keep[c] = 1;
      kept++;
      rows += orders.offsets[c + 1] - orders.offsets[c];
    }
  }
  const offsets = new Int32Array(kept + 1);
  const timesMs = new Float64Array(rows);
  const amountsMinor = new Float64Array(rows);
  for (let c = 0, i = 0, o = 0; c < customers; c++) {
    if (!keep[c]) continue;
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++, o++) {
      timesMs[o] = orders.timesMs[k];
      amountsMinor[o] = orders.amountsMinor[k];
    }
    offsets[++i] = o;
  }
  return { orders: { offsets, timesMs, amountsMinor }, customers: kept };
}
