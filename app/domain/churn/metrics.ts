/**
 * Accuracy of churn probabilities against observed labels (docs/scoring.md, "Churn champion").
 * Labels: truthy = positive ("churned": no purchase in the window). All pure, no allocation
 * beyond rocAuc's sort order (ascending-order.ts).
 */
import { ascendingOrder } from "../ascending-order";

/**
 * Rank-based AUC (Mann–Whitney U): the probability that a random positive scores higher than a
 * random negative, ties counting one half. Null when there are no positives or no negatives.
 * `order`, when the caller has one, lists the indices by ascending score (ties in any order).
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>, order?: ArrayLike<number>): number | null {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError("scores and labels differ in length");
  order ??= ascendingOrder(scores) ?? Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based; tied scores share the mean rank
    for (let k = i; k <= j; k++) {
      if (positive[order[k]]) {
        nPos++;
        rankSumPos += midRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Probabilities are clipped to [LOG_LOSS_EPS, 1 − LOG_LOSS_EPS] so a confident miss costs ~34.5, not ∞. */
export const LOG_LOSS_EPS = 1e-15;

function checkLengths(p: ArrayLike<number>, y: ArrayLike<boolean | number>): number {
  if (p.length !== y.length) throw new RangeError("probabilities and labels differ in length");
  return p.length;
}

/** One row's −[y ln p + (1−y) ln(1−p)], the probability clipped at 1e-15. */
function logLossTerm(p: number, y: boolean | number): number {
  // The probability given to what happened, clipped: 1 − p is formed first, so p = 1 with
  // y = 0 costs exactly −ln(1e-15) (1 − 1e-15 is not representable exactly).
  const q = y ? p : 1 - p;
  return -Math.log(Math.min(1, Math.max(LOG_LOSS_EPS, q)));
}

/** Mean negative log-likelihood −[y ln p + (1−y) ln(1−p)], each probability clipped at 1e-15; null when empty. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<boolean | number>): number | null {
  const n = checkLengths(p, y);
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += logLossTerm(p[i], y[i]);
  return s / n;
}

/** The per-row terms whose mean logLoss is (for paired comparisons of two models on the same rows). */
export function logLossTerms(p: ArrayLike<number>, y: ArrayLike<boolean | number>): Float64Array {
  const n = checkLengths(p, y);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logLossTerm(p[i], y[i]);
  return out;
}

/** Mean squared error (p − y)²; null when empty. */
export function brier(p: ArrayLike<number>, y: ArrayLike<boolean | number>): number | null {
  const n = checkLengths(p, y);
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - (y[i] ? 1 : 0);
    s += d * d;
  }
  return s / n;
}

export const ECE_BINS = 10;

/**
 * Expected calibration error with equal-width bins on [0, 1]: ECE = Σ_b n_b/N · |mean(p) − mean(y)|
 * over the non-empty bins; bin b holds b/10 ≤ p < (b+1)/10 (p = 1 goes to the last bin).
 * Null when empty.
 */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<boolean | number>, bins = ECE_BINS): number | null {
  const n = checkLengths(p, y);
  if (n === 0) return null;
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    count[b]++;
    sumP[b] += p[i];
    if (y[i]) sumY[b]++;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) e += Math.abs(sumP[b] - sumY[b]) / n; // n_b/N·|Σp/n_b − Σy/n_b|
  return e;
}
