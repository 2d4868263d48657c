/**
 * Probability calibration fitted on held-out rows (docs/scoring.md, "Churn champion").
 *
 * Platt scaling: p' = σ(a·logit(p) + b), (a, b) fitted by maximum likelihood with the same
 * logistic machinery (logistic.ts, one feature logit(p), no penalty). A calibrated input gives
 * a ≈ 1, b ≈ 0; an overconfident one a < 1. Inputs are clipped to [PLATT_EPS, 1 − PLATT_EPS]
 * before the logit, so 0 and 1 stay finite.
 *
 * Isotonic: the monotone (non-decreasing in p) step function that best fits the labels, by
 * pool-adjacent-violators (PAV). Platt can only bend a sigmoid; isotonic follows any monotone
 * shape (a heuristic that is too high in the middle and too low at the top), at the price of
 * needing more rows. Each pooled block keeps its mean input and its rate with one pseudo-count
 * of each class, (Σy + 1)/(n + 2), so no output is exactly 0 or 1 (finite log-loss); where that
 * puts a small block above the next one, the two are pooled (weighted by rows); between
 * block means the output is interpolated linearly, beyond the ends held flat (as scikit-learn's
 * IsotonicRegression with out_of_bounds="clip").
 */
import { ascendingOrder } from "../ascending-order";
import { fitLogistic, rawCoefficients, sigmoid } from "./logistic";

export interface PlattParams {
  a: number;
  b: number;
}

export interface IsotonicParams {
  kind: "isotonic";
  /** Block mean inputs, strictly increasing. */
  x: number[];
  /** Calibrated output at each x, non-decreasing, in (0, 1). */
  y: number[];
}

/** A stored calibration: Platt (no `kind`, as states before isotonic existed) or isotonic. */
export type Calibration = (PlattParams & { kind?: "platt" }) | IsotonicParams;

export type CalibrationKind = "platt" | "isotonic";

export const PLATT_EPS = 1e-6;
/** Blocks beyond this are merged pairwise (adjacent, weighted) so a stored state stays small. */
export const MAX_ISOTONIC_POINTS = 256;

export function logit(p: number): number {
  const q = Math.min(1 - PLATT_EPS, Math.max(PLATT_EPS, p));
  return Math.log(q / (1 - q));
}

function labelsOf(p: ArrayLike<number>, y: ArrayLike<boolean | number>): { labels: Uint8Array; positives: number } {
  const n = p.length;
  if (y.length !== n) throw new RangeError("probabilities and labels differ in length");
  const labels = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    labels[i] = y[i] ? 1 : 0;
    positives += labels[i];
  }
  return { labels, positives };
}

/** Null when the rows hold only one class (nothing to fit) or the fit fails. */
export function fitPlatt(p: ArrayLike<number>, y: ArrayLike<boolean | number>): PlattParams | null {
  const n = p.length;
  const { labels, positives } = labelsOf(p, y);
  if (positives === 0 || positives === n) return null;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = logit(p[i]);
  const fit = fitLogistic({ rows: n, cols: 1, x, y: labels }, { lambda: 0 });
  const { intercept, slopes } = rawCoefficients(fit);
  if (!Number.isFinite(intercept) || !Number.isFinite(slopes[0])) return null;
  return { a: slopes[0], b: intercept };
}

export function applyPlatt(c: PlattParams, p: number): number {
  return sigmoid(c.a * logit(p) + c.b);
}

/** Null when the rows hold only one class. */
export function fitIsotonic(p: ArrayLike<number>, y: ArrayLike<boolean | number>): IsotonicParams | null {
  const n = p.length;
  const { labels, positives } = labelsOf(p, y);
  if (positives === 0 || positives === n) return null;
  const order = ascendingOrder(p) ?? Array.from({ length: n }, (_, i) => i).sort((i, j) => p[i] - p[j]);
  // Blocks as a stack: weight, Σx, Σy. Equal inputs start in one block (a step cannot split a tie).
  const w: number[] = [];
  const sx: number[] = [];
  const sy: number[] = [];
  for (let k = 0; k < n; ) {
    const v = p[order[k]];
    let cw = 0;
    let cy = 0;
    for (; k < n && p[order[k]] === v; k++) {
      cw++;
      cy += labels[order[k]];
    }
    w.push(cw);
    sx.push(v * cw);
    sy.push(cy);
    // Pool while the previous block's rate is not below this one's.
    while (w.length > 1 && sy[sy.length - 2] / w[w.length - 2] >= sy[sy.length - 1] / w[w.length - 1]) {
      const top = w.length - 1;
      w[top - 1] += w[top];
      sx[top - 1] += sx[top];
      sy[top - 1] += sy[top];
      w.pop();
      sx.pop();
      sy.pop();
    }
  }
  while (w.length > MAX_ISOTONIC_POINTS) {
    for (let b = 0; b + 1 < w.length; b++) {
      w[b] += w[b + 1];
      sx[b] += sx[b + 1];
      sy[b] += sy[b + 1];
      w.splice(b + 1, 1);
      sx.splice(b + 1, 1);
      sy.splice(b + 1, 1);
    }
  }
  // One pseudo-count of each class per block keeps outputs off 0 and 1 but can undo the order
  // of a small block and a large one, so the smoothed rates are pooled once more (weighted).
  const out: { w: number; sx: number; sr: number }[] = [];
  for (let b = 0; b < w.length; b++) {
    out.push({ w: w[b], sx: sx[b], sr: ((sy[b] + 1) / (w[b] + 2)) * w[b] });
    while (out.length > 1 && out[out.length - 2].sr / out[out.length - 2].w > out[out.length - 1].sr / out[out.length - 1].w) {
      const top = out.pop()!;
      const prev = out[out.length - 1];
      prev.w += top.w;
      prev.sx += top.sx;
      prev.sr += top.sr;
    }
  }
  return { kind: "isotonic", x: out.map((o) => o.sx / o.w), y: out.map((o) => o.sr / o.w) };
}

export function applyIsotonic(c: IsotonicParams, p: number): number {
  const { x, y } = c;
  if (!(p > x[0])) return y[0];
  const last = x.length - 1;
  if (p >= x[last]) return y[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  return y[lo] + ((y[hi] - y[lo]) * (p - x[lo])) / (x[hi] - x[lo]);
}

export function fitCalibration(kind: CalibrationKind, p: ArrayLike<number>, y: ArrayLike<boolean | number>): Calibration | null {
  return kind === "isotonic" ? fitIsotonic(p, y) : fitPlatt(p, y);
}

export function applyCalibration(c: Calibration, p: number): number {
  return c.kind === "isotonic" ? applyIsotonic(c, p) : applyPlatt(c, p);
}
