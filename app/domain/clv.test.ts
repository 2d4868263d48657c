import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, expectedPurchasesIfAlive } from "./bgnbd";
import { CLV_HORIZONS_DAYS, predictedClv12m } from "./clv";

/** Σ_{i=1..12} 1.01^-i in closed form: (1 − 1.01^-12) / 0.01 = 11.255077473484630. */
const ANNUITY_12 = 11.25507747348463;

describe("predictedClv12m", () => {
  it("discounts each month's increment at 1 % a month", () => {
    // one purchase expected in month 1 only
    expect(predictedClv12m(50, new Array(12).fill(1))).toBeCloseTo(50 / 1.01, 12);
    // one purchase a month: a 12-month annuity, 10 · 11.255077473484630
    const linear = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(predictedClv12m(10, linear)).toBeCloseTo(112.5507747348463, 10);
    expect(predictedClv12m(10, new Array(12).fill(0))).toBe(0);
  });

  it("30.4375-day months: a BG/NBD case with a closed form (r = a + b − 1)", () => {
    // With r = a + b − 1 the hypergeometric in FHL 2005 eq. 10 has c equal to its first
    // parameter, 2F1(r+x, b+x; r+x; z) = (1 − z)^−(b+x) with 1 − z = (α+T)/(α+T+t), so
    //   E[Y(t) | alive] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(a−1)].
    // r = 2, a = 2, b = 1, α = 65.25, x = 1, T = 300: α + T = 365.25 days, and at the end of
    // month i (i · 365.25/12 days) E = 3 · t/(365.25 + t) = 3i/(12 + i): 3/13, 3/7, …, 36/24.
    const p = { r: 2, alpha: 65.25, a: 2, b: 1 };
    const cumulative = CLV_HORIZONS_DAYS.map((t) => expectedPurchasesIfAlive(p, 1, 300, t));
    cumulative.forEach((e, k) => expect(e).toBeCloseTo((3 * (k + 1)) / (12 + k + 1), 12));
    // Monthly increments 36/((11+i)(12+i)); Σ_{i=1..12} 36/((11+i)(12+i)·1.01^i) = 1.4259109154388416.
    expect(predictedClv12m(1000, cumulative)).toBeCloseTo(1425.9109154388416, 9);
  });

  it("no-dropout limit: a Poisson buyer at the posterior mean rate (b → ∞)", () => {
    // As b → ∞ the dropout probability a/(a+b) → 0, pAlive → 1 and BG/NBD becomes NBD: the
    // posterior rate is Gamma(r+x, α+T), so E[Y(t)] = (r+x)/(α+T) · t. With r = 2, x = 1 and
    // α + T = 365.25 that is 3/12 purchases a month, and the value is 1000 · 0.25 · ANNUITY_12.
    const p = { r: 2, alpha: 65.25, a: 2, b: 1e8 };
    const cumulative = CLV_HORIZONS_DAYS.map((t) => conditionalExpectedPurchases(p, 1, 200, 300, t));
    const value = predictedClv12m(1000, cumulative);
    expect(Math.abs(value / (1000 * 0.25 * ANNUITY_12) - 1)).toBeLessThan(1e-6);
    expect(1000 * 0.25 * ANNUITY_12).toBeCloseTo(2813.7693683711577, 9);
  });

  it("a customer who has almost surely dropped out is worth almost nothing (pAlive → 0)", () => {
    // CDNOW's published BG/NBD parameters (weeks; FHL 2005): ten repeat purchases in the first
    // week and silence for the next 38 give odds of dropout 0.0694 · 7.99^10.24 ≈ 1.2e8, pAlive ≈ 8e-9;
    // even at ~9 purchases a year if alive, a spend of 100 is worth under 1e-4.
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const weeksPerMonth = 30.4375 / 7;
    const cumulative = Array.from({ length: 12 }, (_, i) => conditionalExpectedPurchases(p, 10, 1, 38.86, (i + 1) * weeksPerMonth));
    expect(predictedClv12m(100, cumulative)).toBeGreaterThan(0);
    expect(predictedClv12m(100, cumulative)).toBeLessThan(1e-4);
  });
});
