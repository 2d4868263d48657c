/**
 * Decile tables of a prediction against what happened (docs/scoring.md, "Measured accuracy"):
 * customers ranked by the prediction, ascending, split into ten groups of (nearly) equal size,
 * and each group's mean prediction next to its mean outcome. Pure.
 *
 * Grouping: sort by the prediction (ties in input order); with n customers, decile d
 * (1..10) holds the ranks floor((d−1)·n/10) .. floor(d·n/10) − 1. Customers with equal
 * predictions can fall in two neighbouring deciles. Fewer than 10 customers: no table.
 */
import { ascendingOrder } from "./ascending-order";

/** Churn calibration: predicted probability vs observed churn rate in one decile of predicted probability. */
export interface CalibrationDecile {
  /** 1 = lowest predicted churn, 10 = highest. */
  decile: number;
  customers: number;
  /** Mean predicted probability, 0..1. */
  predicted: number;
  /** Share who churned (outcome 1), 0..1. */
  observed: number;
  /** Lowest and highest predicted probability in the decile. */
  minPredicted: number;
  maxPredicted: number;
}

/** Predicted vs actual value in one decile of predicted value (amounts in minor units). */
export interface ValueDecile {
  /** 1 = lowest predicted value, 10 = highest. */
  decile: number;
  customers: number;
  predictedMeanMinor: number;
  actualMeanMinor: number;
  predictedTotalMinor: number;
  actualTotalMinor: number;
}

export const DECILES = 10;

/** Indices of `values` in ascending order (ties keep input order), split into the ten rank ranges. */
function decileRanges(values: ArrayLike<number>, known?: Int32Array): { order: Int32Array; bounds: number[] } | null {
  const n = values.length;
  if (n < DECILES) return null;
  const order = known ?? ascendingOrder(values) ?? Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const bounds: number[] = [];
  for (let d = 0; d <= DECILES; d++) bounds.push(Math.floor((d * n) / DECILES));
  return { order, bounds };
}

function checkLengths(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
}

/**
 * Predicted churn probability p against the outcome y (1 or true = churned), by decile of p.
 * `knownOrder`, when the caller has it: ascendingOrder(p) (ties in index order).
 */
export function calibrationDeciles(p: ArrayLike<number>, y: ArrayLike<number | boolean>, knownOrder?: Int32Array): CalibrationDecile[] {
  checkLengths(p, y);
  const ranges = decileRanges(p, knownOrder);
  if (!ranges) return [];
  const { order, bounds } = ranges;
  const out: CalibrationDecile[] = [];
  for (let d = 0; d < DECILES; d++) {
    let sumP = 0;
    let churned = 0;
    for (let k = bounds[d]; k < bounds[d + 1]; k++) {
      sumP += p[order[k]];
      if (y[order[k]]) churned++;
    }
    const customers = bounds[d + 1] - bounds[d];
    out.push({
      decile: d + 1,
      customers,
      predicted: sumP / customers,
      observed: churned / customers,
      minPredicted: p[order[bounds[d]]],
      maxPredicted: p[order[bounds[d + 1] - 1]],
    });
  }
  return out;
}

/** Predicted value against actual value (same unit, e.g. minor units), by decile of predicted value. */
export function valueDeciles(predicted: ArrayLike<number>, actual: ArrayLike<number>): ValueDecile[] {
  checkLengths(predicted, actual);
  const ranges = decileRanges(predicted);
  if (!ranges) return [];
  const { order, bounds } = ranges;
  const out: ValueDecile[] = [];
  for (let d = 0; d < DECILES; d++) {
    let sumPredicted = 0;
    let sumActual = 0;
    for (let k = bounds[d]; k < bounds[d + 1]; k++) {
      sumPredicted += predicted[order[k]];
      sumActual += actual[order[k]];
    }
    const customers = bounds[d + 1] - bounds[d];
    out.push({
      decile: d + 1,
      customers,
      predictedMeanMinor: sumPredicted / customers,
      actualMeanMinor: sumActual / customers,
      predictedTotalMinor: sumPredicted,
      actualTotalMinor: sumActual,
    });
  }
  return out;
}

/** Customer-weighted mean of |predicted − observed| over the deciles (an equal-count calibration error), null without deciles. */
export function decileCalibrationError(deciles: readonly CalibrationDecile[]): number | null {
  let n = 0;
  let sum = 0;
  for (const d of deciles) {
    n += d.customers;
    sum += d.customers * Math.abs(d.predicted - d.observed);
  }
  return n > 0 ? sum / n : null;
}
