// A deterministic sample of a shop's customers for the fits whose cost and memory grow
// with the shop but whose result does not need every customer: the churn champion's
// selection and training (churn/champion.ts) and the dashboard's backtest. The
// customers are scored from the full population either way (docs/scoring.md, "Churn
// champion", "Large shops").
import type { GroupedOrders } from "./population-facts";

/** Above this many customers the churn champion and the backtest run on a sample of this size (about). */
export const FIT_SAMPLE_CUSTOMERS = 250_000;

/**
 * Every k-th customer of the grouped orders (k = ceil(customers / max), starting with the
 * first), with all of that customer's orders: the customers come in ascending Shopify id,
 * which follows sign-up time, so the sample spreads evenly over cohorts, and the same
 * customers give the same sample on every run. The orders as given when there are at
 * most `max` customers.
 */
export function customerSample<T extends GroupedOrders>(orders: T, max: number = FIT_SAMPLE_CUSTOMERS): T | GroupedOrders {
  const customers = orders.offsets.length - 1;
  if (!(max >= 1)) throw new RangeError(`sample size must be at least 1, got ${max}`);
  if (customers <= max) return orders;
  const step = Math.ceil(customers / max);
  const kept = Math.ceil(customers / step);
  let n = 0;
  for (let c = 0; c < customers; c += step) n += orders.offsets[c + 1] - orders.offsets[c];
  const offsets = new Int32Array(kept + 1);
  const timesMs = new Float64Array(n);
  const amountsMinor = new Float64Array(n);
  let k = 0;
  let at = 0;
  for (let c = 0; c < customers; c += step) {
    offsets[k++] = at;
    for (let o = orders.offsets[c]; o < orders.offsets[c + 1]; o++) {
      timesMs[at] = orders.timesMs[o];
      amountsMinor[at] = orders.amountsMinor[o];
      at++;
    }
  }
  offsets[k] = at;
  return { offsets, timesMs, amountsMinor };
}
