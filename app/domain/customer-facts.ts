/**
 * Per-customer facts at an as-of instant (docs/scoring.md): frequency, recency, monetary and
 * the BTYD summary (x, t_x, T) on UTC purchase days. Only orders strictly before asOf count.
 */
import type { MinorUnits } from "./money";

export const MS_PER_DAY = 86_400_000;

export interface OrderInput {
  processedAt: Date | string;
  /** Order amount in integer minor units, net of refunds. */
  amountMinor: MinorUnits;
}

export interface CustomerFacts {
  /** Number of counted orders before asOf. */
  frequency: number;
  /** Whole days from the last order instant to asOf (floor). */
  recencyDays: number;
  /** Exact sum of order amounts, minor units. */
  monetaryMinor: MinorUnits;
  /** Distinct purchase days - 1. */
  x: number;
  /** Days from first to last purchase day. */
  tx: number;
  /** Days from first purchase day to the as-of day. */
  T: number;
  /** Mean of the day totals of the x repeat purchase days (minor units, may be fractional); 0 when x = 0. */
  repeatDayMeanMinor: number;
}

/** The UTC day number (days since 1970-01-01) containing an instant. */
export function utcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

export function toMs(d: Date | string): number {
  const ms = typeof d === "string" ? Date.parse(d) : d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid date: ${String(d)}`);
  return ms;
}

/**
 * Core computation over one customer's orders given as parallel arrays sorted by time
 * ascending, range [start, end). Orders at or after asOfMs are ignored.
 * Returns false when the customer has no order before asOf (then `out` is untouched).
 * Written against plain arrays so the CLI can run it over 1M customers without objects.
 */
export function factsFromSortedOrders(
  timesMs: ArrayLike<number>,
  amountsMinor: ArrayLike<number>,
  start: number,
  end: number,
  asOfMs: number,
  out: CustomerFacts,
): boolean {
  let frequency = 0;
  let monetary = 0;
  let firstDay = 0;
  let lastMs = 0;
  let currentDay = 0;
  let currentDayTotal = 0;
  let distinctDays = 0;
  let repeatDaySum = 0; // sum of day totals of every purchase day but the first
  for (let i = start; i < end; i++) {
    const t = timesMs[i];
    if (!(t < asOfMs)) break; // sorted: the rest is at or after asOf
    const amount = amountsMinor[i];
    const day = Math.floor(t / MS_PER_DAY);
    if (frequency === 0) {
      firstDay = day;
      currentDay = day;
      currentDayTotal = amount;
      distinctDays = 1;
    } else if (day !== currentDay) {
      if (distinctDays > 1) repeatDaySum += currentDayTotal;
      currentDay = day;
      currentDayTotal = amount;
      distinctDays++;
    } else {
      currentDayTotal += amount;
    }
    frequency++;
    monetary += amount;
    lastMs = t;
  }
  if (frequency === 0) return false;
  if (distinctDays > 1) repeatDaySum += currentDayTotal;
  const asOfDay = Math.floor(asOfMs / MS_PER_DAY);
  out.frequency = frequency;
  out.recencyDays = Math.floor((asOfMs - lastMs) / MS_PER_DAY);
  out.monetaryMinor = monetary;
  out.x = distinctDays - 1;
  out.tx = currentDay - firstDay;
  out.T = asOfDay - firstDay;
  out.repeatDayMeanMinor = distinctDays > 1 ? repeatDaySum / (distinctDays - 1) : 0;
  return true;
}

/** Facts for one customer from unsorted order objects; null if no order before asOf. */
export function computeCustomerFacts(orders: readonly OrderInput[], asOf: Date | string): CustomerFacts | null {
  const asOfMs = toMs(asOf);
  const pairs = orders.map((o) => [toMs(o.processedAt), o.amountMinor] as const);
  pairs.sort((p, q) => p[0] - q[0]);
  const times = pairs.map((p) => p[0]);
  const amounts = pairs.map((p) => p[1]);
  const out: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  return factsFromSortedOrders(times, amounts, 0, times.length, asOfMs, out) ? out : null;
}

/** Columnar facts for a whole population (index i = one scored customer). */
export interface FactsColumns {
  n: number;
  frequency: Int32Array;
  recencyDays: Int32Array;
  monetaryMinor: Float64Array;
  x: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  repeatDayMeanMinor: Float64Array;
}

export function allocateFactsColumns(n: number): FactsColumns {
  return {
    n,
    frequency: new Int32Array(n),
    recencyDays: new Int32Array(n),
    monetaryMinor: new Float64Array(n),
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    repeatDayMeanMinor: new Float64Array(n),
  };
}

export function setFactsRow(cols: FactsColumns, i: number, f: CustomerFacts): void {
  cols.frequency[i] = f.frequency;
  cols.recencyDays[i] = f.recencyDays;
  cols.monetaryMinor[i] = f.monetaryMinor;
  cols.x[i] = f.x;
  cols.tx[i] = f.tx;
  cols.T[i] = f.T;
  cols.repeatDayMeanMinor[i] = f.repeatDayMeanMinor;
}

/** The first n rows, as views (no copy). */
export function truncateFactsColumns(f: FactsColumns, n: number): FactsColumns {
  return {
    n,
    frequency: f.frequency.subarray(0, n),
    recencyDays: f.recencyDays.subarray(0, n),
    monetaryMinor: f.monetaryMinor.subarray(0, n),
    x: f.x.subarray(0, n),
    tx: f.tx.subarray(0, n),
    T: f.T.subarray(0, n),
    repeatDayMeanMinor: f.repeatDayMeanMinor.subarray(0, n),
  };
}

export function factsColumnsFrom(facts: readonly CustomerFacts[]): FactsColumns {
  const cols = allocateFactsColumns(facts.length);
  facts.forEach((f, i) => setFactsRow(cols, i, f));
  return cols;
}

export function getFactsRow(cols: FactsColumns, i: number): CustomerFacts {
  return {
    frequency: cols.frequency[i],
    recencyDays: cols.recencyDays[i],
    monetaryMinor: cols.monetaryMinor[i],
    x: cols.x[i],
    tx: cols.tx[i],
    T: cols.T[i],
    repeatDayMeanMinor: cols.repeatDayMeanMinor[i],
  };
}
