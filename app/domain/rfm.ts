/**
 * RFM scores 1..5 exactly as docs/scoring.md defines them (ADR 0003), integer arithmetic only.
 * O(n log n): one sort per dimension, then "strictly smaller / larger" counts (by binary search,
 * once per distinct recency and frequency; for amounts from one stable radix ordering).
 */
import { ascendingOrder } from "./ascending-order";

export type Score = 1 | 2 | 3 | 4 | 5;

/** floor(num / den) for non-negative integers, with k/0 taken as 0 (docs/scoring.md). */
function floorDiv(num: number, den: number): number {
  if (den === 0) return 0;
  return (num - (num % den)) / den;
}

/** ceil(num / den) for non-negative integers, den > 0. */
function ceilDiv(num: number, den: number): number {
  return floorDiv(num + den - 1, den);
}

/** Number of elements of an ascending array strictly smaller than v. */
export function countLess(sortedAsc: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sortedAsc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedAsc[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements of an ascending array less than or equal to v. */
export function countLessOrEqual(sortedAsc: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sortedAsc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedAsc[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function recencyScore(kStrictlyLarger: number, populationSize: number): Score {
  return Math.min(5, 1 + floorDiv(5 * kStrictlyLarger, populationSize - 1)) as Score;
}
export function monetaryScore(kStrictlySmaller: number, populationSize: number): Score {
  return Math.min(5, 1 + floorDiv(5 * kStrictlySmaller, populationSize - 1)) as Score;
}
/** F for a customer with >= 2 orders; one-order customers are F = 1 by definition. */
export function repeatFrequencyScore(kStrictlySmaller: number, repeatPopulationSize: number): Score {
  return Math.min(5, 2 + floorDiv(4 * kStrictlySmaller, repeatPopulationSize - 1)) as Score;
}

/**
 * Cut points that reproduce the population's scores for any value without the population:
 * stored per shop so one customer can be rescored after an order without re-sorting everyone.
 * A null threshold means the score level is unreachable (population of 0 or 1).
 */
export interface RfmCutPoints {
  /** |P|: customers with at least one counted order. */
  population: number;
  /** |Q|: customers with at least two counted orders. */
  repeatPopulation: number;
  /** Index s-2 for R = s (2..5): R >= s iff recencyDays < threshold. */
  recencyBelow: (number | null)[];
  /** Index s-3 for F = s (3..5): F >= s iff frequency > threshold (repeat buyers only). */
  frequencyAbove: (number | null)[];
  /** Index s-2 for M = s (2..5): M >= s iff monetaryMinor > threshold. */
  monetaryAbove: (number | null)[];
  /** 101 ascending quantiles (0 %, 1 %, .. 100 %) per dimension, for explanation percentages. */
  recencyQuantiles: number[];
  monetaryQuantiles: number[];
}

export interface RfmColumns {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Share of other customers (0..100, floor) with strictly larger recency: "more recent than". */
  recencyPercent: Uint8Array;
  /** Share of other customers with strictly smaller monetary: "spent more than". */
  monetaryPercent: Uint8Array;
  /** Share of other repeat customers with strictly smaller frequency (0 for one-time buyers). */
  frequencyPercent: Uint8Array;
}

function quantiles(sortedAsc: ArrayLike<number>): number[] {
  const n = sortedAsc.length;
  if (n === 0) return [];
  const out: number[] = [];
  for (let j = 0; j <= 100; j++) out.push(sortedAsc[floorDiv(j * (n - 1), 100)]);
  return out;
}

/** Score a whole population. Inputs are parallel arrays over P (every entry has frequency >= 1). */
export function scoreRfm(
  recencyDays: ArrayLike<number>,
  frequency: ArrayLike<number>,
  monetaryMinor: ArrayLike<number>,
): { columns: RfmColumns; cutPoints: RfmCutPoints } {
  const n = recencyDays.length;
  const recSorted = Float64Array.from(recencyDays).sort();
  const monSorted = Float64Array.from(monetaryMinor).sort();
  let q = 0;
  for (let i = 0; i < n; i++) if (frequency[i] >= 2) q++;
  const freqSorted = new Float64Array(q);
  for (let i = 0, j = 0; i < n; i++) if (frequency[i] >= 2) freqSorted[j++] = frequency[i];
  freqSorted.sort();

  const columns: RfmColumns = {
    r: new Uint8Array(n),
    f: new Uint8Array(n),
    m: new Uint8Array(n),
    recencyPercent: new Uint8Array(n),
    monetaryPercent: new Uint8Array(n),
    frequencyPercent: new Uint8Array(n),
  };
  // Recency and frequency take few distinct values (whole days, order counts): their ranks
  // are looked up once per value; monetary amounts are mostly distinct and searched each time.
  const recencyRank = new Map<number, number>();
  const frequencyRank = new Map<number, number>();
  const monetaryLess = monetaryRanks(monetaryMinor, monSorted);
  for (let i = 0; i < n; i++) {
    let kR = recencyRank.get(recencyDays[i]);
    if (kR === undefined) recencyRank.set(recencyDays[i], (kR = n - countLessOrEqual(recSorted, recencyDays[i])));
    columns.r[i] = recencyScore(kR, n);
    columns.recencyPercent[i] = floorDiv(100 * kR, n - 1);
    const kM = monetaryLess[i];
    columns.m[i] = monetaryScore(kM, n);
    columns.monetaryPercent[i] = floorDiv(100 * kM, n - 1);
    if (frequency[i] >= 2) {
      let kF = frequencyRank.get(frequency[i]);
      if (kF === undefined) frequencyRank.set(frequency[i], (kF = countLess(freqSorted, frequency[i])));
      columns.f[i] = repeatFrequencyScore(kF, q);
      columns.frequencyPercent[i] = floorDiv(100 * kF, q - 1);
    } else {
      columns.f[i] = 1;
    }
  }
  return { columns, cutPoints: cutPointsFromSorted(recSorted, freqSorted, monSorted) };
}

/**
 * Per customer, how many amounts are strictly smaller (countLess on the sorted amounts): from
 * one stable radix ordering, the position of each value's first occurrence, instead of a binary
 * search per customer (a million of them, cache misses every step).
 */
function monetaryRanks(monetaryMinor: ArrayLike<number>, monSorted: Float64Array): Int32Array {
  const n = monetaryMinor.length;
  const less = new Int32Array(n);
  const order = ascendingOrder(monetaryMinor);
  if (!order) {
    for (let i = 0; i < n; i++) less[i] = countLess(monSorted, monetaryMinor[i]);
    return less;
  }
  let first = 0;
  for (let k = 0; k < n; k++) {
    // Equal values (0 and −0 included, as for <) share the rank of the first of them.
    if (k > 0 && monetaryMinor[order[k]] !== monetaryMinor[order[k - 1]]) first = k;
    less[order[k]] = first;
  }
  return less;
}

function cutPointsFromSorted(recAsc: ArrayLike<number>, freqAsc: ArrayLike<number>, monAsc: ArrayLike<number>): RfmCutPoints {
  const n = recAsc.length;
  const q = freqAsc.length;
  const recencyBelow: (number | null)[] = [];
  const monetaryAbove: (number | null)[] = [];
  const frequencyAbove: (number | null)[] = [];
  for (let s = 2; s <= 5; s++) {
    if (n < 2) {
      recencyBelow.push(null);
      monetaryAbove.push(null);
      continue;
    }
    // score >= s  iff  k >= ceil((s-1)(n-1)/5); with k = #strictly larger recency, that holds
    // iff the k-th largest recency is strictly larger than the customer's.
    const need = ceilDiv((s - 1) * (n - 1), 5);
    recencyBelow.push(recAsc[n - need]);
    monetaryAbove.push(monAsc[need - 1]);
  }
  for (let s = 3; s <= 5; s++) {
    if (q < 2) {
      frequencyAbove.push(null);
      continue;
    }
    const need = ceilDiv((s - 2) * (q - 1), 4);
    frequencyAbove.push(freqAsc[need - 1]);
  }
  return {
    population: n,
    repeatPopulation: q,
    recencyBelow,
    frequencyAbove,
    monetaryAbove,
    recencyQuantiles: quantiles(recAsc),
    monetaryQuantiles: quantiles(monAsc),
  };
}

export interface RfmScoreOne {
  r: Score;
  f: Score;
  m: Score;
  /** Approximate share of the shop's customers this one is more recent than (0..100). */
  recencyPercent: number;
  monetaryPercent: number;
}

/** Score one customer against stored cut points (same result as scoreRfm for a member of P). */
export function scoreWithCutPoints(cut: RfmCutPoints, recencyDays: number, frequency: number, monetaryMinor: number): RfmScoreOne {
  let r = 1;
  for (let s = 2; s <= 5; s++) {
    const t = cut.recencyBelow[s - 2];
    if (t !== null && recencyDays < t) r = s;
  }
  let m = 1;
  for (let s = 2; s <= 5; s++) {
    const t = cut.monetaryAbove[s - 2];
    if (t !== null && monetaryMinor > t) m = s;
  }
  let f = 1;
  if (frequency >= 2) {
    f = 2;
    for (let s = 3; s <= 5; s++) {
      const t = cut.frequencyAbove[s - 3];
      if (t !== null && frequency > t) f = s;
    }
  }
  const pct = (qs: number[], below: number) => (qs.length === 0 ? 0 : Math.min(100, Math.max(0, below)));
  const recQ = cut.recencyQuantiles;
  const monQ = cut.monetaryQuantiles;
  // Quantile j holds the value at j % of the sorted population, so counting quantiles gives a percentage.
  const recencyPercent = pct(recQ, recQ.length - countLessOrEqual(recQ, recencyDays) - 0);
  const monetaryPercent = pct(monQ, countLess(monQ, monetaryMinor));
  return { r: r as Score, f: f as Score, m: m as Score, recencyPercent, monetaryPercent };
}
