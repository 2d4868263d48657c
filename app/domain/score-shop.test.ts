import { describe, expect, it } from "vitest";
import { createRng, sampleBeta, sampleExponential, sampleGamma } from "../../test/support/random";
import { conditionalExpectedPurchases } from "./bgnbd";
import { reasonsFromScore, renderReasons, storedReasonFields } from "./explanations";
import { conditionalExpectedAverageSpend } from "./gamma-gamma";
import { type ShopCustomerInput, rescoreOne, rescoreOneFromOrders, scoreShop } from "./score-shop";

const asOf = "2026-11-22T00:00:00Z";
const DAY = 86_400_000;
const asOfMs = Date.parse(asOf);

/**
 * Deterministic synthetic shop of n customers drawn from the models the scorer
 * fits, so that the fits converge for a reason rather than by luck of the seed:
 * purchases BG/NBD (λ ~ Gamma(0.6, rate 30) per day, dropout p ~ Beta(1.5, 6)
 * after each repeat purchase), order values Gamma-Gamma (z ~ Gamma(6, ν),
 * ν ~ Gamma(4, rate 2500): mean 50.00), first purchases 30–630 days before asOf.
 */
function shop(n: number): ShopCustomerInput[] {
  const rand = createRng(11);
  return Array.from({ length: n }, (_, i) => {
    const lambda = sampleGamma(rand, 0.6) / 30;
    const p = sampleBeta(rand, 1.5, 6);
    const nu = sampleGamma(rand, 4) / 2500;
    const orderValue = () => Math.max(100, Math.round(sampleGamma(rand, 6) / nu));
    let t = asOfMs - Math.floor(30 + rand() * 600) * DAY;
    const orders = [{ processedAt: new Date(t), amountMinor: orderValue() }];
    for (;;) {
      t += Math.ceil(sampleExponential(rand, lambda)) * DAY;
      if (t >= asOfMs) break;
      orders.push({ processedAt: new Date(t), amountMinor: orderValue() });
      if (rand() < p) break;
    }
    return { customerId: `c${i}`, orders };
  });
}

describe("scoreShop", () => {
  it("falls back to the labelled heuristic for a small shop, with reasons", () => {
    const { scores, state } = scoreShop(shop(40), { asOf });
    expect(state.model).toBe("heuristic");
    expect(state.fallbackReason).toMatch(/40 customers/);
    expect(scores).toHaveLength(40);
    for (const s of scores) {
      expect(s.model).toBe("heuristic");
      expect(s.churnProbability).toBeGreaterThanOrEqual(0);
      expect(s.churnProbability).toBeLessThanOrEqual(1);
    }
    // Longer silence → higher heuristic churn
    const sorted = [...scores].sort((a, b) => a.recencyDays - b.recencyDays);
    expect(sorted[0].churnProbability).toBeLessThan(sorted[sorted.length - 1].churnProbability);
    const text = renderReasons(scores[0].reasons).join("\n");
    expect(text).toMatch(/simple rule/);
    // What a score row stores (its columns and the reasons' own numbers) gives the same reasons back.
    for (const s of scores) {
      const row = { ...s, monetaryMinor: Math.round(s.monetaryMinor), ...storedReasonFields(s.reasons) };
      expect(reasonsFromScore(row)).toEqual(s.reasons.map((r) => (r.kind === "monetary" ? { ...r, amountMinor: Math.round(r.amountMinor) } : r)));
    }
    expect(text).toMatch(new RegExp(`last order ${scores[0].recencyDays} day`));
  });

  it("fits BG/NBD on a large enough shop; the 12-month value lies within its discount bounds", () => {
    const { scores, state } = scoreShop(shop(1500), { asOf, horizonDays: 60 });
    expect(state.model).toBe("bgnbd");
    expect(state.bgnbd).not.toBeNull();
    expect(state.gammaGamma).not.toBeNull();
    const p = state.bgnbd!;
    const s = scores.find((c) => c.x >= 2)!;
    // Bounds that do not depend on how the monthly sum is formed: undiscounted, the value is
    // spend · E[Y(365.25 days)], and every month's share is discounted by between 1.01^-1 and 1.01^-12.
    const spend = conditionalExpectedAverageSpend(state.gammaGamma!, s.x, s.repeatDayMeanMinor);
    const year = spend * conditionalExpectedPurchases(p, s.x, s.tx, s.T, 365.25);
    expect(s.predictedClv12mMinor).toBeGreaterThan(year / 1.01 ** 12);
    expect(s.predictedClv12mMinor).toBeLessThan(year / 1.01);
    expect(s.expectedPurchases90d).toBeCloseTo(conditionalExpectedPurchases(p, s.x, s.tx, s.T, 90), 10);
    const alive = s.pAlive;
    expect(s.churnProbability).toBeCloseTo(1 - alive + alive * ((p.alpha + s.T) / (p.alpha + s.T + 60)) ** (p.r + s.x), 12);
    expect(scores.every((c) => c.model === "bgnbd")).toBe(true);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state); // storable as JSON
  });

  it("value, churn and expected purchases match a hand-derived case (r = a + b − 1)", () => {
    // With r = a + b − 1, eq. 10's 2F1(r+x, b+x; a+b+x−1; z) has c equal to its first
    // parameter, so it is (1 − z)^−(b+x) with 1 − z = (α+T)/(α+T+t), and
    //   E[Y(t) | alive] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(a−1)].
    // Take r = 2, a = 2, b = 1, α = 65.25 and a customer with x = 1, t_x = 200, T = 300:
    // α + T = 365.25, so with 30.4375-day months E[Y(month i) | alive] = 3i/(12 + i), whose
    // monthly increments are 36/((11+i)(12+i)) (they sum to 1.5 at twelve months).
    //   Σ_{i=1..12} 36/((11+i)(12+i)·1.01^i) = 1.4259109154388416
    //   pAlive = 1/(1 + a/(b+x−1)·((α+T)/(α+t_x))^(r+x)) = 1/(1 + 2·(365.25/265.25)^3) = 0.16072076360133515
    // Spend (Gamma-Gamma p = 6.25, q = 3.74, γ = 1544, m̄ = 5000): w = 6.25/8.99,
    //   (1 − w)·γp/(q − 1) + w·m̄ = 0.30478·3521.8978 + 0.69522·5000 = 4549.4994438264739
    // so the value is 0.16072076360133515 · 4549.4994438264739 · 1.4259109154388416 = 1042.6246705576759.
    // In 90 days: E = pAlive · 3·90/455.25 = 0.095320386979375045, and with H = 90
    //   churn = 1 − pAlive + pAlive·(365.25/455.25)^3 = 0.92228204681764076.
    const { state: base } = scoreShop(shop(40), { asOf });
    const state = {
      ...base,
      model: "bgnbd" as const,
      fallbackReason: null,
      horizonDays: 90,
      bgnbd: { r: 2, alpha: 65.25, a: 2, b: 1, logLik: 0, converged: true },
      gammaGamma: { p: 6.25, q: 3.74, gamma: 1544, customers: 946, converged: true },
      spendModel: "gamma_gamma" as const,
    };
    const facts = { frequency: 2, recencyDays: 100, monetaryMinor: 9000, x: 1, tx: 200, T: 300, repeatDayMeanMinor: 5000 };
    const s = rescoreOne(facts, state, asOf);
    expect(s.model).toBe("bgnbd");
    expect(s.pAlive).toBeCloseTo(0.16072076360133514, 12);
    expect(s.expectedPurchases90d).toBeCloseTo(0.09532038697937505, 12);
    expect(s.churnProbability).toBeCloseTo(0.9222820468176408, 12);
    expect(s.predictedClv12mMinor).toBeCloseTo(1042.6246705576759, 8);
  });

  it("rescoreOne reproduces the shop scores from the stored state without refitting", () => {
    const customers = shop(600);
    const { scores, state } = scoreShop(customers, { asOf });
    const stored = JSON.parse(JSON.stringify(state));
    for (const i of [0, 1, 7, 100, 333]) {
      const again = rescoreOneFromOrders(customers[i].orders, stored, asOf)!;
      const orig = scores.find((s) => s.customerId === customers[i].customerId)!;
      expect([again.r, again.f, again.m, again.segment]).toEqual([orig.r, orig.f, orig.m, orig.segment]);
      expect(again.churnProbability).toBeCloseTo(orig.churnProbability, 12);
      expect(again.predictedClv12mMinor).toBeCloseTo(orig.predictedClv12mMinor, 8);
    }
    // A new order today moves a lapsed customer up in recency.
    const lapsed = scores.reduce((a, b) => (a.recencyDays > b.recencyDays ? a : b));
    const orders = customers.find((c) => c.customerId === lapsed.customerId)!.orders;
    const after = rescoreOneFromOrders([...orders, { processedAt: new Date(asOfMs - 1000), amountMinor: 100 }], stored, asOf)!;
    expect(after.r).toBe(5);
    expect(after.recencyDays).toBe(0);
    expect(after.churnProbability).toBeLessThan(lapsed.churnProbability);
    expect(rescoreOne({ ...after }, stored, asOf).r).toBe(5);
  });

  it("ignores customers without orders before asOf", () => {
    const { scores } = scoreShop(
      [
        { customerId: "future", orders: [{ processedAt: "2027-01-01", amountMinor: 100 }] },
        { customerId: "none", orders: [] },
        { customerId: "ok", orders: [{ processedAt: "2026-01-01", amountMinor: 100 }] },
      ],
      { asOf },
    );
    expect(scores.map((s) => s.customerId)).toEqual(["ok"]);
    expect(scores[0]).toMatchObject({ r: 1, f: 1, m: 1, segment: "hibernating" });
  });
});
