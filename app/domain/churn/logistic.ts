/**
 * L2-regularised logistic regression on standardised features, fitted by BFGS
 * (app/domain/optimize.ts) on the analytic gradient. Deterministic: fixed start (all zeros
 * unless warm-started), fixed summation order.
 *
 * Objective, with s_ij = (x_ij − mean_j)/scale_j and z_i = bias + Σ_j w_j s_ij:
 *   J = (1/Σv) Σ_i v_i [ln(1 + e^{z_i}) − y_i z_i] + (λ/2) Σ_j w_j²
 * (v_i optional row weights, default 1; the bias is not penalised). Gradient:
 *   ∂J/∂bias = (1/Σv) Σ_i v_i (σ(z_i) − y_i),  ∂J/∂w_j = (1/Σv) Σ_i v_i (σ(z_i) − y_i) s_ij + λ w_j.
 */
import { bfgs } from "../optimize";

/** A design matrix: `rows` × `cols`, row-major, with 0/1 labels and optional row weights. */
export interface Design {
  rows: number;
  cols: number;
  x: Float64Array;
  y: Uint8Array;
  weight?: Float64Array;
}

export interface LogisticModel {
  /** Per feature: the mean and scale used to standardise it (scale 1 for a constant feature). */
  means: number[];
  scales: number[];
  /** Coefficients on the standardised features. */
  weights: number[];
  bias: number;
  lambda: number;
}

export interface LogisticFit extends LogisticModel {
  converged: boolean;
  /** Value of the objective J at the solution. */
  objective: number;
  /** Objective evaluations BFGS used. */
  evaluations: number;
  /** BFGS's final inverse-Hessian approximation (to warm-start a neighbouring fit). */
  inverseHessian: number[][];
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Column means and population standard deviations (weighted when the design has weights). */
export function standardisation(d: Design): { means: number[]; scales: number[] } {
  const { rows, cols, x, weight } = d;
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const v = weight ? weight[i] : 1;
    total += v;
    const o = i * cols;
    for (let j = 0; j < cols; j++) mean[j] += v * x[o + j];
  }
  for (let j = 0; j < cols; j++) mean[j] /= total || 1;
  for (let i = 0; i < rows; i++) {
    const v = weight ? weight[i] : 1;
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const dlt = x[o + j] - mean[j];
      sq[j] += v * dlt * dlt;
    }
  }
  const scales = Array.from(sq, (s) => {
    const sd = Math.sqrt(s / (total || 1));
    return sd > 1e-12 ? sd : 1;
  });
  return { means: Array.from(mean), scales };
}

function standardised(d: Design, means: readonly number[], scales: readonly number[]): Float64Array {
  const { rows, cols, x } = d;
  const s = new Float64Array(rows * cols);
  for (let i = 0, o = 0; i < rows; i++) for (let j = 0; j < cols; j++, o++) s[o] = (x[o] - means[j]) / scales[j];
  return s;
}

/**
 * J and its gradient at params = [bias, w_1..w_d] on an already standardised matrix `s`.
 * Exported for the tests (numerical gradient check).
 */
export function logisticObjective(params: ArrayLike<number>, s: Float64Array, d: Design, lambda: number, grad?: number[]): number {
  const { rows, cols, y, weight } = d;
  const w = new Float64Array(cols);
  for (let j = 0; j < cols; j++) w[j] = params[j + 1];
  const gw = new Float64Array(cols);
  const bias = params[0];
  let gb = 0;
  let total = 0;
  let loss = 0;
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let z = bias;
    for (let j = 0; j < cols; j++) z += w[j] * s[o + j];
    const v = weight === undefined ? 1 : weight[i];
    const yi = y[i];
    total += v;
    // One exp per row: e = e^{−|z|}, ln(1 + e^z) = max(z, 0) + ln(1 + e), σ(z) from the same e.
    const e = Math.exp(-Math.abs(z));
    loss += v * ((z > 0 ? z : 0) + Math.log1p(e) - (yi ? z : 0));
    const r = v * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi);
    gb += r;
    for (let j = 0; j < cols; j++) gw[j] += r * s[o + j];
  }
  const inv = total > 0 ? 1 / total : 0;
  let penalty = 0;
  const g = grad ?? new Array<number>(cols + 1);
  g[0] = gb * inv;
  for (let j = 0; j < cols; j++) {
    g[j + 1] = gw[j] * inv + lambda * w[j];
    penalty += w[j] * w[j];
  }
  return loss * inv + 0.5 * lambda * penalty;
}

export interface FitLogisticOptions {
  lambda: number;
  /** Standardise the features (default true). Without it means are 0 and scales 1. */
  standardise?: boolean;
  /** Warm start on the standardised scale, [bias, w_1..w_d] (e.g. the fit at a neighbouring λ), optionally with its BFGS inverse Hessian. */
  start?: readonly number[];
  startInverseHessian?: number[][];
  maxIterations?: number;
  /** BFGS stops when the gradient norm is below this (default 1e-6: J is a per-row mean). */
  gradTolerance?: number;
}

export function fitLogistic(d: Design, opts: FitLogisticOptions): LogisticFit {
  if (d.x.length !== d.rows * d.cols || d.y.length !== d.rows) throw new RangeError("design dimensions do not match");
  const lambda = opts.lambda;
  if (!(lambda >= 0)) throw new RangeError(`lambda must be ≥ 0, got ${lambda}`);
  const { means, scales } =
    opts.standardise === false ? { means: new Array<number>(d.cols).fill(0), scales: new Array<number>(d.cols).fill(1) } : standardisation(d);
  const s = standardised(d, means, scales);
  const start = opts.start ? opts.start.slice() : new Array<number>(d.cols + 1).fill(0);
  const res = bfgs((p, grad) => logisticObjective(p, s, d, lambda, grad), start, {
    maxIterations: opts.maxIterations ?? 200,
    gradTolerance: opts.gradTolerance ?? 1e-6,
    initialInverseHessian: opts.startInverseHessian,
  });
  return {
    means,
    scales,
    weights: res.x.slice(1),
    bias: res.x[0],
    lambda,
    converged: res.converged,
    objective: res.fx,
    evaluations: res.evaluations,
    inverseHessian: res.inverseHessian,
  };
}

/** The linear predictor z for one raw (unstandardised) feature row starting at `offset`. */
export function linearPredictor(m: LogisticModel, x: ArrayLike<number>, offset = 0): number {
  let z = m.bias;
  for (let j = 0; j < m.weights.length; j++) z += (m.weights[j] * (x[offset + j] - m.means[j])) / m.scales[j];
  return z;
}

/** P(y = 1) for every row of a raw row-major matrix. */
export function predictLogistic(m: LogisticModel, x: Float64Array, rows: number, out = new Float64Array(rows)): Float64Array {
  const cols = m.weights.length;
  for (let i = 0; i < rows; i++) out[i] = sigmoid(linearPredictor(m, x, i * cols));
  return out;
}

/** The same model on the raw feature scale: z = intercept + Σ slope_j x_j. */
export function rawCoefficients(m: LogisticModel): { intercept: number; slopes: number[] } {
  const slopes = m.weights.map((w, j) => w / m.scales[j]);
  let intercept = m.bias;
  for (let j = 0; j < slopes.length; j++) intercept -= slopes[j] * m.means[j];
  return { intercept, slopes };
}
