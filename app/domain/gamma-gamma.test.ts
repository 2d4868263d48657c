import { describe, expect, it } from "vitest";
import { conditionalExpectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, gammaGammaLogLikelihoodWithGradient, spendData } from "./gamma-gamma";
import { loadCdnowSummary } from "../../test/support/cdnow";

const cdnow = loadCdnowSummary("cdnow_customers_summary_with_transactions.csv");
const data = spendData(cdnow.x, cdnow.zbar);

describe("Gamma-Gamma on CDNOW", () => {
  it("uses the 946 repeat buyers and reproduces p, q, γ = 6.25, 3.74, 15.44 to 2 decimals", () => {
    expect(data.count).toBe(946);
    const fit = fitGammaGamma(data);
    expect(fit.converged).toBe(true);
    // "to 2 decimals" in the numpy sense used by lifetimes: |diff| < 1.5e-2
    expect(Math.abs(fit.params.p - 6.25)).toBeLessThan(0.015);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.015);
    expect(Math.abs(fit.params.gamma - 15.44)).toBeLessThan(0.015);
  });

  it("gradient matches finite differences", () => {
    const p = { p: 5, q: 3, gamma: 12 };
    const g = [0, 0, 0];
    gammaGammaLogLikelihoodWithGradient(p, data, g);
    (["p", "q", "gamma"] as const).forEach((k, i) => {
      const h = 1e-6;
      const num = (gammaGammaLogLikelihood({ ...p, [k]: p[k] * Math.exp(h) }, data) - gammaGammaLogLikelihood({ ...p, [k]: p[k] * Math.exp(-h) }, data)) / (2 * h);
      expect(g[i]).toBeCloseTo(num, 2);
    });
  });

  it("conditional spend shrinks m̄ toward the population mean", () => {
    const p = { p: 6.25, q: 3.74, gamma: 15.44 };
    const popMean = (15.44 * 6.25) / 2.74;
    expect(conditionalExpectedAverageSpend(p, 0, 0)).toBeCloseTo(popMean, 10);
    const one = conditionalExpectedAverageSpend(p, 1, 100);
    const many = conditionalExpectedAverageSpend(p, 20, 100);
    expect(one).toBeGreaterThan(popMean);
    expect(many).toBeGreaterThan(one); // more repeat purchases → more weight on the customer's own mean
    expect(many).toBeLessThan(100);
    const w = 6.25 / (6.25 + 2.74);
    expect(one).toBeCloseTo((1 - w) * popMean + w * 100, 10);
  });
});
