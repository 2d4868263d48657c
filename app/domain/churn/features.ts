/**
 * Time-split training rows for the supervised churn model (docs/scoring.md, "Churn champion").
 *
 * A *cut* c is an instant; a *window* w is a number of days. Every customer with an order
 * strictly before c gives one row: features at c computed only from the orders strictly before
 * c (the same facts a recompute at c would see, plus a BG/NBD fit on those facts), and the label
 * 1 ("churned") when the customer has no order in [c, c + w). Nothing at or after c enters a
 * feature, so a row never sees its own label window.
 *
 * Features (raw; the logistic model standardises them), with the facts of docs/scoring.md:
 *  - log_frequency              ln(1 + frequency)                 orders before c
 *  - log_recency_days           ln(1 + recencyDays)               days since the last order
 *  - log_age_days               ln(1 + T)                         days since the first purchase day
 *  - log_avg_order_value        ln(1 + monetary/frequency)        average order, currency units
 *  - log_mean_gap_days          ln(1 + t_x/x), 0 when x = 0       the customer's own mean gap between purchase days
 *  - recency_over_gap           min(10, recencyDays/(t_x/x)), 0 when x = 0: silence in units of the own gap
 *  - repeat_buyer               1 when x > 0 (two or more purchase days), else 0
 *  - log_total_spend            ln(1 + monetary)                  currency units
 *  - logit_bgnbd_no_purchase    logit of BG/NBD P(no purchase in the next w days) (clipped at 1e-6)
 *  - log_bgnbd_expected         ln(1 + E[Y(w) | x, t_x, T]), BG/NBD expected purchases in w days
 *  - bgnbd_p_alive              BG/NBD P(alive) (1 for x = 0)
 *  - log_window_days            ln(w): lets one model learn how churn grows with the window
 * The BG/NBD outputs come from a fit on the facts at c (compressTuples + fitBgNbd, as
 * fitShopModels in score-shop.ts does), so they are features at c too. Where the shop's BG/NBD
 * fit is not usable (no convergence, degenerate) the heuristic's outputs take their place
 * (HEURISTIC_FEATURE_NAMES), with its typical gap measured at c.
 */
import {
  type BgNbdParams,
  churnProbability as bgChurn,
  expectedPurchasesIfAlive,
  pAlive as bgPAlive,
} from "../bgnbd";
import { type CustomerFacts, type FactsColumns, MS_PER_DAY } from "../customer-facts";
import { factsFromGroupedOrders, type GroupedOrders } from "../population-facts";
import { decideBgNbd, heuristicParams, heuristicPAlive } from "../score-shop";
import { logit } from "./calibration";

/** The features with the BG/NBD outputs (the shop's BG/NBD fit is usable). */
export const FEATURE_NAMES = [
  "log_frequency",
  "log_recency_days",
  "log_age_days",
  "log_avg_order_value",
  "log_mean_gap_days",
  "recency_over_gap",
  "repeat_buyer",
  "log_total_spend",
  "logit_bgnbd_no_purchase",
  "log_bgnbd_expected",
  "bgnbd_p_alive",
  "log_window_days",
] as const;
/**
 * The same with the heuristic's outputs in place of BG/NBD's, for shops whose BG/NBD fit does
 * not converge or is degenerate: heuristic P(no purchase in w), P(active)·w/g, P(active).
 */
export const HEURISTIC_FEATURE_NAMES = [
  ...FEATURE_NAMES.slice(0, 8),
  "logit_heuristic_no_purchase",
  "log_heuristic_expected",
  "heuristic_p_active",
  "log_window_days",
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Cap of recency_over_gap: ten own gaps of silence and more look the same. */
export const RECENCY_GAP_CAP = 10;

/** Where the three model-output features come from. */
export type FeatureSource = { kind: "bgnbd"; params: BgNbdParams } | { kind: "heuristic"; gapDays: number };

export function featureNamesOf(kind: FeatureSource["kind"]): readonly string[] {
  return kind === "bgnbd" ? FEATURE_NAMES : HEURISTIC_FEATURE_NAMES;
}

/**
 * One customer's feature vector into out[offset .. offset + FEATURE_COUNT).
 * `expectedIfAlive` is BG/NBD's E[Y(w)]/P(alive) for this (x, T), when the caller caches it.
 */
export function writeFeatures(f: CustomerFacts, src: FeatureSource, windowDays: number, out: Float64Array, offset: number, expectedIfAlive?: number): void {
  const gap = f.x > 0 ? f.tx / f.x : 0;
  const money = Math.max(0, f.monetaryMinor) / 100;
  out[offset] = Math.log1p(f.frequency);
  out[offset + 1] = Math.log1p(Math.max(0, f.recencyDays));
  out[offset + 2] = Math.log1p(f.T);
  out[offset + 3] = Math.log1p(f.frequency > 0 ? money / f.frequency : 0);
  out[offset + 4] = Math.log1p(gap);
  out[offset + 5] = f.x > 0 ? Math.min(RECENCY_GAP_CAP, Math.max(0, f.recencyDays) / Math.max(gap, 1e-9)) : 0;
  out[offset + 6] = f.x > 0 ? 1 : 0;
  out[offset + 7] = Math.log1p(money);
  if (src.kind === "bgnbd") {
    const bg = src.params;
    const alive = bgPAlive(bg, f.x, f.tx, f.T);
    const ifAlive = expectedIfAlive ?? expectedPurchasesIfAlive(bg, f.x, f.T, windowDays);
    out[offset + 8] = logit(bgChurn(bg, f.x, f.tx, f.T, windowDays));
    out[offset + 9] = Math.log1p(Math.max(0, alive * ifAlive));
    out[offset + 10] = alive;
  } else {
    const active = heuristicPActive(src.gapDays, f.recencyDays);
    out[offset + 8] = logit(1 - active + active * Math.exp(-windowDays / src.gapDays));
    out[offset + 9] = Math.log1p((active * windowDays) / src.gapDays);
    out[offset + 10] = active;
  }
  out[offset + 11] = Math.log(windowDays);
}

/**
 * Feature rows (row-major, FEATURE_COUNT per row) for every facts row, or only for the facts
 * rows listed in `subset` (written consecutively). E[Y(w)]/P(alive) is cached on (x, T).
 */
export function featureMatrix(facts: FactsColumns, src: FeatureSource, windowDays: number, subset?: Int32Array): Float64Array {
  const n = subset ? subset.length : facts.n;
  const out = new Float64Array(n * FEATURE_COUNT);
  const cache = new Map<number, number>();
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k] : k;
    row.frequency = facts.frequency[i];
    row.recencyDays = facts.recencyDays[i];
    row.monetaryMinor = facts.monetaryMinor[i];
    row.x = facts.x[i];
    row.tx = facts.tx[i];
    row.T = facts.T[i];
    let ifAlive: number | undefined;
    if (src.kind === "bgnbd") {
      const key = row.x * 1e6 + row.T;
      ifAlive = cache.get(key);
      if (ifAlive === undefined) {
        ifAlive = expectedPurchasesIfAlive(src.params, row.x, row.T, windowDays);
        cache.set(key, ifAlive);
      }
    }
    writeFeatures(row, src, windowDays, out, k * FEATURE_COUNT, ifAlive);
  }
  return out;
}

/** Typical gap of the app's heuristic (score-shop.ts): median t_x/x over repeat buyers. */
export function heuristicGapDays(facts: FactsColumns): number {
  return heuristicParams(facts).typicalGapDays;
}

/**
 * score-shop.ts's heuristic churn (modelScore there): P(active) = 0.5^(recency/(3g)),
 * churn = 1 − P(active) + P(active)·e^(−w/g).
 */
export function heuristicChurn(gapDays: number, recencyDays: number, windowDays: number): number {
  const active = heuristicPActive(gapDays, recencyDays);
  const rate = 1 / gapDays; // written as score-shop.ts does, so the two agree to the last bit
  return 1 - active + active * Math.exp(-windowDays * rate);
}

/** The app's heuristic P(active) (score-shop.ts's heuristicPAlive). */
export function heuristicPActive(gapDays: number, recencyDays: number): number {
  return heuristicPAlive({ typicalGapDays: gapDays }, recencyDays);
}

/** Everything known at a cut: facts, the first order at or after it (for labels), the fits. */
export interface CutSnapshot {
  cutMs: number;
  facts: FactsColumns;
  /** Facts row → customer index in the grouped orders. */
  customerIndex: Int32Array;
  /** Per facts row: the first order instant at or after the cut (Infinity when none). Labels only. */
  nextOrderMs: Float64Array;
  /** BG/NBD fitted on the facts at the cut; null when the shop's rule would not use it. */
  bgnbd: BgNbdParams | null;
  /** Why bgnbd is null. */
  bgnbdReason: string | null;
  /** The heuristic's typical gap at the cut. */
  gapDays: number;
  repeatCustomers: number;
}

export interface SnapshotOptions {
  minCustomers?: number;
  minRepeatCustomers?: number;
}

/**
 * Likelihood evaluations a quick fit may take. On the 1,000,000-customer bench store the
 * converged fits at the cuts took 68–1,047; on cuts without a dropout signal BFGS walked the
 * ridge (a, b → ∞ with a/b fixed) for 2,577 and 6,406 evaluations, up to 25 s, and did not
 * converge either way.
 */
export const QUICK_FIT_MAX_EVALUATIONS = 1_500;

/**
 * BG/NBD on the facts at a cut, judged exactly as the app judges it (decideBgNbd in
 * score-shop.ts: same thresholds and reason texts). With `quick`, fitBgNbd's Nelder-Mead
 * fallback is skipped and a BFGS that does not converge within QUICK_FIT_MAX_EVALUATIONS
 * counts as "did not converge": the fallback, or a BFGS along a flat ridge, can take seconds
 * on data without a dropout signal, too slow to repeat at every cut.
 */
export function fitUsableBgNbd(facts: FactsColumns, opts: SnapshotOptions & { quick?: boolean } = {}): { params: BgNbdParams | null; reason: string | null; repeat: number } {
  const d = decideBgNbd(facts, { ...opts, fallback: !opts.quick, maxEvaluations: opts.quick ? QUICK_FIT_MAX_EVALUATIONS : undefined });
  return { params: d.usable ? d.fit!.params : null, reason: d.reason, repeat: d.repeatCustomers };
}

function countRepeat(facts: FactsColumns): number {
  let repeat = 0;
  for (let i = 0; i < facts.n; i++) if (facts.x[i] > 0) repeat++;
  return repeat;
}

/**
 * `fit: false` skips the BG/NBD fit (bgnbd null, reason "not fitted"), for shops that do not
 * use it; `quick` fits without the Nelder-Mead fallback (see fitUsableBgNbd).
 */
export function snapshotAt(orders: GroupedOrders, cutMs: number, opts: SnapshotOptions & { fit?: boolean; quick?: boolean } = {}): CutSnapshot {
  const { facts, customerIndex } = factsFromGroupedOrders(orders, new Date(cutMs));
  const nextOrderMs = new Float64Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    const c = customerIndex[i];
    let next = Number.POSITIVE_INFINITY;
    // Orders are sorted by time: skip the ones before the cut (the facts are built from them).
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) {
      if (orders.timesMs[k] >= cutMs) {
        next = orders.timesMs[k];
        break;
      }
    }
    nextOrderMs[i] = next;
  }
  const fit = opts.fit === false ? { params: null, reason: "not fitted", repeat: countRepeat(facts) } : fitUsableBgNbd(facts, opts);
  return {
    cutMs,
    facts,
    customerIndex,
    nextOrderMs,
    bgnbd: fit.params,
    bgnbdReason: fit.reason,
    gapDays: heuristicGapDays(facts),
    repeatCustomers: fit.repeat,
  };
}

/** Labels for window w at the snapshot's cut: 1 = no order in [c, c + w). */
export function churnLabels(s: CutSnapshot, windowDays: number, out = new Uint8Array(s.facts.n)): Uint8Array {
  const end = s.cutMs + windowDays * MS_PER_DAY;
  for (let i = 0; i < s.facts.n; i++) out[i] = s.nextOrderMs[i] >= end ? 1 : 0;
  return out;
}

export interface TimeSplitRows {
  cutMs: number;
  windowDays: number;
  /** Which model's outputs fill the three model features (see featureNamesOf). */
  source: FeatureSource["kind"];
  rows: number;
  /** Row-major rows × FEATURE_COUNT. */
  x: Float64Array;
  y: Uint8Array;
  customerIndex: Int32Array;
}

/**
 * Rows of one (cut, window), with the BG/NBD outputs when BG/NBD is usable at the cut and the
 * heuristic's otherwise (or always, with source "heuristic").
 */
export function timeSplitRows(orders: GroupedOrders, cutMs: number, windowDays: number, opts: SnapshotOptions & { source?: FeatureSource["kind"] } = {}): TimeSplitRows {
  const s = snapshotAt(orders, cutMs, opts);
  const src = sourceAt(s, opts.source ?? "bgnbd");
  return {
    cutMs,
    windowDays,
    source: src.kind,
    rows: s.facts.n,
    x: featureMatrix(s.facts, src, windowDays),
    y: churnLabels(s, windowDays),
    customerIndex: s.customerIndex,
  };
}

/** The feature source at a snapshot: BG/NBD when asked for and usable there, else the heuristic. */
export function sourceAt(s: CutSnapshot, kind: FeatureSource["kind"]): FeatureSource {
  return kind === "bgnbd" && s.bgnbd ? { kind: "bgnbd", params: s.bgnbd } : { kind: "heuristic", gapDays: s.gapDays };
}
