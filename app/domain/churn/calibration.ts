/**
 * Platt scaling: p' = σ(a·logit(p) + b), (a, b) fitted by maximum likelihood on held-out rows
 * with the same logistic machinery (logistic.ts, one feature logit(p), no penalty). A calibrated
 * input gives a ≈ 1, b ≈ 0; an overconfident one a < 1. Inputs are clipped to
 * [PLATT_EPS, 1 − PLATT_EPS] before the logit, so 0 and 1 stay finite.
 */
import { fitLogistic, rawCoefficients, sigmoid } from "./logistic";

export interface PlattParams {
  a: number;
  b: number;
}

export const PLATT_EPS = 1e-6;

export function logit(p: number): number {
  const q = Math.min(1 - PLATT_EPS, Math.max(PLATT_EPS, p));
  return Math.log(q / (1 - q));
}

/** Null when the rows hold only one class (nothing to fit) or the fit fails. */
export function fitPlatt(p: ArrayLike<number>, y: ArrayLike<boolean | number>): PlattParams | null {
  const n = p.length;
  if (y.length !== n) throw new RangeError("probabilities and labels differ in length");
  const x = new Float64Array(n);
  const labels = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    x[i] = logit(p[i]);
    labels[i] = y[i] ? 1 : 0;
    positives += labels[i];
  }
  if (positives === 0 || positives === n) return null;
  const fit = fitLogistic({ rows: n, cols: 1, x, y: labels }, { lambda: 0 });
  const { intercept, slopes } = rawCoefficients(fit);
  if (!Number.isFinite(intercept) || !Number.isFinite(slopes[0])) return null;
  return { a: slopes[0], b: intercept };
}

export function applyPlatt(c: PlattParams, p: number): number {
  return sigmoid(c.a * logit(p) + c.b);
}
