/**
 * Per-shop churn champion (docs/scoring.md, "Churn champion"; ADR 0010).
 *
 * Challengers for P(no purchase in the next H days):
 *  - "bgnbd": the shop's BG/NBD churnProbability (score-shop.ts);
 *  - "supervised": L2 logistic regression on time-split rows of the shop's own history
 *    (features.ts), trained only on label windows that ended before the evaluation window;
 *  - "heuristic": score-shop.ts's recency rule;
 *  - "recency" (days since the last order) is reported as a baseline (AUC only, not a probability).
 * Every challenger is calibrated on held-out rows (the latest training cut of each window, never
 * used to fit the supervised model), by Platt or, where clearly better out of time, isotonic
 * regression; the champion is the one with the lowest log-loss on an out-of-time window
 * [asOf − w, asOf) that no training or calibration row saw, and differences within noise (two
 * standard errors of the paired per-customer differences) go to the higher AUC. Small shops keep
 * the labelled heuristic.
 *
 * Protocol (all times in whole days from asOf; L = days from the shop's first order to asOf;
 * docs/scoring.md, "Churn champion", has the full text):
 *  - "horizon" mode when L ≥ 2H + round(s) + 30 (s = max(7, H/3)): every row uses w = H and the
 *    evaluation window is [asOf − H, asOf);
 *  - "short" mode otherwise: evaluation window w_e = min(H, floor((L − 30)/3)); rows of the
 *    windows w_e/3, 2w_e/3, w_e are mixed (log w is a feature, and the BG/NBD outputs are for
 *    each row's own w); the production model is trained on w_p/3, 2w_p/3, w_p with
 *    w_p = min(H, floor((L − 30)/2)) and applied at H, an extrapolation the `note` states;
 *  - cuts lie on a grid asOf − round(k·s) days (s = max(7, w_e/3), so asOf − w_e and asOf − 2w_e
 *    are cuts), at least 30 days after the first order, at most 8 of them (the latest); a cut c
 *    whose BG/NBD fit is not usable takes the latest usable one of an earlier cut; a cut c with window w gives rows only if
 *    c + w ≤ the boundary (the evaluation cut while measuring, asOf for the production model);
 *  - per window, the latest such cut is the calibration cut (Platt rows; also picks λ), the
 *    other cuts are fit rows.
 */
import { ascendingOrder, ascendingOrderFrom } from "../ascending-order";
import { churnProbability as bgChurn, type BgNbdParams } from "../bgnbd";
import { type CustomerFacts, type FactsColumns, MS_PER_DAY } from "../customer-facts";
import { type CalibrationDecile, calibrationDeciles } from "../deciles";
import { type GroupedOrders, MAX_BACKTEST_CUSTOMERS, factsFromGroupedOrders, keepByHash, sampleCustomers } from "../population-facts";
import { MIN_CUSTOMERS_FOR_MODEL, MIN_REPEAT_CUSTOMERS_FOR_MODEL, type ShopModelState, scoreFacts } from "../score-shop";
import { applyCalibration, type Calibration, type CalibrationKind, fitCalibration } from "./calibration";
import {
  type CutSnapshot,
  FEATURE_COUNT,
  type FeatureSource,
  churnLabels,
  featureMatrix,
  featureNamesOf,
  heuristicChurn,
  snapshotAt,
  sourceAt,
  writeFeatures,
} from "./features";
import { type Design, type LogisticModel, fitLogistic, linearPredictor, predictLogistic, sigmoid } from "./logistic";
import { brier, expectedCalibrationError, logLoss, logLossTerms, rocAuc } from "./metrics";

export type ChurnModelName = "bgnbd" | "supervised" | "heuristic";

/** The part of a shop's fit (scoreFacts' ShopModelState) that selecting and applying a champion reads. */
export type ChampionFit = Pick<ShopModelState, "model" | "fallbackReason" | "bgnbd" | "heuristic">;

export interface ChurnMetrics {
  model: ChurnModelName | "recency";
  customers: number;
  churned: number;
  auc: number | null;
  logLoss: number | null;
  brier: number | null;
  ece: number | null;
  /** The calibration the probabilities went through (absent for the recency ranking and unavailable rows). */
  calibration?: CalibrationKind;
  /**
   * Calibration by decile of the (calibrated) probabilities on the out-of-time window: mean
   * predicted vs share churned (deciles.ts). Absent for the recency ranking, unavailable rows
   * and states stored before it existed.
   */
  deciles?: CalibrationDecile[];
}

export interface ChurnChampionState {
  version: 1;
  asOf: string;
  horizonDays: number;
  /** Window of the out-of-time check (H, or shorter when the history is short: see `note`). */
  windowDays: number;
  champion: ChurnModelName;
  reason: string;
  note: string | null;
  /** ISO instants of the backtest's cuts, oldest first; the last one is the evaluation cut. */
  cuts: string[];
  backtest: ChurnMetrics[];
  supervised: { featureNames: string[]; means: number[]; scales: number[]; weights: number[]; bias: number; lambda: number } | null;
  calibration: Calibration | null;
}

/** Days of history before the first cut (so a cut has customers with some past). */
export const MIN_CUT_AGE_DAYS = 30;
/** The shortest evaluation window worth measuring. */
export const MIN_WINDOW_DAYS = 14;
export const MAX_TRAINING_CUTS = 8;
/** A backtest needs this many evaluated customers, and this many of each class (there and in the training and calibration rows). */
export const MIN_BACKTEST_ROWS = 100;
export const MIN_CLASS_ROWS = 20;
/** Fit rows beyond this are thinned deterministically (the fit's cost is linear in rows). */
export const MAX_FIT_ROWS = 50_000;
export const MAX_CALIBRATION_ROWS = 100_000;
/** λ candidates, picked by log-loss on the calibration rows (standardised features). */
export const LAMBDA_GRID = [1e-1, 1e-2, 1e-3] as const;
export const LOG_LOSS_TIE = 1e-4;
/** Log-loss differences within this many standard errors (paired, per customer) are ties. */
export const TIE_STANDARD_ERRORS = 2;
/** Calibrations tried for every challenger on the backtest, simplest first (a later one must clearly win). */
const CALIBRATIONS: readonly CalibrationKind[] = ["platt", "isotonic"];

const CHALLENGERS: readonly ChurnModelName[] = ["bgnbd", "supervised", "heuristic"];

interface Plan {
  mode: "horizon" | "short";
  historyDays: number;
  evalWindow: number;
  selectionWindows: number[];
  productionWindows: number[];
  stepDays: number;
}

/** w/3, 2w/3 and w (days; the shortest at least 7). */
function threeWindows(w: number): number[] {
  return [...new Set([Math.max(7, Math.round(w / 3)), Math.max(7, Math.round((2 * w) / 3)), w])];
}

/** Grid spacing: a third of the evaluation window (at least 7 days), so asOf − w_e and asOf − 2w_e are cuts. */
const stepFor = (w: number) => Math.max(7, w / 3);

function planFor(horizonDays: number, historyDays: number): Plan | string {
  const H = horizonDays;
  // Horizon mode needs the evaluation window, a calibration cut and one fit cut before it,
  // each H long, one step apart, after the first MIN_CUT_AGE_DAYS.
  if (historyDays >= 2 * H + Math.round(stepFor(H)) + MIN_CUT_AGE_DAYS) {
    return { mode: "horizon", historyDays, evalWindow: H, selectionWindows: [H], productionWindows: [H], stepDays: stepFor(H) };
  }
  const evalWindow = Math.min(H, Math.floor((historyDays - MIN_CUT_AGE_DAYS) / 3));
  if (evalWindow < MIN_WINDOW_DAYS) {
    return `only ${historyDays} days of order history: too short for an out-of-time check (needs ${3 * MIN_WINDOW_DAYS + MIN_CUT_AGE_DAYS})`;
  }
  const productionWindow = Math.min(H, Math.floor((historyDays - MIN_CUT_AGE_DAYS) / 2));
  return {
    mode: "short",
    historyDays,
    evalWindow,
    selectionWindows: threeWindows(evalWindow),
    productionWindows: threeWindows(productionWindow),
    stepDays: stepFor(evalWindow),
  };
}

function firstOrderMs(orders: GroupedOrders, beforeMs: number): number {
  let first = Number.POSITIVE_INFINITY;
  const customers = orders.offsets.length - 1;
  for (let c = 0; c < customers; c++) {
    const k = orders.offsets[c];
    if (k < orders.offsets[c + 1] && orders.timesMs[k] < first && orders.timesMs[k] < beforeMs) first = orders.timesMs[k];
  }
  return first;
}

/** Snapshots are shared between the measuring and the production rows (one BG/NBD fit per cut). */
class Snapshots {
  private cache = new Map<number, CutSnapshot>();
  /** Fit BG/NBD at new cuts (off once the shop is known not to use it: a failing fit is slow). */
  fit = true;
  constructor(
    private orders: GroupedOrders,
    private asOfMs: number,
    private opts: { minCustomers?: number; minRepeatCustomers?: number },
    /** The app's own decision at asOf (same facts, same rule), reused rather than refitted. */
    private asOfFit?: { params: BgNbdParams | null; reason: string | null },
  ) {}
  at(ms: number): CutSnapshot {
    let s = this.cache.get(ms);
    if (!s && ms === this.asOfMs && this.asOfFit) {
      s = { ...snapshotAt(this.orders, ms, { ...this.opts, fit: false }), bgnbd: this.asOfFit.params, bgnbdReason: this.asOfFit.reason };
      this.cache.set(ms, s);
    }
    if (!s) {
      // asOf itself gets the app's exact fit (fitBgNbd with its fallback); the cuts the quick one.
      s = snapshotAt(this.orders, ms, { ...this.opts, fit: this.fit, quick: ms !== this.asOfMs });
      this.cache.set(ms, s);
    }
    return s;
  }
}

interface RowSet {
  /** Per (cut, window) block. */
  blocks: { snap: CutSnapshot; windowDays: number; calibration: boolean; source: FeatureSource }[];
}

/** The (cut, window) blocks with c + w ≤ boundary, and which of them are calibration blocks. */
/** The k-th cut of the grid: the start of asOf's UTC day − round(k·step) whole days. */
const gridCut = (gridMs: number, plan: Plan, k: number) => gridMs - Math.round(k * plan.stepDays) * MS_PER_DAY;

function blocksFor(snaps: Snapshots, gridMs: number, firstMs: number, plan: Plan, boundaryMs: number, windows: number[], kind: FeatureSource["kind"]): RowSet {
  const minW = Math.min(...windows);
  const earliest = firstMs + MIN_CUT_AGE_DAYS * MS_PER_DAY;
  const cuts: { c: number; k: number }[] = [];
  for (let k = 1; ; k++) {
    const c = gridCut(gridMs, plan, k);
    if (c < earliest) break;
    if (c + minW * MS_PER_DAY > boundaryMs) continue;
    cuts.push({ c, k });
    if (cuts.length >= MAX_TRAINING_CUTS) break;
  }
  // BG/NBD parameters for a cut: its own fit, or where that is not usable the latest usable fit
  // of an earlier grid cut (fitted on even older data, so still nothing at or after the cut).
  const paramsAt = (k: number): BgNbdParams | null => {
    for (let j = k; gridCut(gridMs, plan, j) >= earliest; j++) {
      const p = snaps.at(gridCut(gridMs, plan, j)).bgnbd;
      if (p) return p;
    }
    return null;
  };
  const blocks: RowSet["blocks"] = [];
  for (const w of windows) {
    let latest = true;
    for (const { c, k } of cuts) {
      if (c + w * MS_PER_DAY > boundaryMs) continue;
      const snap = snaps.at(c);
      let source: FeatureSource = { kind: "heuristic", gapDays: snap.gapDays };
      if (kind === "bgnbd") {
        const params = paramsAt(k);
        if (!params) continue; // no usable BG/NBD at or before this cut
        source = { kind: "bgnbd", params };
      }
      blocks.push({ snap, windowDays: w, calibration: latest, source });
      latest = false;
    }
  }
  return { blocks };
}

function designOf(blocks: RowSet["blocks"], maxRows: number): Design {
  let total = 0;
  for (const b of blocks) total += b.snap.facts.n;
  const fraction = total > maxRows ? maxRows / total : 1;
  // Thin first (deterministically), then compute features only for the kept rows.
  const kept = blocks.map((b, bi) => {
    const n = b.snap.facts.n;
    if (fraction >= 1) return null;
    const idx = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) if (keepByHash(bi + 1, i, fraction)) idx[k++] = i;
    return idx.subarray(0, k);
  });
  let rows = 0;
  for (let bi = 0; bi < blocks.length; bi++) rows += kept[bi]?.length ?? blocks[bi].snap.facts.n;
  const x = new Float64Array(rows * FEATURE_COUNT);
  const y = new Uint8Array(rows);
  let o = 0;
  blocks.forEach((b, bi) => {
    const idx = kept[bi] ?? undefined;
    x.set(featureMatrix(b.snap.facts, b.source, b.windowDays, idx), o * FEATURE_COUNT);
    const labels = churnLabels(b.snap, b.windowDays);
    const n = idx ? idx.length : labels.length;
    for (let k = 0; k < n; k++) y[o + k] = labels[idx ? idx[k] : k];
    o += n;
  });
  return { rows, cols: FEATURE_COUNT, x, y };
}

/** Uncalibrated probabilities of a non-supervised challenger on one (cut, window) block. */
function baseProbabilities(name: "bgnbd" | "heuristic", snap: CutSnapshot, w: number, source: FeatureSource): Float64Array {
  const f = snap.facts;
  const out = new Float64Array(f.n);
  if (name === "bgnbd") {
    if (source.kind !== "bgnbd") throw new Error("BG/NBD probabilities without BG/NBD parameters");
    const p = source.params;
    for (let i = 0; i < f.n; i++) out[i] = bgChurn(p, f.x[i], f.tx[i], f.T[i], w);
  } else {
    for (let i = 0; i < f.n; i++) out[i] = heuristicChurn(snap.gapDays, f.recencyDays[i], w);
  }
  return out;
}

function concatBlocks(blocks: RowSet["blocks"], name: "bgnbd" | "heuristic" | "labels"): { p: Float64Array; y: Uint8Array } {
  let n = 0;
  for (const b of blocks) n += b.snap.facts.n;
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  let o = 0;
  for (const b of blocks) {
    if (name !== "labels") p.set(baseProbabilities(name, b.snap, b.windowDays, b.source), o);
    y.set(churnLabels(b.snap, b.windowDays), o);
    o += b.snap.facts.n;
  }
  return { p, y };
}

function countPositives(y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}

function classesOk(y: Uint8Array, minRows: number): boolean {
  const pos = countPositives(y);
  return y.length >= minRows && pos >= MIN_CLASS_ROWS && y.length - pos >= MIN_CLASS_ROWS;
}

interface SupervisedFit {
  model: LogisticModel;
  /** Uncalibrated probabilities and labels of the calibration rows (the calibrators are fitted on them). */
  calP: Float64Array;
  calY: Uint8Array;
}

/** Fit on the fit blocks (λ by calibration log-loss, warm-started from large to small λ). */
function fitSupervised(set: RowSet, fixedLambda: number | null): SupervisedFit | string {
  const fitDesign = designOf(
    set.blocks.filter((b) => !b.calibration),
    MAX_FIT_ROWS,
  );
  const calDesign = designOf(
    set.blocks.filter((b) => b.calibration),
    MAX_CALIBRATION_ROWS,
  );
  if (!classesOk(fitDesign.y, MIN_BACKTEST_ROWS)) return `too few training rows (${fitDesign.rows}, ${countPositives(fitDesign.y)} churned)`;
  if (!classesOk(calDesign.y, MIN_BACKTEST_ROWS)) return `too few calibration rows (${calDesign.rows}, ${countPositives(calDesign.y)} churned)`;
  const lambdas = fixedLambda === null ? LAMBDA_GRID : [fixedLambda];
  let best: { model: LogisticModel; loss: number; p: Float64Array } | null = null;
  let start: number[] | undefined;
  for (const lambda of lambdas) {
    const fit = fitLogistic(fitDesign, { lambda, start });
    start = [fit.bias, ...fit.weights];
    const p = predictLogistic(fit, calDesign.x, calDesign.rows);
    const loss = logLoss(p, calDesign.y)!;
    if (!best || loss < best.loss - 1e-9) best = { model: fit, loss, p };
  }
  const model: LogisticModel = { means: best!.model.means, scales: best!.model.scales, weights: best!.model.weights, bias: best!.model.bias, lambda: best!.model.lambda };
  return { model, calP: best!.p, calY: calDesign.y };
}

/** Uncalibrated probabilities and labels of a non-supervised challenger on the calibration rows. */
function baseCalibrationRows(set: RowSet, name: "bgnbd" | "heuristic"): { p: Float64Array; y: Uint8Array } {
  return concatBlocks(
    set.blocks.filter((b) => b.calibration),
    name,
  );
}

function fitCalibrationOn(rows: { p: Float64Array; y: Uint8Array }, kind: CalibrationKind): Calibration | null {
  return classesOk(rows.y, MIN_BACKTEST_ROWS) ? fitCalibration(kind, rows.p, rows.y) : null;
}

function metricsOf(model: ChurnMetrics["model"], p: ArrayLike<number>, y: Uint8Array, probability = true, order?: Int32Array): ChurnMetrics {
  return {
    model,
    customers: y.length,
    churned: countPositives(y),
    auc: rocAuc(p, y, order),
    logLoss: probability ? logLoss(p, y) : null,
    brier: probability ? brier(p, y) : null,
    ece: probability ? expectedCalibrationError(p, y) : null,
  };
}

/** A calibrated copy (the raw probabilities are compared under both calibrations). */
function calibrated(c: Calibration | null, p: Float64Array): Float64Array {
  const out = Float64Array.from(p);
  if (c) for (let i = 0; i < out.length; i++) out[i] = applyCalibration(c, out[i]);
  return out;
}

interface Candidate {
  metrics: ChurnMetrics;
  /** Per evaluated customer: its log-loss term (null for an unavailable challenger). */
  losses: Float64Array | null;
}

/**
 * Out of time, a's mean log-loss against b's: −1 when lower by more than the noise of the
 * paired per-customer differences (TIE_STANDARD_ERRORS standard errors of their mean, and at
 * least LOG_LOSS_TIE), 1 when higher by more than that, 0 within it (a tie).
 */
function compareLosses(a: Float64Array, b: Float64Array): -1 | 0 | 1 {
  const n = a.length;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  const margin = Math.max(LOG_LOSS_TIE, TIE_STANDARD_ERRORS * Math.sqrt(variance / n));
  if (Math.abs(mean) <= margin) return 0;
  return mean < 0 ? -1 : 1;
}

/** Whether challenger a beats b: a clearly lower log-loss, or a tie and a higher AUC. */
function better(a: Candidate, b: Candidate): boolean {
  if (!a.losses) return false;
  if (!b.losses) return true;
  const c = compareLosses(a.losses, b.losses);
  return c === 0 ? (a.metrics.auc ?? 0) > (b.metrics.auc ?? 0) : c < 0;
}

const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface SelectOptions {
  asOf: Date;
  horizonDays: number;
  minCustomers?: number;
  minRepeatCustomers?: number;
  /**
   * The shop's fit at asOf on the same orders (scoreFacts' state), when the caller has it: its
   * BG/NBD decision is reused instead of fitting BG/NBD on the same facts a second time.
   */
  model?: ChampionFit;
  /** Customers beyond which the backtest runs on a sample (default MAX_BACKTEST_CUSTOMERS). */
  maxBacktestCustomers?: number;
}

interface Selection {
  state: ChurnChampionState;
  /** Production parameters (fitted up to asOf) for any challenger; null when not available. */
  production(name: ChurnModelName): Pick<ChurnChampionState, "supervised" | "calibration">;
}

function heuristicState(opts: SelectOptions, reason: string, extra: Partial<ChurnChampionState> = {}): ChurnChampionState {
  return {
    version: 1,
    asOf: opts.asOf.toISOString(),
    horizonDays: opts.horizonDays,
    windowDays: opts.horizonDays,
    champion: "heuristic",
    reason,
    note: null,
    cuts: [],
    backtest: [],
    supervised: null,
    calibration: null,
    ...extra,
  };
}

function select(orders: GroupedOrders, opts: SelectOptions): Selection {
  const H = opts.horizonDays;
  if (!(H > 0)) throw new RangeError(`horizonDays must be > 0, got ${H}`);
  const asOfMs = opts.asOf.getTime();
  const asOfFit = opts.model && { params: opts.model.model === "bgnbd" ? bgnbdParamsOf(opts.model) : null, reason: opts.model.fallbackReason };
  const snapOpts = { minCustomers: opts.minCustomers, minRepeatCustomers: opts.minRepeatCustomers };
  let snaps = new Snapshots(orders, asOfMs, snapOpts, asOfFit);
  const none: Selection["production"] = () => ({ supervised: null, calibration: null });
  // Small shops keep the labelled heuristic, exactly as score-shop.ts decides (fitShopModels).
  const now = snaps.at(asOfMs);
  const minCustomers = opts.minCustomers ?? MIN_CUSTOMERS_FOR_MODEL;
  const minRepeat = opts.minRepeatCustomers ?? MIN_REPEAT_CUSTOMERS_FOR_MODEL;
  if (now.facts.n < minCustomers || now.repeatCustomers < minRepeat) {
    return { state: heuristicState(opts, `heuristic: ${now.bgnbdReason}`), production: none };
  }
  const firstMs = firstOrderMs(orders, asOfMs);
  const historyDays = Math.floor((asOfMs - firstMs) / MS_PER_DAY);
  const plan = planFor(H, historyDays);
  if (typeof plan === "string") return { state: heuristicState(opts, `heuristic: ${plan}`), production: none };
  // The shop-level checks above saw every customer; the backtest below sees the sample.
  const sample = sampleCustomers(orders, opts.maxBacktestCustomers ?? MAX_BACKTEST_CUSTOMERS);
  if (sample.orders !== orders) snaps = new Snapshots(sample.orders, asOfMs, snapOpts, asOfFit);
  const sampleNote = sample.orders === orders ? null : `Backtest on a deterministic sample of ${sample.customers} of the shop's ${orders.offsets.length - 1} customers.`;

  const w = plan.evalWindow;
  // Cuts sit on whole UTC days before asOf's day, so recomputes within a day with the same
  // orders train and calibrate exactly the same (a recompute with no new data writes nothing).
  const gridMs = Math.floor(asOfMs / MS_PER_DAY) * MS_PER_DAY;
  const evalMs = gridMs - w * MS_PER_DAY;
  if (!now.bgnbd) snaps.fit = false; // no BG/NBD now: do not fit it at the cuts either
  const evalSnap = snaps.at(evalMs);
  // BG/NBD enters (as a challenger and through three features) only where the shop's rule
  // would use it now and at the evaluation cut; otherwise the heuristic's outputs stand in.
  const kind: FeatureSource["kind"] = now.bgnbd && evalSnap.bgnbd ? "bgnbd" : "heuristic";
  if (kind === "heuristic") snaps.fit = false;
  const bgNote = kind === "bgnbd" ? null : `BG/NBD is not usable (${now.bgnbd ? `at the evaluation cut ${isoDay(evalMs)}: ${evalSnap.bgnbdReason}` : now.bgnbdReason}), so it is not a challenger and the heuristic's outputs replace its features.`;
  const shortNote =
    plan.mode === "horizon"
      ? null
      : `Only ${historyDays} days of history, too few to check a ${H}-day horizon out of time: measured on the last ${w} days ` +
        `with models trained on ${plan.selectionWindows.join(", ")}-day windows; the production model is trained on ` +
        `${plan.productionWindows.join(", ")}-day windows` +
        (Math.max(...plan.productionWindows) < H ? ` and extrapolated to ${H} days (window length is a feature).` : ".");
  const note = [shortNote, bgNote, sampleNote].filter((t) => t !== null).join(" ") || null;
  const selection = blocksFor(snaps, gridMs, firstMs, plan, evalMs, plan.selectionWindows, kind);
  const cuts = [...new Set(selection.blocks.map((b) => b.snap.cutMs))].sort((a, b) => a - b).map((ms) => new Date(ms).toISOString());
  cuts.push(new Date(evalMs).toISOString());
  const base = { windowDays: w, note, cuts };
  const yEval = churnLabels(evalSnap, w);
  if (!classesOk(yEval, MIN_BACKTEST_ROWS)) {
    return {
      state: heuristicState(opts, `heuristic: the check window ${isoDay(evalMs)}..${isoDay(asOfMs)} has ${yEval.length} customers, ${countPositives(yEval)} churned (needs ${MIN_BACKTEST_ROWS}, ${MIN_CLASS_ROWS} of each)`, base),
      production: none,
    };
  }
  const supervised = fitSupervised(selection, null);
  if (typeof supervised === "string") return { state: heuristicState(opts, `heuristic: ${supervised} before ${isoDay(evalMs)}`, base), production: none };

  // Out-of-time scores on [evalMs, evalMs + w): each challenger under each calibration fitted on
  // the calibration rows; a challenger keeps the calibration with the lower log-loss there.
  const calRows: Record<ChurnModelName, { p: Float64Array; y: Uint8Array } | null> = {
    bgnbd: kind === "bgnbd" ? baseCalibrationRows(selection, "bgnbd") : null,
    supervised: { p: supervised.calP, y: supervised.calY },
    heuristic: baseCalibrationRows(selection, "heuristic"),
  };
  const evalSource = sourceAt(evalSnap, kind);
  const rawEval: Record<ChurnModelName, Float64Array | null> = {
    bgnbd: kind === "bgnbd" ? baseProbabilities("bgnbd", evalSnap, w, evalSource) : null,
    supervised: predictLogistic(supervised.model, featureMatrix(evalSnap.facts, evalSource, w), evalSnap.facts.n),
    heuristic: baseProbabilities("heuristic", evalSnap, w, evalSource),
  };
  const candidates: Candidate[] = [];
  for (const name of CHALLENGERS) {
    const raw = rawEval[name];
    if (!raw) {
      candidates.push({ metrics: { model: name, customers: yEval.length, churned: countPositives(yEval), auc: null, logLoss: null, brier: null, ece: null }, losses: null });
      continue;
    }
    // Platt (two parameters) unless isotonic is clearly better out of time.
    let pick: Candidate | null = null;
    let pickP: Float64Array | null = null;
    let pickOrder: Int32Array | null = null;
    // Calibrations are monotone, so the raw ranking usually ranks the calibrated rows too (checked).
    const rawOrder = ascendingOrder(raw);
    for (const calKind of CALIBRATIONS) {
      const cal = fitCalibrationOn(calRows[name]!, calKind);
      const p = calibrated(cal, raw);
      const order = (rawOrder && ascendingOrderFrom(p, rawOrder)) ?? ascendingOrder(p);
      const metrics: ChurnMetrics = { ...metricsOf(name, p, yEval, true, order ?? undefined), ...(cal ? { calibration: calKind } : {}) };
      const losses = logLossTerms(p, yEval);
      if (!pick || compareLosses(losses, pick.losses!) < 0) {
        pick = { metrics, losses };
        pickP = p;
        pickOrder = order;
      }
    }
    pick!.metrics.deciles = calibrationDeciles(pickP!, yEval, pickOrder ?? undefined);
    candidates.push(pick!);
  }
  const metrics = [...candidates.map((c) => c.metrics), metricsOf("recency", Float64Array.from(evalSnap.facts.recencyDays), yEval, false)];

  let best = candidates[2];
  for (const c of candidates.slice(0, 2)) if (better(c, best)) best = c;
  const champion = best.metrics.model as ChurnModelName;
  const others = candidates
    .filter((c) => c !== best && c.metrics.logLoss !== null)
    .map((c) => `${c.metrics.model} ${fmt(c.metrics.logLoss)}`)
    .join(", ");
  const calText = best.metrics.calibration ? `, ${best.metrics.calibration}-calibrated` : "";
  const reason = `${champion}${calText}: lowest out-of-time log-loss ${fmt(best.metrics.logLoss)} (${others}; AUC ${fmt(best.metrics.auc)}) on ${yEval.length} customers, ${isoDay(evalMs)}..${isoDay(asOfMs)} (${w} days)`;

  // Production: refit on everything up to asOf with the same recipe and each challenger's calibration.
  const productionSet = blocksFor(snaps, gridMs, firstMs, plan, asOfMs, plan.productionWindows, kind);
  const calibrationOf = (name: ChurnModelName): CalibrationKind => candidates.find((c) => c.metrics.model === name)?.metrics.calibration ?? "platt";
  const memo = new Map<ChurnModelName, Pick<ChurnChampionState, "supervised" | "calibration">>();
  const production = (name: ChurnModelName): Pick<ChurnChampionState, "supervised" | "calibration"> => {
    const hit = memo.get(name);
    if (hit) return hit;
    let out: Pick<ChurnChampionState, "supervised" | "calibration">;
    if (name === "supervised") {
      const fit = fitSupervised(productionSet, supervised.model.lambda);
      // The production rows include every measured one, so this only fails on odd data; keep the measured fit then.
      const use = typeof fit === "string" ? supervised : fit;
      out = { supervised: { featureNames: [...featureNamesOf(kind)], ...use.model }, calibration: fitCalibrationOn({ p: use.calP, y: use.calY }, calibrationOf(name)) };
    } else if (name === "bgnbd" && kind !== "bgnbd") {
      out = { supervised: null, calibration: null };
    } else {
      out = { supervised: null, calibration: fitCalibrationOn(baseCalibrationRows(productionSet, name), calibrationOf(name)) };
    }
    memo.set(name, out);
    return out;
  };
  const state: ChurnChampionState = {
    version: 1,
    asOf: opts.asOf.toISOString(),
    horizonDays: H,
    windowDays: w,
    champion,
    reason,
    note,
    cuts,
    backtest: metrics,
    ...production(champion),
  };
  return { state, production };
}

/** The four BG/NBD parameters of a shop state (without its fit statistics). */
function bgnbdParamsOf(model: ChampionFit): BgNbdParams | null {
  return model.bgnbd ? { r: model.bgnbd.r, alpha: model.bgnbd.alpha, a: model.bgnbd.a, b: model.bgnbd.b } : null;
}

/** Select the shop's churn champion at asOf by the out-of-time backtest described above. */
export function selectChurnChampion(orders: GroupedOrders, opts: SelectOptions): ChurnChampionState {
  return select(orders, opts).state;
}

/** The feature source a stored supervised model was trained with (from its feature names). */
function storedSource(s: NonNullable<ChurnChampionState["supervised"]>): FeatureSource["kind"] {
  for (const kind of ["bgnbd", "heuristic"] as const) {
    const names = featureNamesOf(kind);
    if (s.featureNames.length === names.length && s.featureNames.every((n, i) => n === names[i])) return kind;
  }
  throw new Error(`stored churn model has features [${s.featureNames.join(", ")}], which this code does not compute`);
}

/** The shop's BG/NBD parameters when its current fit uses BG/NBD (score-shop.ts's rule), else null. */
function usableBgNbd(model: ChampionFit): BgNbdParams | null {
  return model.model === "bgnbd" && model.bgnbd ? model.bgnbd : null;
}

/**
 * What runs for this state and shop fit: the champion, or (when the champion needs a BG/NBD fit
 * the shop no longer has) the app's uncalibrated heuristic.
 */
function runnable(state: ChurnChampionState, model: ChampionFit): { run: "heuristic" | "bgnbd" | "supervised"; src: FeatureSource | null; cal: Calibration | null } {
  const bg = usableBgNbd(model);
  const heuristic = { kind: "heuristic", gapDays: model.heuristic.typicalGapDays } as const;
  if (state.champion === "heuristic") return { run: "heuristic", src: null, cal: state.calibration };
  if (state.champion === "bgnbd") return bg ? { run: "bgnbd", src: null, cal: state.calibration } : { run: "heuristic", src: null, cal: null };
  if (!state.supervised) return { run: "heuristic", src: null, cal: null };
  const kind = storedSource(state.supervised);
  if (kind === "bgnbd" && !bg) return { run: "heuristic", src: null, cal: null };
  return { run: "supervised", src: kind === "bgnbd" ? { kind: "bgnbd", params: bg! } : heuristic, cal: state.calibration };
}

/** The model whose probabilities championChurnColumns delivers for this shop state (the champion, or its fallback). */
export function deliveredChurnModel(state: ChurnChampionState, model: ChampionFit): ChurnModelName {
  return runnable(state, model).run;
}

/**
 * Calibrated churn probabilities (next horizonDays) of the champion for every facts row at
 * asOf; bgnbd/heuristic params from the shop's current fit (ShopModelState from scoreFacts).
 * When the shop's fit has fallen back to the heuristic and the champion needs BG/NBD, the
 * uncalibrated heuristic is returned (exactly the app's churnProbability then).
 */
export function championChurnColumns(state: ChurnChampionState, facts: FactsColumns, model: ChampionFit, horizonDays: number, features?: ChampionFeatures): Float64Array {
  const out = new Float64Array(facts.n);
  const { run, src, cal } = runnable(state, model);
  if (run === "supervised") {
    const x = features && features.windowDays === horizonDays && sameSource(features.source, src!) ? features.x : featureMatrix(facts, src!, horizonDays);
    predictLogistic(state.supervised!, x, facts.n, out);
  } else if (run === "bgnbd") {
    const bg = model.bgnbd!;
    for (let i = 0; i < facts.n; i++) out[i] = bgChurn(bg, facts.x[i], facts.tx[i], facts.T[i], horizonDays);
  } else {
    const g = model.heuristic.typicalGapDays;
    for (let i = 0; i < facts.n; i++) out[i] = heuristicChurn(g, facts.recencyDays[i], horizonDays);
  }
  if (cal) for (let i = 0; i < facts.n; i++) out[i] = applyCalibration(cal, out[i]);
  return out;
}

/** A supervised champion's feature rows for every facts row, computed ahead (championFeatures). */
export interface ChampionFeatures {
  source: FeatureSource;
  windowDays: number;
  x: Float64Array;
}

function sameSource(a: FeatureSource, b: FeatureSource): boolean {
  if (a.kind === "heuristic") return b.kind === "heuristic" && a.gapDays === b.gapDays;
  if (b.kind !== "bgnbd") return false;
  const p = a.params;
  const q = b.params;
  return p.r === q.r && p.alpha === q.alpha && p.a === q.a && p.b === q.b;
}

/**
 * The feature rows a supervised champion would read for these facts and this fit, before the
 * champion is known (the source it would most likely use: BG/NBD when the fit uses it):
 * championChurnColumns uses them when the champion's source turns out the same, else computes
 * its own. For a caller with time to spare while the selection runs elsewhere.
 */
export function championFeatures(facts: FactsColumns, model: ChampionFit, horizonDays: number): ChampionFeatures {
  const bg = usableBgNbd(model);
  const source: FeatureSource = bg ? { kind: "bgnbd", params: bg } : { kind: "heuristic", gapDays: model.heuristic.typicalGapDays };
  return { source, windowDays: horizonDays, x: featureMatrix(facts, source, horizonDays) };
}

/** The same for one customer (the live rescore path: stored parameters, no training). */
export function championChurnProbability(state: ChurnChampionState, facts: CustomerFacts, model: ChampionFit, horizonDays: number): number {
  const { run, src, cal } = runnable(state, model);
  let p: number;
  if (run === "supervised") {
    const row = new Float64Array(FEATURE_COUNT);
    writeFeatures(facts, src!, horizonDays, row, 0);
    p = sigmoid(linearPredictor(state.supervised!, row, 0));
  } else if (run === "bgnbd") {
    p = bgChurn(model.bgnbd!, facts.x, facts.tx, facts.T, horizonDays);
  } else {
    p = heuristicChurn(model.heuristic.typicalGapDays, facts.recencyDays, horizonDays);
  }
  return cal ? applyCalibration(cal, p) : p;
}

function truncateOrders(orders: GroupedOrders, beforeMs: number): GroupedOrders {
  const customers = orders.offsets.length - 1;
  const offsets = new Int32Array(customers + 1);
  let n = 0;
  for (let c = 0; c < customers; c++) {
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) if (orders.timesMs[k] < beforeMs) n++;
    offsets[c + 1] = n;
  }
  const timesMs = new Float64Array(n);
  const amountsMinor = new Float64Array(n);
  for (let c = 0, o = 0; c < customers; c++) {
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) {
      if (orders.timesMs[k] < beforeMs) {
        timesMs[o] = orders.timesMs[k];
        amountsMinor[o++] = orders.amountsMinor[k];
      }
    }
  }
  return { offsets, timesMs, amountsMinor };
}

export interface ChallengerEvaluation {
  /** The champion state as selectChurnChampion returns it at fitAsOf. */
  state: ChurnChampionState;
  /** Customers scored at fitAsOf and how many had no order in [fitAsOf, evalUntil). */
  customers: number;
  churned: number;
  /** Each challenger as it would be delivered if it were the champion (production fit up to fitAsOf, calibrated), then recency (AUC only). */
  challengers: ChurnMetrics[];
  /** The app's uncalibrated outputs today: BG/NBD churnProbability (null metrics when the shop falls back) and the heuristic. */
  uncalibrated: ChurnMetrics[];
  /** The selected champion (its name in `model`), i.e. championChurnColumns on the future window. */
  champion: ChurnMetrics;
}

/**
 * Benchmark helper: select the champion with data before fitAsOf only, then measure every
 * challenger, calibrated as it would be deployed, and the champion on the real future window:
 * labels = no order in [fitAsOf, evalUntil), probabilities for horizonDays.
 */
export function evaluateChallengers(
  orders: GroupedOrders,
  opts: { fitAsOf: Date; evalUntil: Date; horizonDays: number; minCustomers?: number; minRepeatCustomers?: number },
): ChallengerEvaluation {
  const fitMs = opts.fitAsOf.getTime();
  const untilMs = opts.evalUntil.getTime();
  if (!(untilMs > fitMs)) throw new RangeError("evalUntil must be after fitAsOf");
  const past = truncateOrders(orders, fitMs);
  const { facts, customerIndex } = factsFromGroupedOrders(past, opts.fitAsOf);
  const model = scoreFacts(facts, { asOf: opts.fitAsOf, horizonDays: opts.horizonDays, minCustomers: opts.minCustomers, minRepeatCustomers: opts.minRepeatCustomers }).state;
  const sel = select(past, { asOf: opts.fitAsOf, horizonDays: opts.horizonDays, minCustomers: opts.minCustomers, minRepeatCustomers: opts.minRepeatCustomers, model });
  const y = new Uint8Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    const c = customerIndex[i];
    let bought = false;
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) {
      const t = orders.timesMs[k];
      if (t >= fitMs && t < untilMs) {
        bought = true;
        break;
      }
    }
    y[i] = bought ? 0 : 1;
  }
  const H = opts.horizonDays;
  const challengers: ChurnMetrics[] = [];
  for (const name of CHALLENGERS) {
    const prod = sel.production(name);
    const available = sel.state.backtest.find((m) => m.model === name)?.logLoss != null;
    if (name !== sel.state.champion && !available) {
      challengers.push({ model: name, customers: facts.n, churned: countPositives(y), auc: null, logLoss: null, brier: null, ece: null });
      continue;
    }
    const st: ChurnChampionState = { ...sel.state, champion: name, ...prod };
    challengers.push(metricsOf(name, championChurnColumns(st, facts, model, H), y));
  }
  challengers.push(metricsOf("recency", Float64Array.from(facts.recencyDays), y, false));
  const uncalibrated: ChurnMetrics[] = [];
  const bg = usableBgNbd(model);
  if (bg) {
    const p = new Float64Array(facts.n);
    for (let i = 0; i < facts.n; i++) p[i] = bgChurn(bg, facts.x[i], facts.tx[i], facts.T[i], H);
    uncalibrated.push(metricsOf("bgnbd", p, y));
  } else {
    uncalibrated.push({ model: "bgnbd", customers: facts.n, churned: countPositives(y), auc: null, logLoss: null, brier: null, ece: null });
  }
  const ph = new Float64Array(facts.n);
  for (let i = 0; i < facts.n; i++) ph[i] = heuristicChurn(model.heuristic.typicalGapDays, facts.recencyDays[i], H);
  uncalibrated.push(metricsOf("heuristic", ph, y));
  const champion = metricsOf(sel.state.champion, championChurnColumns(sel.state, facts, model, H), y);
  return { state: sel.state, customers: facts.n, churned: countPositives(y), challengers, uncalibrated, champion };
}
