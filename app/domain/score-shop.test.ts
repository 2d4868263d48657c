import { describe, expect, it } from "vitest";
import { createRng, sampleBeta, sampleExponential, sampleGamma } from "../../test/support/random";
import { conditionalExpectedPurchases } from "./bgnbd";
import { CLV_HORIZONS_DAYS } from "./clv";
import { renderReasons } from "./explanations";
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
    expect(text).toMatch(new RegExp(`last order ${scores[0].recencyDays} day`));
  });

  it("fits BG/NBD on a large enough shop and computes CLV per DESIGN", () => {
    const { scores, state } = scoreShop(shop(1500), { asOf, horizonDays: 60 });
    expect(state.model).toBe("bgnbd");
    expect(state.bgnbd).not.toBeNull();
    expect(state.gammaGamma).not.toBeNull();
    const p = state.bgnbd!;
    const s = scores.find((c) => c.x >= 2)!;
    const spend = conditionalExpectedAverageSpend(state.gammaGamma!, s.x, s.repeatDayMeanMinor);
    let clv = 0;
    let prev = 0;
    CLV_HORIZONS_DAYS.forEach((t, i) => {
      const e = conditionalExpectedPurchases(p, s.x, s.tx, s.T, t);
      clv += (spend * (e - prev)) / 1.01 ** (i + 1);
      prev = e;
    });
    expect(s.predictedClv12mMinor).toBeCloseTo(clv, 6);
    expect(s.expectedPurchases90d).toBeCloseTo(conditionalExpectedPurchases(p, s.x, s.tx, s.T, 90), 10);
    const alive = s.pAlive;
    expect(s.churnProbability).toBeCloseTo(1 - alive + alive * ((p.alpha + s.T) / (p.alpha + s.T + 60)) ** (p.r + s.x), 12);
    expect(scores.every((c) => c.model === "bgnbd")).toBe(true);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state); // storable as JSON
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
