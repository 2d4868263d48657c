/**
 * Score a whole shop: facts → RFM → segment → BG/NBD + Gamma-Gamma (or the labelled
 * heuristic fallback) → churn, expected purchases, 12-month value. Returns per-customer
 * scores and a JSON-serialisable ShopModelState so one customer can be rescored later
 * (rescoreOne) with the shop's current cut points and parameters, without refitting.
 */
import {
  type BgNbdParams,
  churnProbability as bgChurn,
  compressTuples,
  expectedPurchasesIfAlive,
  fitBgNbd,
  pAlive as bgPAlive,
  type BgNbdFit,
} from "./bgnbd";
import { CLV_HORIZONS_DAYS, predictedClv12m } from "./clv";
import {
  type CustomerFacts,
  type FactsColumns,
  type OrderInput,
  computeCustomerFacts,
  factsColumnsFrom,
  getFactsRow,
  toMs,
} from "./customer-facts";
import { type Reason, reasonsFromScore } from "./explanations";
import { median } from "./median";
import { type GammaGammaParams, conditionalExpectedAverageSpend, fitGammaGamma, spendData } from "./gamma-gamma";
import { type RfmCutPoints, scoreRfm, scoreWithCutPoints } from "./rfm";
import { DEFAULT_SEGMENT_MAP, SEGMENT_KEYS, type SegmentKey, type SegmentMap, segmentFor } from "./segment-map";

export type ModelKind = "bgnbd" | "heuristic";
/** Which model produced churnProbability: the shop's churn champion (app/domain/churn/), or BG/NBD / the heuristic alone. */
export type ChurnModelKind = ModelKind | "supervised";

export const DEFAULT_HORIZON_DAYS = 90;
/** Below these the BG/NBD fit is too unstable to trust (docs/scoring.md, ADR 0004). */
export const MIN_CUSTOMERS_FOR_MODEL = 300;
export const MIN_REPEAT_CUSTOMERS_FOR_MODEL = 30;
/** Gamma-Gamma needs some repeat buyers with positive spend; below this use average order value. */
export const MIN_SPEND_CUSTOMERS_FOR_MODEL = 30;
/** Heuristic default typical gap when the shop has too few repeat buyers to measure one. */
export const DEFAULT_TYPICAL_GAP_DAYS = 90;
/** Heuristic: the chance a silent customer is still active halves every this many typical gaps. */
export const HEURISTIC_HALF_LIFE_GAPS = 3;

export interface ScoreOptions {
  asOf: Date | string;
  horizonDays?: number;
  segmentMap?: SegmentMap;
  minCustomers?: number;
  minRepeatCustomers?: number;
  /**
   * The BG/NBD decision already made for these same facts and options (bgNbdAndHeuristicState):
   * used instead of fitting BG/NBD again (a big shop's fit thread shares it with the champion's).
   */
  bgnbdDecision?: Pick<ShopModelState, "model" | "fallbackReason" | "bgnbd">;
}

export interface HeuristicParams {
  /** Median over repeat buyers of t_x / x: their typical days between purchase days. */
  typicalGapDays: number;
  /** How many repeat buyers the median came from (0 means the default was used). */
  measuredOn: number;
}

export interface ShopModelState {
  version: 1;
  asOf: string;
  horizonDays: number;
  model: ModelKind;
  /** Why the heuristic is in use (null when the BG/NBD model is). */
  fallbackReason: string | null;
  bgnbd: (BgNbdParams & { logLik: number; converged: boolean }) | null;
  /** Null when spend comes from each customer's own average order value. */
  gammaGamma: (GammaGammaParams & { customers: number; converged: boolean }) | null;
  spendModel: "gamma_gamma" | "average_order_value";
  heuristic: HeuristicParams;
  rfm: RfmCutPoints;
  segmentMap: SegmentMap;
  customers: number;
  repeatCustomers: number;
  /** The churn champion whose probabilities were applied (absent: churn came from `model`). */
  churnModel?: ChurnModelKind;
}

export interface CustomerScore extends CustomerFacts {
  r: number;
  f: number;
  m: number;
  segment: SegmentKey;
  pAlive: number;
  /** P(no purchase in the next horizonDays). */
  churnProbability: number;
  expectedPurchases90d: number;
  /** Expected purchases in the next horizonDays. */
  expectedPurchasesHorizon: number;
  /** Discounted expected 12-month spend, minor units (fractional). */
  predictedClv12mMinor: number;
  model: ModelKind;
  churnModel: ChurnModelKind;
  reasons: Reason[];
}

/** Per-customer results in columns, aligned with the FactsColumns they came from. */
export interface ScoreColumns {
  n: number;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into SEGMENT_KEYS. */
  segment: Uint8Array;
  recencyPercent: Uint8Array;
  frequencyPercent: Uint8Array;
  monetaryPercent: Uint8Array;
  pAlive: Float64Array;
  churnProbability: Float64Array;
  expectedPurchases90d: Float64Array;
  expectedPurchasesHorizon: Float64Array;
  predictedClv12mMinor: Float64Array;
}

const SEGMENT_INDEX = new Map<SegmentKey, number>(SEGMENT_KEYS.map((k, i) => [k, i]));

export function heuristicParams(facts: FactsColumns): HeuristicParams {
  let repeat = 0;
  for (let i = 0; i < facts.n; i++) if (facts.x[i] > 0) repeat++;
  if (repeat < 5) return { typicalGapDays: DEFAULT_TYPICAL_GAP_DAYS, measuredOn: 0 };
  const gaps = new Float64Array(repeat);
  for (let i = 0, j = 0; i < facts.n; i++) if (facts.x[i] > 0) gaps[j++] = facts.tx[i] / facts.x[i];
  return { typicalGapDays: Math.max(1, median(gaps)), measuredOn: repeat };
}

/** Heuristic P(still active): halves every HEURISTIC_HALF_LIFE_GAPS typical gaps of silence. */
export function heuristicPAlive(h: Pick<HeuristicParams, "typicalGapDays">, recencyDays: number): number {
  return Math.pow(0.5, Math.max(0, recencyDays) / (HEURISTIC_HALF_LIFE_GAPS * h.typicalGapDays));
}

interface ModelFit {
  model: ModelKind;
  fallbackReason: string | null;
  bgnbd: ShopModelState["bgnbd"];
  gammaGamma: ShopModelState["gammaGamma"];
}

/** Fit BG/NBD and Gamma-Gamma on a population's facts (time in days), or explain why not. */
/** Whether a shop's facts support BG/NBD: enough customers and repeat buyers, a converged, non-degenerate fit. */
export interface BgNbdDecision {
  /** The fit (null when too few customers or repeat buyers to try one). */
  fit: BgNbdFit | null;
  usable: boolean;
  /** Why it is not usable (null when it is). */
  reason: string | null;
  repeatCustomers: number;
}

export function decideBgNbd(
  facts: FactsColumns,
  opts: { minCustomers?: number; minRepeatCustomers?: number; fallback?: boolean; maxEvaluations?: number } = {},
): BgNbdDecision {
  const minCustomers = opts.minCustomers ?? MIN_CUSTOMERS_FOR_MODEL;
  const minRepeat = opts.minRepeatCustomers ?? MIN_REPEAT_CUSTOMERS_FOR_MODEL;
  let repeat = 0;
  for (let i = 0; i < facts.n; i++) if (facts.x[i] > 0) repeat++;
  const no = (fit: BgNbdFit | null, reason: string): BgNbdDecision => ({ fit, usable: false, reason, repeatCustomers: repeat });
  if (facts.n < minCustomers) return no(null, `only ${facts.n} customers (model needs ${minCustomers})`);
  if (repeat < minRepeat) return no(null, `only ${repeat} repeat customers (model needs ${minRepeat})`);
  const fit = fitBgNbd(compressTuples(facts.x, facts.tx, facts.T), { fallback: opts.fallback, maxEvaluations: opts.maxEvaluations });
  if (!fit.converged) return no(fit, "BG/NBD fit did not converge");
  // a = 1 is a removable singularity of the expected-purchases formula and a + b ≤ 1 makes its
  // hypergeometric argument invalid for one-time buyers; such fits describe no sensible shop.
  if (Math.abs(fit.params.a - 1) < 1e-6 || fit.params.a + fit.params.b <= 1.0001) return no(fit, "BG/NBD fit is degenerate (a ≈ 1 or a + b ≤ 1)");
  return { fit, usable: true, reason: null, repeatCustomers: repeat };
}

export function fitShopModels(facts: FactsColumns, opts: { minCustomers?: number; minRepeatCustomers?: number; bgnbdDecision?: ScoreOptions["bgnbdDecision"] } = {}): ModelFit {
  const spend = spendData(facts.x, facts.repeatDayMeanMinor);
  let gammaGamma: ShopModelState["gammaGamma"] = null;
  if (spend.count >= MIN_SPEND_CUSTOMERS_FOR_MODEL) {
    const gg = fitGammaGamma(spend);
    // q > 1 is needed for a finite mean spend; otherwise fall back to average order value.
    if (gg.converged && gg.params.q > 1) gammaGamma = { ...gg.params, customers: gg.customers, converged: gg.converged };
  }
  const d = opts.bgnbdDecision;
  return { ...(d ? { model: d.model, fallbackReason: d.fallbackReason, bgnbd: d.bgnbd } : bgNbdStateOf(decideBgNbd(facts, opts))), gammaGamma };
}

/** The state's BG/NBD fields from the decision. */
function bgNbdStateOf(d: BgNbdDecision): Pick<ShopModelState, "model" | "fallbackReason" | "bgnbd"> {
  const bgnbd = d.fit ? { ...d.fit.params, logLik: d.fit.logLik, converged: d.fit.converged } : null;
  return { model: d.usable ? "bgnbd" : "heuristic", fallbackReason: d.reason, bgnbd };
}

/**
 * The BG/NBD and heuristic fields of scoreFacts' state for the same facts and options, without
 * the rest of the scoring (what the churn champion reads: a thread can select it on its own).
 */
export function bgNbdAndHeuristicState(facts: FactsColumns, opts: { minCustomers?: number; minRepeatCustomers?: number } = {}): Pick<ShopModelState, "model" | "fallbackReason" | "bgnbd" | "heuristic"> {
  return { ...bgNbdStateOf(decideBgNbd(facts, opts)), heuristic: heuristicParams(facts) };
}

/**
 * Model part of one customer's score given the shop state: pAlive, churn, expectations, CLV.
 * `ifAliveCache` memoises the t_x-free part of the conditional expectation on (x, T).
 */
function modelScore(
  state: Pick<ShopModelState, "model" | "bgnbd" | "gammaGamma" | "heuristic" | "horizonDays">,
  f: CustomerFacts,
  ifAliveCache: Map<number, Float64Array> | null,
  out: { pAlive: number; churn: number; exp90: number; expH: number; clvMinor: number },
): void {
  const H = state.horizonDays;
  const aov = f.frequency > 0 ? f.monetaryMinor / f.frequency : 0;
  const spend = state.gammaGamma ? conditionalExpectedAverageSpend(state.gammaGamma, f.x, f.repeatDayMeanMinor) : aov;
  if (state.model === "bgnbd" && state.bgnbd) {
    const p = state.bgnbd;
    const alive = bgPAlive(p, f.x, f.tx, f.T);
    // Cache key: x and T are integer days in the app; fractional T still maps uniquely for T < 1e6.
    const key = f.x * 1e6 + f.T;
    let cum = ifAliveCache?.get(key);
    if (!cum) {
      cum = new Float64Array(CLV_HORIZONS_DAYS.length + 2);
      for (let i = 0; i < CLV_HORIZONS_DAYS.length; i++) cum[i] = expectedPurchasesIfAlive(p, f.x, f.T, CLV_HORIZONS_DAYS[i]);
      cum[CLV_HORIZONS_DAYS.length] = expectedPurchasesIfAlive(p, f.x, f.T, 90);
      cum[CLV_HORIZONS_DAYS.length + 1] = H === 90 ? cum[CLV_HORIZONS_DAYS.length] : expectedPurchasesIfAlive(p, f.x, f.T, H);
      ifAliveCache?.set(key, cum);
    }
    out.pAlive = alive;
    out.churn = bgChurn(p, f.x, f.tx, f.T, H);
    out.exp90 = alive * cum[CLV_HORIZONS_DAYS.length];
    out.expH = alive * cum[CLV_HORIZONS_DAYS.length + 1];
    out.clvMinor = alive * predictedClv12m(spend, cum);
  } else {
    const h = state.heuristic;
    const alive = heuristicPAlive(h, f.recencyDays);
    const rate = 1 / h.typicalGapDays; // purchases per day while active
    out.pAlive = alive;
    out.churn = 1 - alive + alive * Math.exp(-H * rate);
    out.exp90 = alive * 90 * rate;
    out.expH = alive * H * rate;
    const cum = CLV_HORIZONS_DAYS.map((t) => alive * t * rate);
    out.clvMinor = predictedClv12m(spend, cum);
  }
}

export interface ScoreFactsResult {
  columns: ScoreColumns;
  state: ShopModelState;
}

/** Score a population given as facts columns (every row has frequency ≥ 1). Time in days. */
export function scoreFacts(facts: FactsColumns, options: ScoreOptions): ScoreFactsResult {
  const asOf = new Date(toMs(options.asOf)).toISOString();
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!(horizonDays > 0)) throw new RangeError(`horizonDays must be > 0, got ${horizonDays}`);
  const segmentMap = options.segmentMap ?? DEFAULT_SEGMENT_MAP;
  const n = facts.n;
  const { columns: rfm, cutPoints } = scoreRfm(facts.recencyDays, facts.frequency, facts.monetaryMinor);
  const fit = fitShopModels(facts, options);
  let repeatCustomers = 0;
  for (let i = 0; i < n; i++) if (facts.frequency[i] >= 2) repeatCustomers++;
  const state: ShopModelState = {
    version: 1,
    asOf,
    horizonDays,
    model: fit.model,
    fallbackReason: fit.fallbackReason,
    bgnbd: fit.bgnbd,
    gammaGamma: fit.gammaGamma,
    spendModel: fit.gammaGamma ? "gamma_gamma" : "average_order_value",
    heuristic: heuristicParams(facts),
    rfm: cutPoints,
    segmentMap,
    customers: n,
    repeatCustomers,
  };
  const columns: ScoreColumns = {
    n,
    r: rfm.r,
    f: rfm.f,
    m: rfm.m,
    segment: new Uint8Array(n),
    recencyPercent: rfm.recencyPercent,
    frequencyPercent: rfm.frequencyPercent,
    monetaryPercent: rfm.monetaryPercent,
    pAlive: new Float64Array(n),
    churnProbability: new Float64Array(n),
    expectedPurchases90d: new Float64Array(n),
    expectedPurchasesHorizon: new Float64Array(n),
    predictedClv12mMinor: new Float64Array(n),
  };
  const cache = new Map<number, Float64Array>();
  const out = { pAlive: 0, churn: 0, exp90: 0, expH: 0, clvMinor: 0 };
  const row: CustomerFacts = { frequency: 0, recencyDays: 0, monetaryMinor: 0, x: 0, tx: 0, T: 0, repeatDayMeanMinor: 0 };
  for (let i = 0; i < n; i++) {
    columns.segment[i] = SEGMENT_INDEX.get(segmentFor(segmentMap, rfm.r[i], rfm.f[i]))!;
    row.frequency = facts.frequency[i];
    row.recencyDays = facts.recencyDays[i];
    row.monetaryMinor = facts.monetaryMinor[i];
    row.x = facts.x[i];
    row.tx = facts.tx[i];
    row.T = facts.T[i];
    row.repeatDayMeanMinor = facts.repeatDayMeanMinor[i];
    modelScore(state, row, cache, out);
    columns.pAlive[i] = out.pAlive;
    columns.churnProbability[i] = out.churn;
    columns.expectedPurchases90d[i] = out.exp90;
    columns.expectedPurchasesHorizon[i] = out.expH;
    columns.predictedClv12mMinor[i] = out.clvMinor;
  }
  return { columns, state };
}

function reasonsFor(
  f: CustomerFacts,
  s: { r: number; f: number; m: number; segment: SegmentKey; recencyPercent: number; frequencyPercent: number | null; monetaryPercent: number; pAlive: number; churn: number },
  state: ShopModelState,
): Reason[] {
  const churnModel = state.churnModel ?? state.model;
  // The same reasons a stored score's columns give back (reasonsFromScore).
  return reasonsFromScore({
    ...s,
    recencyDays: f.recencyDays,
    frequency: f.frequency,
    monetaryMinor: f.monetaryMinor,
    frequencyPercent: f.frequency >= 2 ? s.frequencyPercent : null,
    churnModel,
    churnProbability: s.churn,
    horizonDays: state.horizonDays,
    typicalGapDays: churnModel === "heuristic" ? state.heuristic.typicalGapDays : null,
  });
}

/** One customer's score object from the columns (with explanations). */
export function customerScoreAt(facts: FactsColumns, result: ScoreFactsResult, i: number): CustomerScore {
  const f = getFactsRow(facts, i);
  const c = result.columns;
  const segment = SEGMENT_KEYS[c.segment[i]];
  return {
    ...f,
    r: c.r[i],
    f: c.f[i],
    m: c.m[i],
    segment,
    pAlive: c.pAlive[i],
    churnProbability: c.churnProbability[i],
    expectedPurchases90d: c.expectedPurchases90d[i],
    expectedPurchasesHorizon: c.expectedPurchasesHorizon[i],
    predictedClv12mMinor: c.predictedClv12mMinor[i],
    model: result.state.model,
    churnModel: result.state.churnModel ?? result.state.model,
    reasons: reasonsFor(
      f,
      {
        r: c.r[i],
        f: c.f[i],
        m: c.m[i],
        segment,
        recencyPercent: c.recencyPercent[i],
        frequencyPercent: c.frequencyPercent[i],
        monetaryPercent: c.monetaryPercent[i],
        pAlive: c.pAlive[i],
        churn: c.churnProbability[i],
      },
      result.state,
    ),
  };
}

export interface ShopCustomerInput {
  customerId: string;
  orders: readonly OrderInput[];
}

export interface ScoreShopResult {
  /** One entry per customer with at least one counted order before asOf. */
  scores: (CustomerScore & { customerId: string })[];
  state: ShopModelState;
}

/** Convenience entry point over plain objects (tests and checks; the recompute job scores columnar facts with scoreFacts). */
export function scoreShop(customers: readonly ShopCustomerInput[], options: ScoreOptions): ScoreShopResult {
  const ids: string[] = [];
  const rows: CustomerFacts[] = [];
  for (const c of customers) {
    const f = computeCustomerFacts(c.orders, options.asOf);
    if (f) {
      ids.push(c.customerId);
      rows.push(f);
    }
  }
  const facts = factsColumnsFrom(rows);
  const result = scoreFacts(facts, options);
  return { scores: ids.map((customerId, i) => ({ customerId, ...customerScoreAt(facts, result, i) })), state: result.state };
}

/**
 * Rescore one customer (e.g. after a new order) against the shop's stored state: RFM from the
 * stored cut points, churn/value from the stored parameters, facts at the new asOf. No refit.
 * Percentages in the explanations are approximate (from stored quantiles).
 */
export function rescoreOne(facts: CustomerFacts, state: ShopModelState, asOf: Date | string): CustomerScore {
  void toMs(asOf); // validates; facts already encode asOf (recencyDays, T), computed by the caller
  const rfm = scoreWithCutPoints(state.rfm, facts.recencyDays, facts.frequency, facts.monetaryMinor);
  const segment = segmentFor(state.segmentMap, rfm.r, rfm.f);
  const out = { pAlive: 0, churn: 0, exp90: 0, expH: 0, clvMinor: 0 };
  modelScore(state, facts, null, out);
  return {
    ...facts,
    r: rfm.r,
    f: rfm.f,
    m: rfm.m,
    segment,
    pAlive: out.pAlive,
    churnProbability: out.churn,
    expectedPurchases90d: out.exp90,
    expectedPurchasesHorizon: out.expH,
    predictedClv12mMinor: out.clvMinor,
    model: state.model,
    churnModel: state.model,
    reasons: reasonsFor(
      facts,
      { ...rfm, segment, frequencyPercent: null, pAlive: out.pAlive, churn: out.churn },
      { ...state, churnModel: undefined },
    ),
  };
}

/** Rescore one customer from raw orders: computes facts at asOf, then rescoreOne. Null if no order before asOf. */
export function rescoreOneFromOrders(orders: readonly OrderInput[], state: ShopModelState, asOf: Date | string): CustomerScore | null {
  const f = computeCustomerFacts(orders, asOf);
  return f ? rescoreOne(f, state, asOf) : null;
}

/** A score with its churn probability replaced by another model's (the shop's churn champion), its explanation too. */
export function withChurn(score: CustomerScore, churnProbability: number, churnModel: ChurnModelKind, state: ShopModelState): CustomerScore {
  return {
    ...score,
    churnProbability,
    churnModel,
    reasons: score.reasons.map((r) =>
      r.kind === "churn"
        ? { ...r, model: churnModel, probability: churnProbability, typicalGapDays: churnModel === "heuristic" ? state.heuristic.typicalGapDays : null }
        : r,
    ),
  };
}
