/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * Time unit is whatever the summaries use (days in the app, weeks for the CDNOW file).
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import betaln from "@stdlib/math-base-special-betaln";
import { hyp2f1 } from "./hyp2f1";
import digamma from "@stdlib/math-base-special-digamma";
import { type MinimizeResult, bfgs, minimize } from "./optimize";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLik: number;
  converged: boolean;
  customers: number;
  evaluations: number;
}

/**
 * Unique (x, t_x, T) tuples with multiplicities, plus index arrays into the distinct x, t_x
 * and T values: the log-likelihood then needs one log per distinct value, not per customer.
 * Exact: the likelihood is a weighted sum over identical summaries.
 */
export interface BtydTuples {
  count: number;
  customers: number;
  weight: Float64Array;
  xIdx: Int32Array;
  txIdx: Int32Array;
  TIdx: Int32Array;
  xValues: Float64Array;
  txValues: Float64Array;
  TValues: Float64Array;
}

/**
 * First-appearance index of each distinct number, on an open-addressing hash table of typed
 * arrays: Map<number, number> was most of compressTuples' time on a million customers (one
 * call per backtest cut). Keys compare as a Map's do (SameValueZero: −0 is 0, NaN is NaN).
 */
class ValueIndex {
  private keys = new Float64Array(1024);
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  private nanSlot = -1;
  /** Small non-negative integers (day counts) index a plain array instead: no hashing, cache-resident. */
  private direct = new Int32Array(DIRECT_VALUES).fill(-1);
  values: number[] = [];
  get(v: number): number {
    if (v >= 0 && v < DIRECT_VALUES && v === (v | 0)) {
      let i = this.direct[v];
      if (i < 0) {
        i = this.direct[v] = this.values.length;
        this.values.push(v);
      }
      return i;
    }
    if (v !== v) {
      if (this.nanSlot < 0) {
        this.nanSlot = this.values.length;
        this.values.push(v);
      }
      return this.nanSlot;
    }
    let h = hashNumber(v) & this.mask;
    for (;;) {
      const slot = this.slots[h];
      if (slot < 0) break;
      if (this.keys[h] === v) return slot;
      h = (h + 1) & this.mask;
    }
    const i = this.values.length;
    this.keys[h] = v;
    this.slots[h] = i;
    this.values.push(v);
    if (2 * this.values.length > this.mask) this.grow();
    return i;
  }
  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    const size = 2 * keys.length;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let k = 0; k < keys.length; k++) {
      if (slots[k] < 0) continue;
      let h = hashNumber(keys[k]) & this.mask;
      while (this.slots[h] >= 0) h = (h + 1) & this.mask;
      this.keys[h] = keys[k];
      this.slots[h] = slots[k];
    }
  }
}

const DIRECT_VALUES = 1 << 14;
const hashBits = new Float64Array(1);
const hashWords = new Uint32Array(hashBits.buffer);
/** A well-mixed 32-bit hash of a number; −0 and 0 hash alike (both are small integers). */
function hashNumber(v: number): number {
  let h: number;
  if (v === (v | 0)) h = Math.imul(v, 0x9e3779b1);
  else {
    hashBits[0] = v;
    h = Math.imul(hashWords[0] ^ Math.imul(hashWords[1], 0x85ebca6b), 0x9e3779b1);
  }
  return h ^ (h >>> 15);
}

export function compressTuples(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>): BtydTuples {
  const n = x.length;
  const xs = new ValueIndex();
  const txs = new ValueIndex();
  const Ts = new ValueIndex();
  const xi = new Int32Array(n);
  const ti = new Int32Array(n);
  const Ti = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xi[i] = xs.get(x[i]);
    ti[i] = txs.get(tx[i]);
    Ti[i] = Ts.get(T[i]);
  }
  // Distinct-value indices are small integers, so a tuple key packs into one safe integer.
  const nx = xs.values.length;
  const ntx = txs.values.length;
  const nT = Ts.values.length;
  const packable = nx * ntx * nT < 2 ** 52;
  const tupleOf = new ValueIndex();
  const strMap = new Map<string, number>();
  // Tuples in order of first appearance (the likelihood sums over them in this order).
  const tupleFirst = new Int32Array(n);
  const w = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let slot: number;
    if (packable) slot = tupleOf.get((xi[i] * ntx + ti[i]) * nT + Ti[i]);
    else {
      const key = `${xi[i]},${ti[i]},${Ti[i]}`;
      const known = strMap.get(key);
      if (known === undefined) strMap.set(key, (slot = count));
      else slot = known;
    }
    if (slot === count) tupleFirst[count++] = i;
    w[slot]++;
  }
  const xIdx = new Int32Array(count);
  const txIdx = new Int32Array(count);
  const TIdx = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const i = tupleFirst[s];
    xIdx[s] = xi[i];
    txIdx[s] = ti[i];
    TIdx[s] = Ti[i];
  }
  return {
    count,
    customers: n,
    weight: w.slice(0, count),
    xIdx,
    txIdx,
    TIdx,
    xValues: Float64Array.from(xs.values),
    txValues: Float64Array.from(txs.values),
    TValues: Float64Array.from(Ts.values),
  };
}

/**
 * Terms that depend on x only, once per distinct x: the constant part of ln L
 * and ln of the odds a/(b+x−1) of the "dropped out after the last purchase" term.
 */
function perXTerms(params: BgNbdParams, xValues: ArrayLike<number>): { constX: Float64Array; logOddsX: Float64Array } {
  const { r, alpha, a, b } = params;
  const constX = new Float64Array(xValues.length);
  const logOddsX = new Float64Array(xValues.length);
  const base = -gammaln(r) + r * Math.log(alpha) - betaln(a, b);
  const logA = Math.log(a);
  for (let j = 0; j < xValues.length; j++) {
    const x = xValues[j];
    constX[j] = base + gammaln(r + x) + betaln(a, b + x);
    logOddsX[j] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  return { constX, logOddsX };
}

/**
 * Total log-likelihood. Per customer
 *   ln L = lnΓ(r+x) − lnΓ(r) + r ln α + lnB(a, b+x) − lnB(a, b)
 *        + ln[ (α+T)^−(r+x) + [x>0] a/(b+x−1) (α+t_x)^−(r+x) ]
 * with the last term evaluated by log-sum-exp, so large x or T never under/overflow.
 */
export function logLikelihood(params: BgNbdParams, data: BtydTuples): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const { constX, logOddsX } = perXTerms(params, data.xValues);
  const logAT = data.TValues.map((T) => Math.log(alpha + T));
  const logAtx = data.txValues.map((tx) => Math.log(alpha + tx));
  const { weight, xIdx, txIdx, TIdx, xValues } = data;
  let total = 0;
  for (let i = 0; i < data.count; i++) {
    const j = xIdx[i];
    const rx = r + xValues[j];
    const termT = -rx * logAT[TIdx[i]];
    let ll: number;
    if (xValues[j] > 0) {
      const termTx = logOddsX[j] - rx * logAtx[txIdx[i]];
      ll = termT > termTx ? termT + Math.log1p(Math.exp(termTx - termT)) : termTx + Math.log1p(Math.exp(termT - termTx));
    } else {
      ll = termT;
    }
    total += weight[i] * (constX[j] + ll);
  }
  return total;
}

/**
 * Log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b), in one pass.
 * With s3, s4 the log-sum-exp weights of the two terms (s3 + s4 = 1):
 *   ∂/∂r = ψ(r+x) − ψ(r) + ln α − s3 ln(α+T) − s4 ln(α+t_x)
 *   ∂/∂α = r/α − (r+x)(s3/(α+T) + s4/(α+t_x))
 *   ∂/∂a = ψ(a+b) − ψ(a+b+x) + s4/a
 *   ∂/∂b = ψ(b+x) − ψ(a+b+x) − ψ(b) + ψ(a+b) − s4/(b+x−1)
 */
export function logLikelihoodWithGradient(params: BgNbdParams, data: BtydTuples, gradLog: number[]): number {
  const { r, alpha, a, b } = params;
  gradLog.fill(0);
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const nx = data.xValues.length;
  const { constX, logOddsX } = perXTerms(params, data.xValues);
  const invBx = data.xValues.map((x) => (x > 0 ? 1 / (b + x - 1) : 0));
  const weightX = new Float64Array(nx);
  const logAT = data.TValues.map((T) => Math.log(alpha + T));
  const invAT = data.TValues.map((T) => 1 / (alpha + T));
  const logAtx = data.txValues.map((tx) => Math.log(alpha + tx));
  const invAtx = data.txValues.map((tx) => 1 / (alpha + tx));
  const { weight, xIdx, txIdx, TIdx, xValues } = data;
  let total = 0;
  let gr = 0;
  let galpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < data.count; i++) {
    const j = xIdx[i];
    const w = weight[i];
    weightX[j] += w;
    const rx = r + xValues[j];
    const lT = logAT[TIdx[i]];
    const termT = -rx * lT;
    if (xValues[j] > 0) {
      const lTx = logAtx[txIdx[i]];
      const termTx = logOddsX[j] - rx * lTx;
      let ll: number;
      let s4: number;
      if (termT > termTx) {
        const e = Math.exp(termTx - termT);
        ll = termT + Math.log1p(e);
        s4 = e / (1 + e);
      } else {
        const e = Math.exp(termT - termTx);
        ll = termTx + Math.log1p(e);
        s4 = 1 / (1 + e);
      }
      const s3 = 1 - s4;
      total += w * (constX[j] + ll);
      gr -= w * (s3 * lT + s4 * lTx);
      galpha -= w * rx * (s3 * invAT[TIdx[i]] + s4 * invAtx[txIdx[i]]);
      ga += (w * s4) / a;
      gb -= w * s4 * invBx[j];
    } else {
      total += w * (constX[j] + termT);
      gr -= w * lT;
      galpha -= w * rx * invAT[TIdx[i]];
    }
  }
  // Terms that depend on x only, weighted by how many customers have each x.
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  for (let j = 0; j < nx; j++) {
    const w = weightX[j];
    if (w === 0) continue;
    const x = xValues[j];
    const psiABx = digamma(a + b + x);
    gr += w * (digamma(r + x) - psiR + Math.log(alpha));
    galpha += (w * r) / alpha;
    ga += w * (psiAB - psiABx);
    gb += w * (digamma(b + x) - psiABx - psiB + psiAB);
  }
  gradLog[0] = gr * r;
  gradLog[1] = galpha * alpha;
  gradLog[2] = ga * a;
  gradLog[3] = gb * b;
  return total;
}

/** Tuple count above which the fit first runs on a subsample (see fitBgNbd). */
const SUBSAMPLE_ABOVE_TUPLES = 40_000;

/**
 * Deterministic thinning of the tuples: each weight w becomes floor(w·fraction + u) with u a
 * fixed pseudo-random number per tuple (unbiased stochastic rounding); zero weights drop out.
 */
export function subsampleTuples(data: BtydTuples, fraction: number): BtydTuples {
  const keep: number[] = [];
  const w: number[] = [];
  let seed = 0x9e3779b9;
  let customers = 0;
  for (let i = 0; i < data.count; i++) {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    const u = seed / 4294967296;
    const k = Math.floor(data.weight[i] * fraction + u);
    if (k > 0) {
      keep.push(i);
      w.push(k);
      customers += k;
    }
  }
  return {
    ...data,
    count: keep.length,
    customers,
    weight: Float64Array.from(w),
    xIdx: Int32Array.from(keep, (i) => data.xIdx[i]),
    txIdx: Int32Array.from(keep, (i) => data.txIdx[i]),
    TIdx: Int32Array.from(keep, (i) => data.TIdx[i]),
  };
}

const fromLog = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]), alpha: Math.exp(v[1]), a: Math.exp(v[2]), b: Math.exp(v[3]) });

/**
 * Maximum-likelihood fit over log-parameters (keeps all four positive without constraints).
 * BFGS on the analytic gradient first (fast on large shops); if it does not converge,
 * Nelder-Mead with restarts from the best point found, unless `fallback: false` (it can take
 * seconds on data without a dropout signal: too slow to repeat at every backtest cut).
 * `maxEvaluations` caps the likelihood evaluations of all the BFGS runs together; a fit that
 * reaches it has not converged.
 */
export function fitBgNbd(data: BtydTuples, opts: { fallback?: boolean; maxEvaluations?: number } = {}): BgNbdFit {
  const n = Math.max(1, data.customers);
  // Start alpha at the mean observation length: alpha is a time scale, so this puts the
  // start in the right units whatever the data's unit is.
  let meanT = 0;
  for (let i = 0; i < data.count; i++) meanT += data.weight[i] * data.TValues[data.TIdx[i]];
  meanT = Math.max(1e-6, meanT / n);
  const start = [0, Math.log(meanT), 0, 0];
  const fg = (v: number[], grad: number[]) => {
    const ll = logLikelihoodWithGradient(fromLog(v), data, grad);
    for (let i = 0; i < 4; i++) grad[i] = -grad[i] / n;
    return -ll / n;
  };
  let evaluations = 0;
  // What is left of the budget for the next BFGS run (each run counts against the same budget).
  const left = () => Math.max(0, (opts.maxEvaluations ?? Number.POSITIVE_INFINITY) - evaluations);
  let warm: { x: number[]; inverseHessian: number[][] } | null = null;
  if (data.count > SUBSAMPLE_ABOVE_TUPLES) {
    // Large shop: most iterations only need to get near the optimum, so take them on a
    // subsample, then finish on the full (exact) likelihood from there with the learned
    // curvature. The answer is still the full-data MLE; only the path is cheaper.
    const sub = subsampleTuples(data, SUBSAMPLE_ABOVE_TUPLES / 2 / data.count);
    const subN = Math.max(1, sub.customers);
    const subRes = bfgs((v, grad) => {
      const ll = logLikelihoodWithGradient(fromLog(v), sub, grad);
      for (let i = 0; i < 4; i++) grad[i] = -grad[i] / subN;
      return -ll / subN;
    }, start, { maxEvaluations: left() });
    evaluations += subRes.evaluations;
    if (subRes.converged) warm = subRes;
  }
  let res: MinimizeResult = warm ? bfgs(fg, warm.x, { initialInverseHessian: warm.inverseHessian, maxEvaluations: left() }) : bfgs(fg, start, { maxEvaluations: left() });
  evaluations += res.evaluations;
  if (!res.converged && warm && left() > 0) {
    res = bfgs(fg, start, { maxEvaluations: left() });
    evaluations += res.evaluations;
  }
  if (!res.converged && opts.fallback !== false) {
    const nm = minimize((v) => -logLikelihood(fromLog(v), data) / n, res.fx < fg(start, [0, 0, 0, 0]) ? res.x : start);
    evaluations += nm.evaluations;
    res = nm;
  }
  const params = fromLog(res.x);
  const logLik = logLikelihood(params, data);
  const sane = Object.values(params).every((p) => Number.isFinite(p) && p > 1e-8 && p < 1e8);
  return { params, logLik, converged: res.converged && sane && Number.isFinite(logLik), customers: data.customers, evaluations };
}

/** P(alive | x, t_x, T). Exactly 1 for x = 0 (a model assumption). */
export function pAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  // a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), computed in logs to avoid overflow for large x.
  const logOdds = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** Probability of no purchase in the next H time units: 1 − pAlive + pAlive·((α+T)/(α+T+H))^(r+x). */
export function churnProbability(p: BgNbdParams, x: number, tx: number, T: number, horizon: number): number {
  const alive = pAlive(p, x, tx, T);
  const noPurchaseIfAlive = Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + T + horizon)));
  return 1 - alive + alive * noPurchaseIfAlive;
}

/**
 * The part of the conditional expectation that does not depend on t_x:
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))].
 * Multiply by pAlive to get E[Y(t) | x, t_x, T]. Split out so callers can cache it on (x, T).
 */
export function expectedPurchasesIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const lead = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
  return ((a + b + x - 1) / (a - 1)) * (1 - lead * f);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units (FHL 2005 eq. 10). */
export function conditionalExpectedPurchases(p: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  return pAlive(p, x, tx, T) * expectedPurchasesIfAlive(p, x, T, t);
}

/** Unconditional E[X(t)] for a new customer (FHL 2005 eq. 7):
 *  (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]. */
export function unconditionalExpectedPurchases(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}
