/**
 * npm run bench:accuracy — how well the churn and value scores predict a real future, every
 * method side by side, on CDNOW and on generated stores of four kinds (test/simulator/).
 *
 * Per data set: fit on the orders strictly before as-of, predict for the next H days, compare
 * with what happened in [as-of, as-of + H). Churned = no order in the window.
 *  - churn (AUC, log-loss, Brier, ECE with 10 equal-width bins; app/domain/churn/metrics.ts):
 *    evaluateChallengers (app/domain/churn/champion.ts) selects the champion on the history
 *    alone, then scores every challenger as it would be deployed (production fit, calibrated)
 *    and the champion itself; "uncalibrated" rows are the app's probabilities before the
 *    champion existed (BG/NBD churnProbability, the recency heuristic); recency = days since
 *    the last order, a ranking (AUC only);
 *  - purchases MAE: expected purchases in the window (BG/NBD eq. 10, or the heuristic's
 *    P(active)·H/g) against actual purchase days (docs/scoring.md, backtest step 3), next to
 *    "same rate as before" x/T·H;
 *  - CLV Gini: normalised Gini of the predicted 12-month value against the actual spend in the
 *    window (1 = perfect ranking, 0 = random), next to the historical average (spend per day
 *    of the customer's observed life); the champion row is the app's value (the churn champion
 *    does not change it), with a decile table: predicted vs actual spend.
 * Targets (one line each at the end): CDNOW champion AUC ≥ 0.770; on every data set the
 * champion's AUC ≥ the recency baseline's and ≥ BG/NBD's (uncalibrated, as the app had it);
 * champion ECE ≤ 0.03 where the history before as-of is longer than H, and otherwise (CDNOW)
 * no worse than BG/NBD's.
 *   npm run bench:accuracy [-- --only cdnow,seasonal]
 */
import { type ChallengerEvaluation, type ChurnMetrics, type ChurnModelName, evaluateChallengers } from "../app/domain/churn/champion";
import { type FactsColumns, MS_PER_DAY, utcDay } from "../app/domain/customer-facts";
import { conditionalExpectedAverageSpend } from "../app/domain/gamma-gamma";
import { factsFromGroupedOrders, type GroupedOrders } from "../app/domain/population-facts";
import { type ScoreFactsResult, scoreFacts } from "../app/domain/score-shop";
import { type AccuracyDataSet, cdnowMaster, generatedStore } from "./support/accuracy-data";
import { printTargets, type Target } from "./support/targets";

const CDNOW_AUC_TARGET = 0.77;
const ECE_TARGET = 0.03;
/** AUCs are compared with this slack: a monotone calibration leaves ranks, not bits, unchanged. */
const AUC_EPS = 1e-9;

function dataSets(): (() => AccuracyDataSet)[] {
  return [
    () => cdnowMaster("1997-10-01", 273),
    () => generatedStore({ behaviour: "btyd", customers: 10_000, seed: 11, asOf: "2026-06-01", horizonDays: 180, years: 2 }),
    () => generatedStore({ behaviour: "replenishment", customers: 10_000, seed: 12, asOf: "2026-06-01", horizonDays: 90, years: 2 }),
    () => generatedStore({ behaviour: "seasonal", customers: 10_000, seed: 13, asOf: "2026-01-15", horizonDays: 365, years: 4 }),
    () => generatedStore({ behaviour: "discount_bursts", customers: 10_000, seed: 14, asOf: "2026-06-01", horizonDays: 120, years: 2 }),
  ];
}

// ------------------------------------------------------------ outcome ----

interface Outcome {
  /** Per facts row: purchase days in the window (backtest rule), spend in the window (1/100 units). */
  purchaseDays: Float64Array;
  spendMinor: Float64Array;
}

function outcomeOf(orders: GroupedOrders, customerIndex: Int32Array, fromMs: number, untilMs: number): Outcome {
  const n = customerIndex.length;
  const purchaseDays = new Float64Array(n);
  const spendMinor = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = customerIndex[i];
    let lastDay = Number.NaN;
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) {
      const t = orders.timesMs[k];
      if (t >= untilMs) break;
      const day = utcDay(t);
      if (t >= fromMs) {
        if (day !== lastDay) purchaseDays[i]++;
        spendMinor[i] += orders.amountsMinor[k];
      }
      lastDay = day;
    }
  }
  return { purchaseDays, spendMinor };
}

// ------------------------------------------------------------ measures ----

function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(predicted[i] - actual[i]);
  return s / actual.length;
}

/**
 * Gini of `actual` ordered by `predicted` (descending), ties in `predicted` sharing their mean
 * actual (the expectation over the tie's orderings): Σ_k L_k / n − (n + 1)/(2n), L_k the share
 * of the total actual in the top k.
 */
function gini(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = actual.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[b] - predicted[a]);
  let total = 0;
  for (let i = 0; i < n; i++) total += actual[i];
  if (!(total > 0)) return Number.NaN;
  let cum = 0;
  let area = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let groupSum = 0;
    while (j < n && predicted[order[j]] === predicted[order[i]]) groupSum += actual[order[j++]];
    const mean = groupSum / (j - i);
    for (let k = i; k < j; k++) {
      cum += mean;
      area += cum / total;
    }
    i = j;
  }
  return area / n - (n + 1) / (2 * n);
}

/** Gini of the prediction divided by the Gini of the perfect ranking. */
function normalisedGini(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  return gini(predicted, actual) / gini(actual, actual);
}

/** Expected spend in the window: spend per order (Gamma-Gamma or own average) × expected purchases in H days. */
function predictedWindowSpend(facts: FactsColumns, scored: ScoreFactsResult): Float64Array {
  const gg = scored.state.gammaGamma;
  const out = new Float64Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    const spend = gg ? conditionalExpectedAverageSpend(gg, facts.x[i], facts.repeatDayMeanMinor[i]) : facts.monetaryMinor[i] / facts.frequency[i];
    out[i] = spend * scored.columns.expectedPurchasesHorizon[i];
  }
  return out;
}

// ------------------------------------------------------------ printing ----

interface Row {
  label: string;
  churn: ChurnMetrics | null;
  mae: number | null;
  gini: number | null;
}

/** A challenger's name with the calibration the backtest chose for it (as deployed). */
function withCalibration(ev: ChallengerEvaluation, model: ChurnModelName): string {
  const kind = ev.state.backtest.find((m) => m.model === model)?.calibration;
  return kind ? `${model} (${kind})` : model;
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(4));
const money = (minor: number) => (minor / 100).toFixed(2);
const pad = (s: string, w: number) => (s.length >= w ? s : s + " ".repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : " ".repeat(w - s.length) + s);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? pad(s, widths[c]) : lpad(s, widths[c]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);


// ------------------------------------------------------------ one data set ----

function evaluate(ds: AccuracyDataSet, targets: Target[]): void {
  const t0 = Date.now();
  const H = ds.horizonDays;
  const asOfMs = ds.asOf.getTime();
  const untilMs = asOfMs + H * MS_PER_DAY;
  const ev = evaluateChallengers(ds.orders, { fitAsOf: ds.asOf, evalUntil: new Date(untilMs), horizonDays: H });

  const { facts, customerIndex } = factsFromGroupedOrders(ds.orders, ds.asOf);
  const app = scoreFacts(facts, { asOf: ds.asOf, horizonDays: H });
  const heuristic = scoreFacts(facts, { asOf: ds.asOf, horizonDays: H, minCustomers: Number.POSITIVE_INFINITY });
  const out = outcomeOf(ds.orders, customerIndex, asOfMs, untilMs);
  let firstMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < facts.n; i++) firstMs = Math.min(firstMs, ds.orders.timesMs[ds.orders.offsets[customerIndex[i]]]);
  const historyDays = Math.floor((asOfMs - firstMs) / MS_PER_DAY);

  const sameRate = new Float64Array(facts.n);
  const historicalValue = new Float64Array(facts.n);
  for (let i = 0; i < facts.n; i++) {
    sameRate[i] = facts.T[i] > 0 ? (facts.x[i] / facts.T[i]) * H : 0;
    historicalValue[i] = facts.monetaryMinor[i] / Math.max(1, facts.T[i]);
  }
  const bgnbdUsed = app.state.model === "bgnbd";
  const metric = (list: ChurnMetrics[], model: string) => list.find((m) => m.model === model) ?? null;
  const bgRaw = metric(ev.uncalibrated, "bgnbd");
  const recency = metric(ev.challengers, "recency");
  const rows: Row[] = [
    { label: withCalibration(ev, "bgnbd"), churn: metric(ev.challengers, "bgnbd"), mae: bgnbdUsed ? mae(app.columns.expectedPurchasesHorizon, out.purchaseDays) : null, gini: bgnbdUsed ? normalisedGini(app.columns.predictedClv12mMinor, out.spendMinor) : null },
    { label: withCalibration(ev, "supervised"), churn: metric(ev.challengers, "supervised"), mae: null, gini: null },
    { label: withCalibration(ev, "heuristic"), churn: metric(ev.challengers, "heuristic"), mae: mae(heuristic.columns.expectedPurchasesHorizon, out.purchaseDays), gini: normalisedGini(heuristic.columns.predictedClv12mMinor, out.spendMinor) },
    { label: "recency (baseline)", churn: recency, mae: null, gini: null },
    { label: "same rate / hist. average (baseline)", churn: null, mae: mae(sameRate, out.purchaseDays), gini: normalisedGini(historicalValue, out.spendMinor) },
    { label: "bgnbd, uncalibrated (app before)", churn: bgRaw, mae: null, gini: null },
    { label: "heuristic, uncalibrated", churn: metric(ev.uncalibrated, "heuristic"), mae: null, gini: null },
    { label: `champion = ${ev.state.champion}`, churn: ev.champion, mae: mae(app.columns.expectedPurchasesHorizon, out.purchaseDays), gini: normalisedGini(app.columns.predictedClv12mMinor, out.spendMinor) },
  ];

  const lines: string[] = [];
  lines.push(`== ${ds.name}: ${ds.description} ==`);
  lines.push(
    `fit before ${isoDay(asOfMs)} (history ${historyDays} days), outcome ${isoDay(asOfMs)}..${isoDay(untilMs - MS_PER_DAY)} (H = ${H} days); ` +
      `${ev.customers.toLocaleString("en-US")} customers, ${ev.churned.toLocaleString("en-US")} churned (${((100 * ev.churned) / ev.customers).toFixed(1)} %)`,
  );
  lines.push(`champion: ${ev.state.reason}`);
  if (ev.state.note) lines.push(`note: ${ev.state.note}`);
  lines.push(`value model: ${app.state.model}${app.state.fallbackReason ? ` (${app.state.fallbackReason})` : ""}, spend from ${app.state.spendModel}`);
  lines.push("");
  lines.push(
    table(
      ["model", "AUC", "log-loss", "Brier", "ECE", "purch. MAE", "CLV Gini"],
      rows.map((r) => [r.label, f4(r.churn?.auc), f4(r.churn?.logLoss), f4(r.churn?.brier), f4(r.churn?.ece), f4(r.mae), f4(r.gini)]),
    ),
  );

  // Decile table of the champion's (the app's) 12-month value.
  const windowSpend = predictedWindowSpend(facts, app);
  const order = Array.from({ length: facts.n }, (_, i) => i).sort((a, b) => app.columns.predictedClv12mMinor[b] - app.columns.predictedClv12mMinor[a] || a - b);
  let totalActual = 0;
  for (let i = 0; i < facts.n; i++) totalActual += out.spendMinor[i];
  const decileRows: string[][] = [];
  for (let d = 0; d < 10; d++) {
    const lo = Math.floor((d * facts.n) / 10);
    const hi = Math.floor(((d + 1) * facts.n) / 10);
    let clv = 0;
    let pred = 0;
    let act = 0;
    let buyers = 0;
    for (let k = lo; k < hi; k++) {
      const i = order[k];
      clv += app.columns.predictedClv12mMinor[i];
      pred += windowSpend[i];
      act += out.spendMinor[i];
      if (out.purchaseDays[i] > 0) buyers++;
    }
    const n = hi - lo;
    decileRows.push([`${d + 1}`, `${n}`, money(clv / n), money(pred / n), money(act / n), `${((100 * buyers) / n).toFixed(1)}`, `${((100 * act) / totalActual).toFixed(1)}`]);
  }
  lines.push("");
  lines.push(`champion CLV deciles (by predicted 12-month value, highest first; money in currency units per customer):`);
  lines.push(table(["decile", "customers", "pred. 12m CLV", `pred. spend ${H}d`, `actual spend ${H}d`, "% bought", "% of actual"], decileRows));
  lines.push(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.stdout.write(`${lines.join("\n")}\n\n`);

  const champion = ev.champion;
  const auc = champion.auc ?? Number.NaN;
  if (ds.name === "cdnow") targets.push({ what: `cdnow champion AUC ≥ ${CDNOW_AUC_TARGET.toFixed(3)}`, met: auc >= CDNOW_AUC_TARGET, measured: f4(auc) });
  targets.push({ what: `${ds.name} champion AUC ≥ recency baseline's`, met: auc >= (recency?.auc ?? Number.NaN) - AUC_EPS, measured: `${f4(auc)} vs ${f4(recency?.auc)}` });
  if (bgRaw?.auc === null || bgRaw === null) targets.push({ what: `${ds.name} champion AUC ≥ BG/NBD's (BG/NBD not usable)`, met: true, measured: "" });
  else targets.push({ what: `${ds.name} champion AUC ≥ BG/NBD's`, met: auc >= bgRaw.auc - AUC_EPS, measured: `${f4(auc)} vs ${f4(bgRaw.auc)}` });
  const ece = champion.ece ?? Number.NaN;
  if (historyDays > H) targets.push({ what: `${ds.name} champion ECE ≤ ${ECE_TARGET}`, met: ece <= ECE_TARGET, measured: f4(ece) });
  else targets.push({ what: `${ds.name} champion ECE ≤ BG/NBD's (history ${historyDays} days ≤ H)`, met: bgRaw?.ece === null || bgRaw === null || ece <= bgRaw.ece, measured: `${f4(ece)} vs ${f4(bgRaw?.ece)}` });
}

function main(): void {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(",")) : null;
  const t0 = Date.now();
  const targets: Target[] = [];
  const names = ["cdnow", "btyd", "replenishment", "seasonal", "discount_bursts"];
  dataSets().forEach((make, i) => {
    if (only && !only.has(names[i])) return;
    evaluate(make(), targets);
  });
  process.stdout.write(`total ${((Date.now() - t0) / 1000).toFixed(1)} s\n\n`);
  printTargets(targets);
}

main();
