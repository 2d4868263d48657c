// Data sets of the accuracy benchmark (bench/accuracy.bench.ts) as the app's scoring input:
// counted orders grouped by customer and sorted by time (GroupedOrders), net amounts in 1/100
// units, orders before *and after* the as-of instant (the later ones are the outcome).
import type { GroupedOrders } from "../../app/domain/population-facts";
import type { StoreBehaviour } from "../../test/simulator/behaviours";
import { generateStore, orderNet } from "../../test/simulator/generator";
import { loadCdnowOrders } from "../../test/support/cdnow-orders";

const DAY = 86_400_000;

export interface AccuracyDataSet {
  name: string;
  description: string;
  orders: GroupedOrders;
  /** Fit on orders strictly before asOf; the outcome window is [asOf, asOf + horizonDays). */
  asOf: Date;
  horizonDays: number;
}

/** Group (customer, time, amount) triples: customers in first-seen order, orders by time. */
function group(customer: Int32Array, times: Float64Array, amounts: Float64Array, customers: number): GroupedOrders {
  const n = customer.length;
  const offsets = new Int32Array(customers + 1);
  for (let i = 0; i < n; i++) offsets[customer[i] + 1]++;
  for (let c = 0; c < customers; c++) offsets[c + 1] += offsets[c];
  const fill = offsets.slice(0, customers);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  const timesMs = new Float64Array(n);
  const amountsMinor = new Float64Array(n);
  for (const i of order) {
    const slot = fill[customer[i]]++;
    timesMs[slot] = times[i];
    amountsMinor[slot] = amounts[i];
  }
  return { offsets, timesMs, amountsMinor };
}

/**
 * CDNOW master (Fader & Hardie): 23,570 customers who first bought in Q1 1997, purchases to
 * 30 June 1998. One order per row, at midnight UTC of its date.
 */
export function cdnowMaster(asOf = "1997-10-01", horizonDays = 273): AccuracyDataSet {
  const orders = loadCdnowOrders();
  return {
    name: "cdnow",
    description: `CDNOW master, ${(orders.offsets.length - 1).toLocaleString("en-US")} customers`,
    orders,
    asOf: new Date(`${asOf}T00:00:00Z`),
    horizonDays,
  };
}

/**
 * A generated store (test/simulator/generator.ts) whose history runs to asOf + horizon: the
 * generator's own as-of is the end of the outcome window, so every order in it is stored.
 * Counted orders only (not test, not cancelled, not guest), net of refunds, as the app reads them.
 */
export function generatedStore(opts: { behaviour: StoreBehaviour; customers: number; seed: number; asOf: string; horizonDays: number; years: number }): AccuracyDataSet {
  const asOfMs = Date.parse(`${opts.asOf}T00:00:00Z`);
  const endMs = asOfMs + opts.horizonDays * DAY;
  const { shop } = generateStore({
    domain: `accuracy-${opts.behaviour.replace("_", "-")}.myshopify.com`,
    seed: opts.seed,
    customers: opts.customers,
    asOf: endMs,
    years: opts.years + opts.horizonDays / 365,
    behaviour: opts.behaviour,
  });
  const ids = new Map<number, number>();
  const cust: number[] = [];
  const times: number[] = [];
  const amounts: number[] = [];
  for (const o of shop.orders.values()) {
    if (o.customerId === null) continue;
    const net = orderNet(o);
    if (!net.counted) continue;
    let c = ids.get(o.customerId);
    if (c === undefined) ids.set(o.customerId, (c = ids.size));
    cust.push(c);
    times.push(Date.parse(o.processedAt));
    amounts.push(net.netShopMinor);
  }
  return {
    name: opts.behaviour,
    description: `generated ${opts.behaviour} store, ${opts.customers.toLocaleString("en-US")} customers (seed ${opts.seed}), ${opts.years} years before as-of`,
    orders: group(Int32Array.from(cust), Float64Array.from(times), Float64Array.from(amounts), ids.size),
    asOf: new Date(asOfMs),
    horizonDays: opts.horizonDays,
  };
}
