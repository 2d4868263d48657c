import { describe, expect, it } from "vitest";
import { createRng, sampleNormal } from "../../../test/support/random";
import { type Design, fitLogistic, logisticObjective, predictLogistic, rawCoefficients, standardisation } from "./logistic";

const logit = (p: number) => Math.log(p / (1 - p));

/** n rows of d standard-normal features, labels drawn from a known logistic model. */
function synthetic(seed: string, n: number, beta: number[], bias: number): Design {
  const rng = createRng(seed);
  const d = beta.length;
  const x = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = bias;
    for (let j = 0; j < d; j++) {
      x[i * d + j] = sampleNormal(rng) * (j + 1); // different scales
      z += beta[j] * x[i * d + j];
    }
    y[i] = rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { rows: n, cols: d, x, y };
}

/** The standardised matrix the fit works on (for the numerical gradient). */
function standardisedOf(d: Design, means: number[], scales: number[]): Float64Array {
  return d.x.map((v, k) => (v - means[k % d.cols]) / scales[k % d.cols]);
}

describe("fitLogistic", () => {
  it("matches the closed-form MLE with one binary feature and no penalty", () => {
    // Group 0: 200 rows, 50 positives (rate 1/4); group 1: 100 rows, 70 positives (rate 0.7).
    // MLE: intercept = logit(1/4) = −ln 3, slope = logit(0.7) − logit(1/4).
    const rows = 300;
    const x = new Float64Array(rows);
    const y = new Uint8Array(rows);
    for (let i = 0; i < 200; i++) y[i] = i < 50 ? 1 : 0;
    for (let i = 200; i < 300; i++) {
      x[i] = 1;
      y[i] = i < 270 ? 1 : 0;
    }
    const fit = fitLogistic({ rows, cols: 1, x, y }, { lambda: 0, gradTolerance: 1e-10 });
    expect(fit.converged).toBe(true);
    const { intercept, slopes } = rawCoefficients(fit);
    expect(intercept).toBeCloseTo(-Math.log(3), 8);
    expect(slopes[0]).toBeCloseTo(logit(0.7) - logit(0.25), 8);
    // Predictions reproduce the group rates.
    const p = predictLogistic(fit, Float64Array.of(0, 1), 2);
    expect(p[0]).toBeCloseTo(0.25, 9);
    expect(p[1]).toBeCloseTo(0.7, 9);
    // Standardisation: mean 1/3, population sd √(1/3·2/3).
    expect(fit.means[0]).toBeCloseTo(1 / 3, 12);
    expect(fit.scales[0]).toBeCloseTo(Math.sqrt(2 / 9), 12);
  });

  it("with a penalty, stops where the numerical gradient of the objective is zero", () => {
    const d = synthetic("grad", 2000, [0.8, -0.3, 0.05], -0.4);
    const lambda = 0.05;
    const fit = fitLogistic(d, { lambda });
    expect(fit.converged).toBe(true);
    const s = standardisedOf(d, fit.means, fit.scales);
    const params = [fit.bias, ...fit.weights];
    const h = 1e-5;
    for (let k = 0; k < params.length; k++) {
      const up = params.slice();
      const down = params.slice();
      up[k] += h;
      down[k] -= h;
      const numeric = (logisticObjective(up, s, d, lambda) - logisticObjective(down, s, d, lambda)) / (2 * h);
      expect(Math.abs(numeric)).toBeLessThan(1e-5);
    }
    // And the analytic gradient agrees with central differences away from the optimum.
    const away = [0.3, -0.2, 0.5, 0.1];
    const grad = [0, 0, 0, 0];
    logisticObjective(away, s, d, lambda, grad);
    for (let k = 0; k < away.length; k++) {
      const up = away.slice();
      const down = away.slice();
      up[k] += h;
      down[k] -= h;
      const numeric = (logisticObjective(up, s, d, lambda) - logisticObjective(down, s, d, lambda)) / (2 * h);
      expect(grad[k]).toBeCloseTo(numeric, 7);
    }
  });

  it("shrinks the coefficients monotonically as λ grows, never the intercept's role", () => {
    const d = synthetic("shrink", 1500, [1.2, -0.7], 0.3);
    let prevNorm = Infinity;
    let prev: number[] | null = null;
    for (const lambda of [0, 1e-3, 1e-2, 0.1, 1, 10]) {
      const fit = fitLogistic(d, { lambda, gradTolerance: 1e-10 });
      const norm = Math.hypot(...fit.weights);
      expect(norm).toBeLessThan(prevNorm);
      if (prev) fit.weights.forEach((w, j) => expect(Math.abs(w)).toBeLessThanOrEqual(Math.abs(prev![j]) + 1e-12));
      prevNorm = norm;
      prev = fit.weights;
      // The unpenalised bias keeps the mean prediction at the base rate (a score equation).
      const p = predictLogistic(fit, d.x, d.rows);
      const meanP = p.reduce((a, v) => a + v, 0) / d.rows;
      const rate = d.y.reduce((a, v) => a + v, 0) / d.rows;
      expect(meanP).toBeCloseTo(rate, 6);
    }
  });

  it("is deterministic and invariant to the units of a feature", () => {
    const d = synthetic("units", 1000, [0.5, 0.5], 0);
    const a = fitLogistic(d, { lambda: 0.01 });
    const b = fitLogistic(d, { lambda: 0.01 });
    expect(b).toEqual(a);
    const scaled: Design = { ...d, x: d.x.map((v, k) => (k % 2 === 0 ? v * 1000 : v)) };
    const c = fitLogistic(scaled, { lambda: 0.01 });
    const pa = predictLogistic(a, d.x, d.rows);
    const pc = predictLogistic(c, scaled.x, d.rows);
    for (let i = 0; i < d.rows; i++) expect(pc[i]).toBeCloseTo(pa[i], 6);
  });

  it("gives a constant feature scale 1 and weight 0", () => {
    const d = synthetic("const", 500, [1, 0], 0);
    for (let i = 0; i < d.rows; i++) d.x[i * 2 + 1] = 7;
    const { means, scales } = standardisation(d);
    expect(means[1]).toBe(7);
    expect(scales[1]).toBe(1);
    expect(fitLogistic(d, { lambda: 0.01 }).weights[1]).toBe(0);
  });
});
