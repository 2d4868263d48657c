// Data sets of the accuracy benchmark (bench/accuracy.bench.ts) as the app's scoring input:
// counted orders grouped by customer and sorted by time (GroupedOrders), net amounts in 1/100
// units, orders before *and after* the as-of instant (the later ones are the outcome).
// generatedTraitsStore adds what the behavioural traits read (BehaviourOrders) and the
// generator's planted truth per customer.
import type { BehaviourOrders } from "../../app/domain/behaviour-orders";
import type { GroupedOrders } from "../../app/domain/population-facts";
import type { PlantedTraitParams, StoreBehaviour } from "../../test/simulator/behaviours";
import { generateStore, type GroundTruth, type GroundTruthCustomer, orderNet } from "../../test/simulator/generator";
import type { SimShop } from "../../test/simulator/model";
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

/**
 * The counted orders of a simulated shop (not test, not cancelled, not guest; net of refunds)
 * as the traits read them, grouped by customer (first-seen order) and sorted by time: an order
 * is discounted when it carries a discount code or a line discount above 0; a type's spend is
 * the sum of its line items' gross amounts (shopMinor + discountMinor), untyped lines left out.
 * `customerIds[c]` is customer c's id in the shop.
 */
export function behaviourOrdersOf(shop: SimShop): BehaviourOrders & { customerIds: number[] } {
  const index = new Map<number, number>();
  const customerIds: number[] = [];
  const typeIds = new Map<string, number>();
  const typeNames: string[] = [];
  // Orders are stored in time order; a stable counting sort by customer keeps it per customer.
  const cust: number[] = [];
  const times: number[] = [];
  const amounts: number[] = [];
  const disc: number[] = [];
  const entryStart: number[] = [];
  const entryType: number[] = [];
  const entrySpend: number[] = [];
  for (const o of shop.orders.values()) {
    if (o.customerId === null) continue;
    const net = orderNet(o);
    if (!net.counted) continue;
    let c = index.get(o.customerId);
    if (c === undefined) {
      index.set(o.customerId, (c = customerIds.length));
      customerIds.push(o.customerId);
    }
    cust.push(c);
    times.push(Date.parse(o.processedAt));
    amounts.push(net.netShopMinor);
    disc.push(o.discountCodes.length > 0 || o.lineItems.some((l) => (l.discountMinor ?? 0) > 0) ? 1 : 0);
    entryStart.push(entryType.length);
    const first = entryType.length;
    for (const l of o.lineItems) {
      if (!l.productType) continue;
      let t = typeIds.get(l.productType);
      if (t === undefined) {
        typeIds.set(l.productType, (t = typeNames.length));
        typeNames.push(l.productType);
      }
      const gross = l.shopMinor + (l.discountMinor ?? 0);
      let e = first;
      while (e < entryType.length && entryType[e] !== t) e++;
      if (e < entryType.length) entrySpend[e] += gross;
      else {
        entryType.push(t);
        entrySpend.push(gross);
      }
    }
  }
  const n = cust.length;
  entryStart.push(entryType.length);
  const customers = customerIds.length;
  const offsets = new Int32Array(customers + 1);
  for (let i = 0; i < n; i++) offsets[cust[i] + 1]++;
  for (let c = 0; c < customers; c++) offsets[c + 1] += offsets[c];
  const slotOf = new Int32Array(n);
  const fill = offsets.slice(0, customers);
  for (let i = 0; i < n; i++) slotOf[i] = fill[cust[i]]++;
  const timesMs = new Float64Array(n);
  const amountsMinor = new Float64Array(n);
  const discounted = new Uint8Array(n);
  const perSlot = new Int32Array(n); // slot → source order
  for (let i = 0; i < n; i++) perSlot[slotOf[i]] = i;
  const typeOffsets = new Int32Array(n + 1);
  const typeIndex = new Int32Array(entryType.length);
  const typeSpendMinor = new Float64Array(entryType.length);
  let e = 0;
  for (let k = 0; k < n; k++) {
    const i = perSlot[k];
    timesMs[k] = times[i];
    amountsMinor[k] = amounts[i];
    discounted[k] = disc[i];
    typeOffsets[k] = e;
    for (let j = entryStart[i]; j < entryStart[i + 1]; j++, e++) {
      typeIndex[e] = entryType[j];
      typeSpendMinor[e] = entrySpend[j];
    }
  }
  typeOffsets[n] = e;
  return { customerIds, offsets, timesMs, amountsMinor, discounted, typeOffsets, typeIndex, typeSpendMinor, typeNames };
}

/**
 * What the traits are compared with, per customer of a TraitsDataSet at its as-of: the
 * generator's own truth (planted at generation, not recomputed by the app's formulas) and what
 * really happened after as-of.
 */
export interface TraitsTruth {
  /** Counted orders before as-of (what the traits may read). */
  ordersBefore: Int32Array;
  /** 1: a planted discount seeker. */
  seeker: Uint8Array;
  /** A planted category specialist's product type, null for everyone else. */
  specialistType: (string | null)[];
  /**
   * Replenishment stores, customers with ≥ 3 counted orders before as-of (the trait's minimum);
   * -1 elsewhere (undefinable). 1 when truly due: as-of lies 0.8 to 1.5 true cycles (C, the
   * truth's cycleDays) after the last order (0.8·C ≤ whole days since it ≤ 1.5·C) and the
   * customer really orders again within one cycle (a counted order in [as-of, as-of + C)).
   */
  due: Int8Array;
  /** As `due`, with the simpler reading "the real next counted order falls in [as-of, as-of + C/2)". */
  dueHalfCycle: Int8Array;
  /** The real next counted order in [as-of, as-of + horizon); NaN when there is none. */
  nextOrderMs: Float64Array;
}

export interface TraitsDataSet {
  name: string;
  description: string;
  /** Counted orders before and after asOf (the later ones are the outcome). */
  orders: BehaviourOrders;
  asOf: Date;
  horizonDays: number;
  /** Per customer of `orders`: the generator's truth record. */
  customers: GroundTruthCustomer[];
  truth: TraitsTruth;
  store: GroundTruth;
}

/**
 * A generated store with planted traits (generateStore's `plantedTraits`), its history running
 * to asOf + horizon as in generatedStore, as BehaviourOrders with the truth per customer.
 */
export function generatedTraitsStore(opts: {
  name: string;
  behaviour: StoreBehaviour;
  customers: number;
  seed: number;
  asOf: string;
  horizonDays: number;
  years: number;
  plantedTraits?: Partial<PlantedTraitParams>;
}): TraitsDataSet {
  const asOfMs = Date.parse(`${opts.asOf}T00:00:00Z`);
  const untilMs = asOfMs + opts.horizonDays * DAY;
  const { shop, truth: store } = generateStore({
    domain: `traits-${opts.behaviour.replace("_", "-")}.myshopify.com`,
    seed: opts.seed,
    customers: opts.customers,
    asOf: untilMs,
    years: opts.years + opts.horizonDays / 365,
    behaviour: opts.behaviour,
    plantedTraits: opts.plantedTraits ?? true,
  });
  const { customerIds, ...orders } = behaviourOrdersOf(shop);
  const byId = new Map(store.customers.map((c) => [c.id, c]));
  const customers = customerIds.map((id) => byId.get(id)!);
  const n = customers.length;
  const truth: TraitsTruth = {
    ordersBefore: new Int32Array(n),
    seeker: new Uint8Array(n),
    specialistType: new Array<string | null>(n),
    due: new Int8Array(n).fill(-1),
    dueHalfCycle: new Int8Array(n).fill(-1),
    nextOrderMs: new Float64Array(n).fill(Number.NaN),
  };
  for (let c = 0; c < n; c++) {
    const t = customers[c];
    truth.seeker[c] = t.discountSeeker ? 1 : 0;
    truth.specialistType[c] = t.specialistType ?? null;
    let k = orders.offsets[c];
    while (k < orders.offsets[c + 1] && orders.timesMs[k] < asOfMs) k++;
    const before = k - orders.offsets[c];
    truth.ordersBefore[c] = before;
    if (k < orders.offsets[c + 1] && orders.timesMs[k] < untilMs) truth.nextOrderMs[c] = orders.timesMs[k];
    const cycle = t.cycleDays;
    if (cycle === undefined || before < 3) continue;
    const sinceLast = Math.floor((asOfMs - orders.timesMs[k - 1]) / DAY);
    const untilNext = (truth.nextOrderMs[c] - asOfMs) / DAY; // NaN: none in the horizon
    truth.due[c] = sinceLast >= 0.8 * cycle && sinceLast <= 1.5 * cycle && untilNext < cycle ? 1 : 0;
    truth.dueHalfCycle[c] = untilNext < cycle / 2 ? 1 : 0;
  }
  return {
    name: opts.name,
    description: `generated ${opts.behaviour} store with planted traits, ${opts.customers.toLocaleString("en-US")} customers (seed ${opts.seed}), ${opts.years} years before as-of`,
    orders,
    asOf: new Date(asOfMs),
    horizonDays: opts.horizonDays,
    customers,
    truth,
    store,
  };
}

export interface PrecisionRecall {
  /** Flagged and truly so; flagged; truly so (within the population). */
  hits: number;
  flagged: number;
  truths: number;
  /** hits / flagged and hits / truths, NaN when the denominator is 0. */
  precision: number;
  recall: number;
}

/** Precision and recall of `flagged` against `truly` over the customers `inPopulation` selects. */
export function precisionRecall(n: number, inPopulation: (c: number) => boolean, flagged: (c: number) => boolean, truly: (c: number) => boolean, hit: (c: number) => boolean = truly): PrecisionRecall {
  let hits = 0;
  let nFlagged = 0;
  let truths = 0;
  for (let c = 0; c < n; c++) {
    if (!inPopulation(c)) continue;
    const f = flagged(c);
    if (f) nFlagged++;
    if (truly(c)) truths++;
    if (f && truly(c) && hit(c)) hits++;
  }
  return { hits, flagged: nFlagged, truths, precision: nFlagged ? hits / nFlagged : Number.NaN, recall: truths ? hits / truths : Number.NaN };
}
