import { describe, expect, it } from "vitest";
import {
  churnProbability,
  compressTuples,
  conditionalExpectedPurchases,
  fitBgNbd,
  logLikelihood,
  logLikelihoodWithGradient,
  pAlive,
  unconditionalExpectedPurchases,
} from "./bgnbd";
import { loadCdnowSummary } from "../../test/support/cdnow";

const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const cdnow = loadCdnowSummary("cdnow_customers_summary.csv");
const data = compressTuples(cdnow.x, cdnow.tx, cdnow.T);
const fit = fitBgNbd(data);

describe("BG/NBD on CDNOW (FHL 2005)", () => {
  it("reproduces the published parameters and log-likelihood", () => {
    expect(data.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(published.r, 3);
    expect(fit.params.alpha).toBeCloseTo(published.alpha, 3);
    expect(fit.params.a).toBeCloseTo(published.a, 3);
    expect(fit.params.b).toBeCloseTo(published.b, 3);
    expect(Math.abs(fit.logLik - -9582.4)).toBeLessThan(0.1);
  });

  it("an evaluation budget: ample, the published fit; too small, unconverged within it and no fallback", () => {
    const budgeted = fitBgNbd(data, { fallback: false, maxEvaluations: 1_500 });
    expect(budgeted.converged).toBe(true);
    expect(budgeted.params.r).toBeCloseTo(published.r, 3);
    expect(budgeted.params.b).toBeCloseTo(published.b, 3);
    const starved = fitBgNbd(data, { fallback: false, maxEvaluations: 5 });
    expect(starved.converged).toBe(false);
    expect(starved.evaluations).toBeLessThanOrEqual(5);
  });

  it("unique-tuple compression is exact", () => {
    expect(data.count).toBeLessThan(data.customers);
    // The same customers with no merging: one tuple per customer, weight 1.
    const n = cdnow.x.length;
    const oneEach = {
      ...data,
      count: n,
      customers: n,
      weight: new Float64Array(n).fill(1),
      xIdx: Int32Array.from(cdnow.x, (v) => data.xValues.indexOf(v)),
      txIdx: Int32Array.from(cdnow.tx, (v) => data.txValues.indexOf(v)),
      TIdx: Int32Array.from(cdnow.T, (v) => data.TValues.indexOf(v)),
    };
    const p = { r: 0.3, alpha: 5, a: 0.9, b: 2 };
    expect(logLikelihood(p, data)).toBeCloseTo(logLikelihood(p, oneEach), 6);
  });

  it("analytic gradient matches finite differences", () => {
    const p = { r: 0.4, alpha: 3, a: 1.3, b: 2.2 };
    const grad = [0, 0, 0, 0];
    logLikelihoodWithGradient(p, data, grad);
    const keys = ["r", "alpha", "a", "b"] as const;
    keys.forEach((k, i) => {
      const h = 1e-6;
      const up = { ...p, [k]: p[k] * Math.exp(h) };
      const dn = { ...p, [k]: p[k] * Math.exp(-h) };
      const numeric = (logLikelihood(up, data) - logLikelihood(dn, data)) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 2);
    });
  });

  it("Hardie's conditional expectation check: x=2, t_x=30.43, T=38.86, next 39 weeks = 1.226", () => {
    expect(Math.abs(conditionalExpectedPurchases(published, 2, 30.43, 38.86, 39) - 1.226)).toBeLessThan(0.001);
  });

  it("unconditional E[X(t)] at 1, 3, 32, 78 weeks (fitted parameters)", () => {
    const expected = [0.0532, 0.1506, 1.0437, 1.8576];
    [1, 3, 32, 78].forEach((t, i) => {
      expect(Math.abs(unconditionalExpectedPurchases(fit.params, t) - expected[i])).toBeLessThan(0.001);
    });
  });

  it("P(alive) is 1 for x = 0 and churn probability is still informative for them", () => {
    expect(pAlive(published, 0, 0, 38.86)).toBe(1);
    expect(pAlive(published, 0, 0, 5)).toBe(1);
    const early = churnProbability(published, 0, 0, 5, 39);
    const late = churnProbability(published, 0, 0, 38.86, 39);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(early); // longer silence → more likely churned
    expect(late).toBeLessThan(1);
  });

  it("P(alive) for a repeat buyer drops with time since last purchase", () => {
    const recent = pAlive(published, 3, 35, 38.86);
    const stale = pAlive(published, 3, 5, 38.86);
    expect(recent).toBeGreaterThan(stale);
    expect(recent).toBeLessThan(1);
    // hand formula: 1 / (1 + a/(b+x-1) * ((α+T)/(α+t_x))^(r+x))
    const hand = 1 / (1 + (0.793 / (2.426 + 2)) * ((4.414 + 38.86) / (4.414 + 5)) ** (0.243 + 3));
    expect(stale).toBeCloseTo(hand, 12);
  });
});
