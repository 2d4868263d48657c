/**
 * Measured accuracy of the shop's model against simple baselines (docs/scoring.md, "Measured
 * accuracy"). Pure: grouped order histories and an explicit asOf in, plain numbers out.
 *
 * Method: cutoff = asOf − H days. Fit and score on orders strictly before the cutoff (as a
 * recompute at the cutoff would, via scoreFacts: BG/NBD or the heuristic, uncalibrated; the
 * churn champion's own out-of-time figures, calibration by decile included, are in
 * ChurnChampionState.backtest), then compare with what happened in the window [cutoff, asOf)
 * for the customers scored at the cutoff:
 * - churn: label = no purchase in the window; AUC of churnProbability vs AUC of the plain
 *   recency baseline (longer since the last purchase = more likely churned); calibration by
 *   decile of predicted probability (deciles.ts: mean predicted vs share churned);
 * - purchases: actual = distinct UTC purchase days in the window (the model's unit: same-day
 *   orders are one purchase, and a window day equal to the last purchase day before the cutoff
 *   is merged into it); MAE of expected purchases over H days vs the baseline "same rate as
 *   before" = x / T repeat purchase days per day of the customer's observed life, times H;
 * - value: predicted = expected purchases in the H days × expected spend per purchase (the
 *   12-month value's own parts, undiscounted: Gamma-Gamma's conditional mean spend, or the
 *   customer's average order value when the shop has no spend model); actual = the customer's
 *   counted order amounts (net of refunds) in the window; by decile of predicted value.
 */
import { rocAuc } from "./churn/metrics";
import { MS_PER_DAY, utcDay } from "./customer-facts";
import { calibrationDeciles, valueDeciles, type CalibrationDecile, type ValueDecile } from "./deciles";
import { conditionalExpectedAverageSpend } from "./gamma-gamma";
import { MAX_BACKTEST_CUSTOMERS, factsFromGroupedOrders, sampleCustomers, type GroupedOrders } from "./population-facts";
import { scoreFacts, type ModelKind } from "./score-shop";
import type { SegmentMap } from "./segment-map";

/** rocAuc now lives in churn/metrics.ts (with the other churn metrics); re-exported for existing callers. */
export { rocAuc };

/** Below this many customers at the cutoff (or with nobody in one class) no accuracy is reported. */
export const MIN_BACKTEST_CUSTOMERS = 30;

export interface BacktestOptions {
  asOf: Date;
  horizonDays: number;
  segmentMap?: SegmentMap;
  minCustomers?: number;
  /** Passed through to the model fit (tests use small populations). */
  minModelCustomers?: number;
  minModelRepeatCustomers?: number;
  /** Customers beyond which the check runs on a sample (default MAX_BACKTEST_CUSTOMERS). */
  maxCustomers?: number;
}

export interface ModelAccuracy {
  /** ISO instants: the model was fitted on orders before `cutoff` and checked on [cutoff, asOf). */
  cutoff: string;
  asOf: string;
  horizonDays: number;
  model: ModelKind;
  fallbackReason: string | null;
  /** Customers scored at the cutoff (the evaluated population). */
  customers: number;
  /** Set when the check ran on a deterministic sample (large shops): the shop's customers then. */
  sampledFrom?: number;
  /** Of those, customers with no purchase in the window. */
  churned: number;
  /** Customers whose first purchase fell in the window (not evaluated). */
  newInWindow: number;
  /** AUC of churnProbability for "no purchase in the window"; null when one class is empty. */
  churnAuc: number | null;
  /** The same churnProbability (of `model`, uncalibrated) vs the share churned, by decile of predicted probability. */
  churnDeciles: CalibrationDecile[];
  /** AUC of days since the last purchase for the same label. */
  recencyAuc: number | null;
  /** Mean absolute error of expected purchases in the window vs actual purchase days. */
  expectedPurchasesMae: number;
  /** Same for the "same rate as before" baseline. */
  baselineMae: number;
  /** Totals over the evaluated customers (calibration at a glance). */
  expectedPurchasesTotal: number;
  baselinePurchasesTotal: number;
  actualPurchasesTotal: number;
  /** Predicted vs actual value in the window (minor units), by decile of predicted value. */
  valueDeciles: ValueDecile[];
  predictedValueTotalMinor: number;
  actualValueTotalMinor: number;
}

export type BacktestOutcome = { accuracy: ModelAccuracy; reason: null } | { accuracy: null; reason: string };

export function backtest(allOrders: GroupedOrders, options: BacktestOptions): BacktestOutcome {
  const H = options.horizonDays;
  const shopCustomers = allOrders.offsets.length - 1;
  const { orders } = sampleCustomers(allOrders, options.maxCustomers ?? MAX_BACKTEST_CUSTOMERS);
  if (!(H > 0)) throw new RangeError(`horizonDays must be > 0, got ${H}`);
  const asOfMs = options.asOf.getTime();
  const cutoffMs = asOfMs - H * MS_PER_DAY;
  const cutoff = new Date(cutoffMs);
  const minCustomers = options.minCustomers ?? MIN_BACKTEST_CUSTOMERS;

  const { facts, customerIndex } = factsFromGroupedOrders(orders, cutoff);
  if (facts.n < minCustomers) {
    return {
      accuracy: null,
      reason: `only ${facts.n} customers had ordered before ${cutoff.toISOString().slice(0, 10)} (${H} days ago); the check needs ${minCustomers}`,
    };
  }

  // Actual purchase days in [cutoff, asOf), per evaluated customer.
  const actual = new Float64Array(facts.n);
  const actualValue = new Float64Array(facts.n);
  const churned: boolean[] = new Array(facts.n);
  let churnedCount = 0;
  for (let i = 0; i < facts.n; i++) {
    const c = customerIndex[i];
    let lastDay = Number.NaN;
    let count = 0;
    for (let k = orders.offsets[c]; k < orders.offsets[c + 1]; k++) {
      const t = orders.timesMs[k];
      if (t >= asOfMs) break;
      const day = utcDay(t);
      if (t >= cutoffMs && day !== lastDay) count++;
      if (t >= cutoffMs) actualValue[i] += orders.amountsMinor[k];
      lastDay = day;
    }
    actual[i] = count;
    churned[i] = count === 0;
    if (count === 0) churnedCount++;
  }
  let newInWindow = 0;
  const customers = orders.offsets.length - 1;
  for (let c = 0; c < customers; c++) {
    const first = orders.offsets[c];
    if (first < orders.offsets[c + 1] && orders.timesMs[first] >= cutoffMs && orders.timesMs[first] < asOfMs) newInWindow++;
  }
  if (churnedCount === 0 || churnedCount === facts.n) {
    return {
      accuracy: null,
      reason: churnedCount === 0 ? `every customer ordered again in the last ${H} days: nothing to tell apart` : `no customer ordered again in the last ${H} days: nothing to tell apart`,
    };
  }

  const result = scoreFacts(facts, {
    asOf: cutoff,
    horizonDays: H,
    segmentMap: options.segmentMap,
    minCustomers: options.minModelCustomers,
    minRepeatCustomers: options.minModelRepeatCustomers,
  });
  const cols = result.columns;
  const gg = result.state.gammaGamma;
  const predictedValue = new Float64Array(facts.n);
  const recency = new Float64Array(facts.n);
  let modelErr = 0;
  let baseErr = 0;
  let expectedTotal = 0;
  let baselineTotal = 0;
  let actualTotal = 0;
  for (let i = 0; i < facts.n; i++) {
    recency[i] = facts.recencyDays[i];
    const expected = cols.expectedPurchasesHorizon[i];
    const baseline = facts.T[i] > 0 ? (facts.x[i] / facts.T[i]) * H : 0;
    modelErr += Math.abs(expected - actual[i]);
    baseErr += Math.abs(baseline - actual[i]);
    expectedTotal += expected;
    baselineTotal += baseline;
    actualTotal += actual[i];
    // Spend per purchase exactly as score-shop.ts's modelScore takes it for the 12-month value.
    const spend = gg ? conditionalExpectedAverageSpend(gg, facts.x[i], facts.repeatDayMeanMinor[i]) : facts.monetaryMinor[i] / facts.frequency[i];
    predictedValue[i] = expected * spend;
  }
  let predictedValueTotal = 0;
  let actualValueTotal = 0;
  for (let i = 0; i < facts.n; i++) {
    predictedValueTotal += predictedValue[i];
    actualValueTotal += actualValue[i];
  }
  return {
    reason: null,
    accuracy: {
      cutoff: cutoff.toISOString(),
      asOf: options.asOf.toISOString(),
      horizonDays: H,
      model: result.state.model,
      fallbackReason: result.state.fallbackReason,
      customers: facts.n,
      ...(orders === allOrders ? {} : { sampledFrom: shopCustomers }),
      churned: churnedCount,
      newInWindow,
      churnAuc: rocAuc(cols.churnProbability, churned),
      churnDeciles: calibrationDeciles(cols.churnProbability, churned),
      recencyAuc: rocAuc(recency, churned),
      expectedPurchasesMae: modelErr / facts.n,
      baselineMae: baseErr / facts.n,
      expectedPurchasesTotal: expectedTotal,
      baselinePurchasesTotal: baselineTotal,
      actualPurchasesTotal: actualTotal,
      valueDeciles: valueDeciles(predictedValue, actualValue),
      predictedValueTotalMinor: predictedValueTotal,
      actualValueTotalMinor: actualValueTotal,
    },
  };
}
