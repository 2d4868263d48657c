/**
 * Behavioural traits and the expected next order date (docs/scoring.md, "Traits"), for a whole
 * shop at an explicit as-of instant. Pure and columnar: one pass over the orders into typed
 * arrays (no object per customer or order), shop thresholds from sorted copies and day
 * histograms, then one pass deciding the traits. `recovered` is a move between segments, computed
 * by the app from transitions, never here.
 */
import type { BehaviourOrders } from "./behaviour-orders";
import { MS_PER_DAY } from "./customer-facts";
import { formatMoneyMinor } from "./format";
import { formatMinor } from "./money";

/** Trait keys in sorted order; bit i of a trait mask is TRAIT_KEYS[i], so a mask lists sorted. */
export const TRAIT_KEYS = ["category_specialist", "discount_seeker", "due_to_reorder", "high_potential_first_timer", "one_and_done", "vip_at_risk"] as const;
export type TraitKey = (typeof TRAIT_KEYS)[number];

export const TRAIT_BIT: Readonly<Record<TraitKey, number>> = {
  category_specialist: 1 << 0,
  discount_seeker: 1 << 1,
  due_to_reorder: 1 << 2,
  high_potential_first_timer: 1 << 3,
  one_and_done: 1 << 4,
  vip_at_risk: 1 << 5,
};

/** The thresholds of docs/scoring.md, "Traits". The code compares them in exact integer form. */
export const TRAIT_RULES = {
  minOrdersDiscountSeeker: 2,
  discountShare: 0.6, // 5·discounted ≥ 3·orders
  minOrdersSpecialist: 2,
  specialistShare: 0.8, // 5·top type spend ≥ 4·item spend
  firstTimerWindowDays: 60, // recencyDays < 60
  firstOrderPercentile: 80,
  typeRateFactor: 1.5, // 2·repeat_t·N ≥ 3·repeat·N_t
  minTypeCustomers: 30,
  oneAndDonePercentile: 90,
  minOrdersDue: 3,
  dueLow: 0.8, // 5·recencyDays ≥ 4·gap
  dueHigh: 1.5, // 2·recencyDays ≤ 3·gap
  vipPercentile: 90,
  vipChurn: 0.5,
  /** Weight of the shop median gap in the typical gap, in gaps. */
  priorGaps: 2,
} as const;

/** Shop-level figures the traits are measured against (null: the population has none). */
export interface TraitThresholds {
  /** Customers with at least one counted order before as-of. */
  scoredCustomers: number;
  /** Scored customers with at least two distinct UTC purchase days. */
  repeatBuyers: number;
  /** repeatBuyers / scoredCustomers; null when no customer is scored. */
  secondPurchaseRate: number | null;
  /** Nearest-rank 80th percentile of the first counted order's amount over scored customers, 1/100 units. */
  firstOrderAmountP80Minor: number | null;
  /** Nearest-rank 90th percentile of the days from the first to the second purchase day of repeat buyers. */
  firstToSecondGapP90Days: number | null;
  /** Median of all gaps (days between consecutive purchase days) of all customers, pooled. */
  medianGapDays: number | null;
  /** Nearest-rank 90th percentile of total spend over scored customers: spend ≥ it is the top 10 %. */
  topSpendThresholdMinor: number | null;
  /** Per typeNames index: scored customers whose first order's main type it is. */
  firstOrderTypeCustomers: Int32Array;
  /** Per typeNames index: of those, the repeat buyers. */
  firstOrderTypeRepeatBuyers: Int32Array;
  /** Per typeNames index: 1 when its second-purchase rate qualifies a first-timer (≥ 30 customers, ≥ 1.5 × the shop's rate, above 0). */
  typeQualifies: Uint8Array;
}

/** Per customer of the input (index = customer index in `offsets`). */
export interface ShopTraits {
  customers: number;
  asOfMs: number;
  typeNames: readonly string[];
  /** Trait bit mask (TRAIT_BIT); 0 for a customer with no counted order before as-of. */
  traits: Uint8Array;
  /** Counted orders before as-of (0: not scored, no traits). */
  orders: Int32Array;
  discountedOrders: Int32Array;
  /** Whole days from the last order before as-of to as-of (docs/scoring.md, recencyDays). */
  recencyDays: Int32Array;
  /** Exact sum of the order amounts, 1/100 units. */
  spendMinor: Float64Array;
  /** The type with the largest item spend over the orders before as-of (ties: first name), -1 without typed spend. */
  topType: Int32Array;
  /** topType's share of the item spend, 0 without typed spend. */
  topTypeShare: Float64Array;
  /** The first order's main type (largest spend in it, ties: first name), -1 when it has no positive typed spend. */
  firstOrderMainType: Int32Array;
  /** n = gaps between consecutive distinct UTC purchase days (= x). */
  gapCount: Int32Array;
  /** Median of the customer's own gaps in days, NaN when n = 0. */
  ownMedianGapDays: Float64Array;
  /** (n·own median + 2·shop median) / (n + 2) for customers with ≥ 2 orders; NaN otherwise or without a shop median. */
  typicalGapDays: Float64Array;
  /** Midnight UTC of last purchase day + round(typical gap) days; NaN for null. */
  expectedNextOrderMs: Float64Array;
  /** The column given to computeTraits (indexed like the customers), or null. */
  churnProbability: ArrayLike<number> | null;
  shop: TraitThresholds;
}

export interface TraitOptions {
  asOf: Date;
  /** Per customer (index = customer index in offsets): P(no order in the horizon). Without it vip_at_risk is never set. */
  churnProbability?: ArrayLike<number> | null;
  /**
   * The shop's thresholds from its last full run (storedThresholds), for scoring a few
   * customers live against the whole shop: the thresholds are not recomputed from `orders`.
   */
  thresholds?: StoredTraitThresholds | null;
}

/** The shop-level figures of a full run in JSON form (types by name), for the live path. */
export interface StoredTraitThresholds {
  version: 1;
  scoredCustomers: number;
  repeatBuyers: number;
  firstOrderAmountP80Minor: number | null;
  firstToSecondGapP90Days: number | null;
  medianGapDays: number | null;
  topSpendThresholdMinor: number | null;
  /** Product types whose first-order buyers qualify a first-timer, with their counts (for the explanation). */
  qualifyingTypes: { type: string; customers: number; repeatBuyers: number }[];
}

/**
 * Thresholds of a shop with no full run yet (a model state saved before traits existed):
 * only the traits of the customer's own orders can hold; none measured against the shop.
 */
export const NO_SHOP_THRESHOLDS: StoredTraitThresholds = {
  version: 1,
  scoredCustomers: 0,
  repeatBuyers: 0,
  firstOrderAmountP80Minor: null,
  firstToSecondGapP90Days: null,
  medianGapDays: null,
  topSpendThresholdMinor: null,
  qualifyingTypes: [],
};

/** The thresholds of a full run, to store beside the model state. */
export function storedThresholds(result: ShopTraits): StoredTraitThresholds {
  const { shop, typeNames } = result;
  const qualifyingTypes: StoredTraitThresholds["qualifyingTypes"] = [];
  for (let t = 0; t < typeNames.length; t++) {
    if (shop.typeQualifies[t] === 1) qualifyingTypes.push({ type: typeNames[t], customers: shop.firstOrderTypeCustomers[t], repeatBuyers: shop.firstOrderTypeRepeatBuyers[t] });
  }
  return {
    version: 1,
    scoredCustomers: shop.scoredCustomers,
    repeatBuyers: shop.repeatBuyers,
    firstOrderAmountP80Minor: shop.firstOrderAmountP80Minor,
    firstToSecondGapP90Days: shop.firstToSecondGapP90Days,
    medianGapDays: shop.medianGapDays,
    topSpendThresholdMinor: shop.topSpendThresholdMinor,
    qualifyingTypes,
  };
}

/** Histogram of non-negative whole-day values, grown on demand. */
class DayHistogram {
  counts = new Float64Array(1024);
  total = 0;
  add(day: number): void {
    if (day >= this.counts.length) {
      let size = this.counts.length;
      while (size <= day) size *= 2;
      const next = new Float64Array(size);
      next.set(this.counts);
      this.counts = next;
    }
    this.counts[day]++;
    this.total++;
  }
  /** The rank-th smallest value, 1-based (1 ≤ rank ≤ total). */
  atRank(rank: number): number {
    let seen = 0;
    for (let v = 0; v < this.counts.length; v++) {
      seen += this.counts[v];
      if (seen >= rank) return v;
    }
    throw new RangeError(`rank ${rank} beyond ${this.total} values`);
  }
  median(): number | null {
    const n = this.total;
    if (n === 0) return null;
    return n % 2 === 1 ? this.atRank((n + 1) / 2) : (this.atRank(n / 2) + this.atRank(n / 2 + 1)) / 2;
  }
  percentile(p: number): number | null {
    return this.total === 0 ? null : this.atRank(nearestRank(p, this.total));
  }
}

/** The 1-based nearest rank ceil(p/100·N), at least 1. */
export function nearestRank(p: number, n: number): number {
  return Math.max(1, Math.ceil((p * n) / 100));
}

/** Nearest-rank p-th percentile of values sorted ascending, null when empty. */
function percentileOfSorted(sorted: Float64Array, p: number): number | null {
  return sorted.length === 0 ? null : sorted[nearestRank(p, sorted.length) - 1];
}

/** Median of scratch[0..n), sorting that range in place (n ≥ 1). */
function medianInPlace(scratch: Float64Array, n: number): number {
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const v = scratch[i];
      let j = i - 1;
      while (j >= 0 && scratch[j] > v) {
        scratch[j + 1] = scratch[j];
        j--;
      }
      scratch[j + 1] = v;
    }
  } else scratch.subarray(0, n).sort();
  return n % 2 === 1 ? scratch[(n - 1) / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
}

/** rank[t] = position of typeNames[t] in code-unit order (ties: index), so "ties broken by type name" is one integer comparison. */
function nameRanks(typeNames: readonly string[]): Int32Array {
  const order = typeNames.map((_, i) => i);
  order.sort((a, b) => (typeNames[a] < typeNames[b] ? -1 : typeNames[a] > typeNames[b] ? 1 : a - b));
  const rank = new Int32Array(typeNames.length);
  order.forEach((t, r) => (rank[t] = r));
  return rank;
}

const vipAtRisk = (spendMinor: number, topSpendThresholdMinor: number | null, churn: number) =>
  topSpendThresholdMinor !== null && spendMinor >= topSpendThresholdMinor && churn >= TRAIT_RULES.vipChurn;

/**
 * Traits computed without a churn column (computeTraits with churnProbability null) completed
 * with one: vip_at_risk set as computeTraits would have set it, in place. For a caller whose
 * churn column is ready only after the rest (the CLI selects the churn champion on a thread).
 */
export function addVipAtRisk(t: ShopTraits, churnProbability: ArrayLike<number>): void {
  if (t.churnProbability !== null) throw new Error("addVipAtRisk: the traits already have a churn column");
  const threshold = t.shop.topSpendThresholdMinor;
  for (let c = 0; c < t.customers; c++) {
    if (t.orders[c] > 0 && vipAtRisk(t.spendMinor[c], threshold, churnProbability[c])) t.traits[c] |= TRAIT_BIT.vip_at_risk;
  }
  t.churnProbability = churnProbability;
}

export function computeTraits(orders: BehaviourOrders, options: TraitOptions): ShopTraits {
  const asOfMs = options.asOf.getTime();
  const churn = options.churnProbability ?? null;
  const { offsets, timesMs, amountsMinor, discounted, typeOffsets, typeIndex, typeSpendMinor, typeNames } = orders;
  const customers = offsets.length - 1;
  const nTypes = typeNames.length;
  const rank = nameRanks(typeNames);

  const traits = new Uint8Array(customers);
  const orderCount = new Int32Array(customers);
  const discountedOrders = new Int32Array(customers);
  const recencyDays = new Int32Array(customers);
  const spendMinor = new Float64Array(customers);
  const topType = new Int32Array(customers).fill(-1);
  const topTypeShare = new Float64Array(customers);
  const firstOrderMainType = new Int32Array(customers).fill(-1);
  const gapCount = new Int32Array(customers);
  const ownMedianGapDays = new Float64Array(customers).fill(Number.NaN);
  const typicalGapDays = new Float64Array(customers).fill(Number.NaN);
  // Holds each customer's last purchase day during pass 1, the expected date after pass 3.
  const expectedNextOrderMs = new Float64Array(customers).fill(Number.NaN);

  const firstAmounts = new Float64Array(customers); // compacted over scored customers
  const allGaps = new DayHistogram();
  const firstGaps = new DayHistogram();
  const typeFirstCustomers = new Int32Array(nTypes);
  const typeFirstRepeat = new Int32Array(nTypes);
  // Per-customer type accumulation: typeStamp[t] = c + 1 when typeSum[t] belongs to customer c.
  const typeStamp = new Int32Array(nTypes);
  const typeSum = new Float64Array(nTypes);
  const touched = new Int32Array(nTypes);
  let gapScratch = new Float64Array(64);

  let scored = 0;
  let repeatBuyers = 0;
  // Pass 1: per-customer figures and the shop's distributions.
  for (let c = 0; c < customers; c++) {
    const lo = offsets[c];
    const hi = offsets[c + 1];
    let end = lo;
    while (end < hi && timesMs[end] < asOfMs) end++; // sorted by time: orders before as-of
    const k = end - lo;
    if (k === 0) continue;
    orderCount[c] = k;
    firstAmounts[scored++] = amountsMinor[lo];
    recencyDays[c] = Math.floor((asOfMs - timesMs[end - 1]) / MS_PER_DAY);

    let spend = 0;
    let disc = 0;
    let gaps = 0;
    if (k > gapScratch.length) gapScratch = new Float64Array(Math.max(k, gapScratch.length * 2));
    let prevDay = Math.floor(timesMs[lo] / MS_PER_DAY);
    for (let i = lo; i < end; i++) {
      spend += amountsMinor[i];
      if (discounted[i]) disc++;
      const day = Math.floor(timesMs[i] / MS_PER_DAY);
      if (day !== prevDay) {
        const gap = day - prevDay;
        gapScratch[gaps++] = gap;
        allGaps.add(gap);
        if (gaps === 1) firstGaps.add(gap);
        prevDay = day;
      }
    }
    spendMinor[c] = spend;
    discountedOrders[c] = disc;
    gapCount[c] = gaps;
    expectedNextOrderMs[c] = prevDay; // last purchase day, for pass 3
    if (gaps > 0) {
      repeatBuyers++;
      ownMedianGapDays[c] = medianInPlace(gapScratch, gaps);
    }

    if (nTypes > 0 && typeOffsets[end] > typeOffsets[lo]) {
      // The first order's main type: the largest positive spend, ties to the first name.
      let main = -1;
      let mainSpend = 0;
      for (let e = typeOffsets[lo]; e < typeOffsets[lo + 1]; e++) {
        const t = typeIndex[e];
        const s = typeSpendMinor[e];
        if (s > mainSpend || (s === mainSpend && main >= 0 && rank[t] < rank[main])) {
          main = t;
          mainSpend = s;
        }
      }
      if (main >= 0) {
        firstOrderMainType[c] = main;
        typeFirstCustomers[main]++;
        if (gaps > 0) typeFirstRepeat[main]++;
      }
      // Item spend per type over the orders before as-of.
      const stamp = c + 1;
      let nTouched = 0;
      let total = 0;
      for (let e = typeOffsets[lo]; e < typeOffsets[end]; e++) {
        const t = typeIndex[e];
        const s = typeSpendMinor[e];
        total += s;
        if (typeStamp[t] !== stamp) {
          typeStamp[t] = stamp;
          typeSum[t] = s;
          touched[nTouched++] = t;
        } else typeSum[t] += s;
      }
      if (total > 0) {
        let top = -1;
        let topSpend = 0;
        for (let j = 0; j < nTouched; j++) {
          const t = touched[j];
          const s = typeSum[t];
          if (s > topSpend || (s === topSpend && top >= 0 && rank[t] < rank[top])) {
            top = t;
            topSpend = s;
          }
        }
        topType[c] = top;
        topTypeShare[c] = topSpend / total;
        // ≥ 80 % of the item spend, exactly: 5·top ≥ 4·total (whole 1/100 units).
        if (k >= TRAIT_RULES.minOrdersSpecialist && 5 * topSpend >= 4 * total) traits[c] |= TRAIT_BIT.category_specialist;
      }
    }
  }

  // Shop thresholds: measured on these customers, or the stored ones of the shop's last full run.
  const stored = options.thresholds ?? null;
  let firstOrderAmountP80Minor: number | null;
  let topSpendThresholdMinor: number | null;
  let firstToSecondGapP90Days: number | null;
  let medianGapDays: number | null;
  const typeQualifies = new Uint8Array(nTypes);
  if (stored) {
    ({ firstOrderAmountP80Minor, topSpendThresholdMinor, firstToSecondGapP90Days, medianGapDays } = stored);
    const byName = new Map(stored.qualifyingTypes.map((q) => [q.type, q]));
    for (let t = 0; t < nTypes; t++) {
      const q = byName.get(typeNames[t]);
      typeFirstCustomers[t] = q?.customers ?? 0;
      typeFirstRepeat[t] = q?.repeatBuyers ?? 0;
      if (q) typeQualifies[t] = 1;
    }
    scored = stored.scoredCustomers;
    repeatBuyers = stored.repeatBuyers;
  } else {
    const firstSorted = firstAmounts.subarray(0, scored).sort();
    const spendSorted = new Float64Array(scored);
    for (let c = 0, j = 0; c < customers; c++) if (orderCount[c] > 0) spendSorted[j++] = spendMinor[c];
    spendSorted.sort();
    firstOrderAmountP80Minor = percentileOfSorted(firstSorted, TRAIT_RULES.firstOrderPercentile);
    topSpendThresholdMinor = percentileOfSorted(spendSorted, TRAIT_RULES.vipPercentile);
    firstToSecondGapP90Days = firstGaps.percentile(TRAIT_RULES.oneAndDonePercentile);
    medianGapDays = allGaps.median();
    for (let t = 0; t < nTypes; t++) {
      const n = typeFirstCustomers[t];
      const rep = typeFirstRepeat[t];
      // rate_t ≥ 1.5 × rate ⇔ 2·rep·scored ≥ 3·repeatBuyers·n, exact in integers; a zero rate never qualifies.
      if (n >= TRAIT_RULES.minTypeCustomers && rep > 0 && 2 * rep * scored >= 3 * repeatBuyers * n) typeQualifies[t] = 1;
    }
  }

  // Pass 3: the traits.
  for (let c = 0; c < customers; c++) {
    const k = orderCount[c];
    if (k === 0) continue;
    let mask = traits[c];
    const r = recencyDays[c];
    if (k >= TRAIT_RULES.minOrdersDiscountSeeker && 5 * discountedOrders[c] >= 3 * k) mask |= TRAIT_BIT.discount_seeker;
    if (k === 1) {
      if (r < TRAIT_RULES.firstTimerWindowDays) {
        const main = firstOrderMainType[c];
        if ((firstOrderAmountP80Minor !== null && spendMinor[c] >= firstOrderAmountP80Minor) || (main >= 0 && typeQualifies[main] === 1)) mask |= TRAIT_BIT.high_potential_first_timer;
      }
      if (firstToSecondGapP90Days !== null && r > firstToSecondGapP90Days) mask |= TRAIT_BIT.one_and_done;
      expectedNextOrderMs[c] = Number.NaN;
    } else {
      const n = gapCount[c];
      const lastDay = expectedNextOrderMs[c];
      if (n === 0 && medianGapDays === null) expectedNextOrderMs[c] = Number.NaN;
      else {
        // num = n·g_customer + 2·g_shop: half-integers, so the due test below is exact.
        const num = (n > 0 ? n * ownMedianGapDays[c] : 0) + TRAIT_RULES.priorGaps * (medianGapDays ?? 0);
        const den = n + TRAIT_RULES.priorGaps;
        const gap = num / den;
        typicalGapDays[c] = gap;
        expectedNextOrderMs[c] = (lastDay + Math.round(gap)) * MS_PER_DAY;
        if (k >= TRAIT_RULES.minOrdersDue && 5 * r * den >= 4 * num && 2 * r * den <= 3 * num) mask |= TRAIT_BIT.due_to_reorder;
      }
    }
    if (churn !== null && vipAtRisk(spendMinor[c], topSpendThresholdMinor, churn[c])) mask |= TRAIT_BIT.vip_at_risk;
    traits[c] = mask;
  }

  return {
    customers,
    asOfMs,
    typeNames,
    traits,
    orders: orderCount,
    discountedOrders,
    recencyDays,
    spendMinor,
    topType,
    topTypeShare,
    firstOrderMainType,
    gapCount,
    ownMedianGapDays,
    typicalGapDays,
    expectedNextOrderMs,
    churnProbability: churn,
    shop: {
      scoredCustomers: scored,
      repeatBuyers,
      secondPurchaseRate: scored > 0 ? repeatBuyers / scored : null,
      firstOrderAmountP80Minor,
      firstToSecondGapP90Days,
      medianGapDays,
      topSpendThresholdMinor,
      firstOrderTypeCustomers: typeFirstCustomers,
      firstOrderTypeRepeatBuyers: typeFirstRepeat,
      typeQualifies,
    },
  };
}

/** The trait keys of a mask, sorted. */
export function traitKeys(mask: number): TraitKey[] {
  const keys: TraitKey[] = [];
  for (let i = 0; i < TRAIT_KEYS.length; i++) if (mask & (1 << i)) keys.push(TRAIT_KEYS[i]);
  return keys;
}

/** The product type a category_specialist is named for, else null. */
export function specialistType(result: ShopTraits, c: number): string | null {
  return result.traits[c] & TRAIT_BIT.category_specialist ? result.typeNames[result.topType[c]] : null;
}

/** The expected next order date as YYYY-MM-DD (UTC), null when there is none. */
export function expectedNextOrderDate(result: ShopTraits, c: number): string | null {
  const ms = result.expectedNextOrderMs[c];
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

export interface TraitExplanation {
  key: TraitKey;
  text: string;
}

/** floor(100·a/b) for whole a, b > 0, exact. */
const wholePercent = (a: number, b: number) => Math.floor((100 * a) / b);
/** A share 0..1 as whole percent, rounded down (a share at the bar never reads below it). */
const sharePercent = (share: number) => Math.floor(share * 100 + 1e-9);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const days = (n: number) => plural(n, "day");
const gapText = (g: number) => `${Number.isInteger(g) ? g : g.toFixed(1)} day${g === 1 ? "" : "s"}`;

/**
 * One customer's traits as sorted keys and a plain-language explanation per trait with its
 * numbers. Amounts are 1/100 units: with the shop's currency code they read "€100.00", without
 * it "100.00".
 */
export function explainTraits(result: ShopTraits, c: number, currencyCode?: string): { traits: TraitKey[]; explanations: TraitExplanation[] } {
  const money = (minor: number) => (currencyCode ? formatMoneyMinor(Math.round(minor), currencyCode) : formatMinor(Math.round(minor)));
  const keys = traitKeys(result.traits[c]);
  const { shop } = result;
  const k = result.orders[c];
  const r = result.recencyDays[c];
  const explanations = keys.map((key): TraitExplanation => {
    switch (key) {
      case "discount_seeker": {
        const d = result.discountedOrders[c];
        return { key, text: `discount seeker: ${d} of ${k} orders (${wholePercent(d, k)} %) carried a discount; the bar is 60 % of at least 2 orders` };
      }
      case "category_specialist": {
        const type = result.typeNames[result.topType[c]];
        return { key, text: `category specialist: ${type} holds ${sharePercent(result.topTypeShare[c])} % of the item spend over ${k} orders; the bar is 80 % of at least 2 orders` };
      }
      case "high_potential_first_timer": {
        const why: string[] = [];
        const p80 = shop.firstOrderAmountP80Minor;
        if (p80 !== null && result.spendMinor[c] >= p80) why.push(`the order's ${money(result.spendMinor[c])} is at least the shop's 80th percentile of first orders (${money(p80)})`);
        const main = result.firstOrderMainType[c];
        if (main >= 0 && shop.typeQualifies[main] === 1) {
          const n = shop.firstOrderTypeCustomers[main];
          const rep = shop.firstOrderTypeRepeatBuyers[main];
          why.push(
            `its main product type ${result.typeNames[main]} brings customers back: ${rep} of ${n} customers whose first order was mainly ${result.typeNames[main]} ordered again (${wholePercent(rep, n)} %), ` +
              `at least 1.5 × the shop's ${shop.repeatBuyers} of ${shop.scoredCustomers} (${wholePercent(shop.repeatBuyers, shop.scoredCustomers)} %) over at least 30 customers`,
          );
        }
        return { key, text: `high-potential first-timer: one order, ${days(r)} ago (within 60 days), and ${why.join(", and ")}` };
      }
      case "one_and_done":
        return { key, text: `one and done: one order, ${days(r)} ago, longer than the shop's 90th percentile of ${days(shop.firstToSecondGapP90Days ?? 0)} from a repeat buyer's first to second order` };
      case "due_to_reorder": {
        const g = result.typicalGapDays[c];
        const n = result.gapCount[c];
        const own = n > 0 ? `${plural(n, "gap")} with median ${gapText(result.ownMedianGapDays[c])}` : "no gaps of its own";
        return {
          key,
          text:
            `due to reorder: ${k} orders, the last ${days(r)} ago, between 0.8 and 1.5 × the typical gap of ${gapText(Math.round(g * 10) / 10)} (${(0.8 * g).toFixed(1)} to ${(1.5 * g).toFixed(1)} days); ` +
            `typical gap = (n × own median + 2 × shop median) / (n + 2) with ${own} and a shop median of ${gapText(shop.medianGapDays ?? 0)}`,
        };
      }
      case "vip_at_risk": {
        const p = result.churnProbability ? result.churnProbability[c] : Number.NaN;
        return {
          key,
          text: `VIP at risk: spent ${money(result.spendMinor[c])} in total, in the shop's top 10 % (from ${money(shop.topSpendThresholdMinor ?? 0)}), and a ${Math.round(p * 100)} % chance of no order in the horizon (the bar is 50 %)`,
        };
      }
    }
  });
  return { traits: keys, explanations };
}
