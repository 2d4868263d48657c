/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005 "RFM and CLV"; Hardie note 025),
 * fitted on repeat buyers only (x > 0, m̄ > 0), m̄ = mean value of the repeat purchase days.
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import digamma from "@stdlib/math-base-special-digamma";
import { type MinimizeResult, bfgs, minimize } from "./optimize";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLik: number;
  converged: boolean;
  customers: number;
}

/** Repeat buyers' (x, m̄) pairs; rows with x <= 0 or m̄ <= 0 are dropped by the builder. */
export interface SpendData {
  count: number;
  x: Float64Array;
  mean: Float64Array;
  /** ln m̄, precomputed once because it does not depend on the parameters. */
  logMean: Float64Array;
}

export function spendData(x: ArrayLike<number>, mean: ArrayLike<number>): SpendData {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] > 0 && mean[i] > 0 && Number.isFinite(mean[i])) keep.push(i);
  const xs = Float64Array.from(keep, (i) => x[i]);
  const ms = Float64Array.from(keep, (i) => mean[i]);
  return { count: keep.length, x: xs, mean: ms, logMean: ms.map(Math.log) };
}

/**
 * ln f(m̄ | p, q, γ, x) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + px ln x + (px−1) ln m̄ − (px+q) ln(γ + x m̄)
 * Terms that depend only on x are computed once per distinct x.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const perX = new Map<number, number>();
  const base = -gammaln(q) + q * Math.log(gamma);
  let total = 0;
  for (let i = 0; i < data.count; i++) {
    const x = data.x[i];
    let c = perX.get(x);
    if (c === undefined) {
      c = base + gammaln(p * x + q) - gammaln(p * x) + p * x * Math.log(x);
      perX.set(x, c);
    }
    total += c + (p * x - 1) * data.logMean[i] - (p * x + q) * Math.log(gamma + x * data.mean[i]);
  }
  return total;
}

/**
 * Log-likelihood and gradient with respect to (ln p, ln q, ln γ):
 *   ∂/∂p = x[ψ(px+q) − ψ(px) + ln x + ln m̄ − ln(γ + x m̄)]
 *   ∂/∂q = ψ(px+q) − ψ(q) + ln γ − ln(γ + x m̄)
 *   ∂/∂γ = q/γ − (px+q)/(γ + x m̄)
 */
export function gammaGammaLogLikelihoodWithGradient(params: GammaGammaParams, data: SpendData, gradLog: number[]): number {
  const { p, q, gamma } = params;
  gradLog.fill(0);
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const perX = new Map<number, { c: number; dp: number; dq: number }>();
  const base = -gammaln(q) + q * Math.log(gamma);
  const psiQ = digamma(q);
  const logGamma = Math.log(gamma);
  let total = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let i = 0; i < data.count; i++) {
    const x = data.x[i];
    let k = perX.get(x);
    if (k === undefined) {
      const psiPxq = digamma(p * x + q);
      k = {
        c: base + gammaln(p * x + q) - gammaln(p * x) + p * x * Math.log(x),
        dp: x * (psiPxq - digamma(p * x) + Math.log(x)),
        dq: psiPxq - psiQ + logGamma,
      };
      perX.set(x, k);
    }
    const lm = data.logMean[i];
    const denom = gamma + x * data.mean[i];
    const ld = Math.log(denom);
    total += k.c + (p * x - 1) * lm - (p * x + q) * ld;
    gp += k.dp + x * (lm - ld);
    gq += k.dq - ld;
    gg += q / gamma - (p * x + q) / denom;
  }
  gradLog[0] = gp * p;
  gradLog[1] = gq * q;
  gradLog[2] = gg * gamma;
  return total;
}

const fromLog = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) });

/** MLE on log-parameters: BFGS on the analytic gradient, Nelder-Mead if that does not converge. */
export function fitGammaGamma(data: SpendData): GammaGammaFit {
  const n = Math.max(1, data.count);
  let meanSpend = 0;
  for (let i = 0; i < data.count; i++) meanSpend += data.mean[i];
  meanSpend = data.count > 0 ? meanSpend / data.count : 1;
  // Start where the implied mean spend γp/(q−1) equals the observed mean (p = 1, q = 2).
  const start = [0, Math.log(2), Math.log(meanSpend)];
  const fg = (v: number[], grad: number[]) => {
    const ll = gammaGammaLogLikelihoodWithGradient(fromLog(v), data, grad);
    for (let i = 0; i < 3; i++) grad[i] = -grad[i] / n;
    return -ll / n;
  };
  let res: MinimizeResult = bfgs(fg, start);
  if (!res.converged) {
    res = minimize((v) => -gammaGammaLogLikelihood(fromLog(v), data) / n, res.fx < fg(start, [0, 0, 0]) ? res.x : start);
  }
  const params = fromLog(res.x);
  const logLik = gammaGammaLogLikelihood(params, data);
  const sane = Object.values(params).every((v) => Number.isFinite(v) && v > 1e-8 && v < 1e10);
  return { params, logLik, converged: res.converged && sane && data.count > 0, customers: data.count };
}

/**
 * E[M | p, q, γ, x, m̄] = (1−w)·γp/(q−1) + w·m̄ with w = px/(px+q−1).
 * Needs q > 1 (finite population mean); for x = 0 it is the population mean γp/(q−1).
 */
export function conditionalExpectedAverageSpend(params: GammaGammaParams, x: number, mean: number): number {
  const { p, q, gamma } = params;
  const populationMean = (gamma * p) / (q - 1);
  if (x <= 0 || !(mean > 0)) return populationMean;
  const w = (p * x) / (p * x + q - 1);
  return (1 - w) * populationMean + w * mean;
}
