import { createRng } from "../../test/support/random";
import { describe, expect, it } from "vitest";
import { backtest, rocAuc } from "./backtest";
import { decileCalibrationError } from "./deciles";
import type { GroupedOrders } from "./population-facts";

const DAY = 86_400_000;

describe("rocAuc", () => {
  it("counts ordered positive/negative pairs (hand-computed)", () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4: 0.35>0.1, 0.8>0.1, 0.8>0.4 → 3 of 4 pairs.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
  });

  it("counts ties as one half", () => {
    // positives 0.5, 0.5; negatives 0.5, 0.2: two ties (½ each) + two wins = 3 of 4.
    expect(rocAuc([0.5, 0.5, 0.5, 0.2], [true, false, true, false])).toBeCloseTo(0.75, 12);
    expect(rocAuc([3, 3, 3, 3, 3], [true, false, false, true, false])).toBe(0.5);
    // positives 2, 2, 5; negatives 1, 2: (2v1 1, 2v2 ½) ×2 + (5v1 1, 5v2 1) = 5 of 6.
    expect(rocAuc([2, 1, 2, 5, 2], [true, false, true, true, false])).toBeCloseTo(5 / 6, 12);
  });

  it("is 1 for a perfect ranking, 0 for an inverted one, null with one class", () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([1, 2, 3, 4], [true, true, false, false])).toBe(0);
    expect(rocAuc([1, 2], [true, true])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
  });
});


/**
 * Customers first buy within two years before asOf; each buys at a personal rate while alive
 * and drops out after each purchase with a personal probability (a BG/NBD-like world).
 */
function population(asOf: Date, customers: number, seed: number): GroupedOrders {
  const rand = createRng(seed);
  const offsets = [0];
  const times: number[] = [];
  const amounts: number[] = [];
  const end = asOf.getTime();
  for (let c = 0; c < customers; c++) {
    const gap = 10 + rand() * 80; // mean days between purchases
    const dropout = 0.05 + rand() * 0.5;
    let t = end - (30 + rand() * 700) * DAY;
    while (t < end) {
      times.push(t);
      amounts.push(1000 + Math.floor(rand() * 9000));
      if (rand() < dropout) break;
      t += -Math.log(1 - rand()) * gap * DAY;
    }
    offsets.push(times.length);
  }
  return { offsets, timesMs: times, amountsMinor: amounts };
}

describe("backtest", () => {
  const asOf = new Date("2026-11-22T00:00:00Z");

  it("measures the model and the baselines on a synthetic population", () => {
    const orders = population(asOf, 600, 7);
    const outcome = backtest(orders, { asOf, horizonDays: 90 });
    expect(outcome.reason).toBeNull();
    const a = outcome.accuracy!;
    expect(a.cutoff).toBe("2026-08-24T00:00:00.000Z");
    expect(a.horizonDays).toBe(90);
    expect(a.customers + a.newInWindow).toBeLessThanOrEqual(600);
    expect(a.churned).toBeGreaterThan(0);
    expect(a.churned).toBeLessThan(a.customers);
    // Both rankings are informative; the model should be at least about as good as recency alone.
    expect(a.recencyAuc!).toBeGreaterThan(0.6);
    expect(a.churnAuc!).toBeGreaterThan(0.6);
    expect(a.churnAuc!).toBeGreaterThan(a.recencyAuc! - 0.05);
    expect(a.expectedPurchasesMae).toBeGreaterThan(0);
    expect(a.expectedPurchasesMae).toBeLessThan(a.baselineMae);
    expect(a.actualPurchasesTotal).toBeGreaterThan(0);

    // Deciles cover every evaluated customer; their churned counts add up to the label count.
    expect(a.churnDeciles).toHaveLength(10);
    expect(a.churnDeciles.reduce((s, d) => s + d.customers, 0)).toBe(a.customers);
    expect(a.churnDeciles.reduce((s, d) => s + d.observed * d.customers, 0)).toBeCloseTo(a.churned, 9);
    // The uncalibrated BG/NBD, out of time: within 10 points per customer on average, and ordered (top decile churns more than the bottom).
    expect(a.model).toBe("bgnbd");
    expect(decileCalibrationError(a.churnDeciles)!).toBeLessThan(0.1);
    expect(a.churnDeciles[9].observed).toBeGreaterThan(a.churnDeciles[0].observed);

    // Actual value: every window amount of a customer who had ordered before the cutoff, from the orders themselves.
    const cutoffMs = Date.parse(a.cutoff);
    let windowMinor = 0;
    for (let c = 0; c + 1 < orders.offsets.length; c++) {
      const first = orders.offsets[c];
      if (first === orders.offsets[c + 1] || orders.timesMs[first] >= cutoffMs) continue;
      for (let k = first; k < orders.offsets[c + 1]; k++) if (orders.timesMs[k] >= cutoffMs && orders.timesMs[k] < asOf.getTime()) windowMinor += orders.amountsMinor[k];
    }
    expect(a.actualValueTotalMinor).toBe(windowMinor);
    expect(a.valueDeciles.reduce((s, d) => s + d.actualTotalMinor, 0)).toBe(windowMinor);
    expect(a.valueDeciles.reduce((s, d) => s + d.predictedTotalMinor, 0)).toBeCloseTo(a.predictedValueTotalMinor, 3);
    // The ranking is informative: the top decile by predicted value spent more than the bottom one.
    expect(a.valueDeciles[9].actualMeanMinor).toBeGreaterThan(a.valueDeciles[0].actualMeanMinor);
  });

  it("checks a shop above maxCustomers on a deterministic sample of about that many customers", () => {
    const orders = population(asOf, 6000, 11);
    const full = backtest(orders, { asOf, horizonDays: 90 }).accuracy!;
    expect(full.sampledFrom).toBeUndefined();
    const a = backtest(orders, { asOf, horizonDays: 90, maxCustomers: 2000 }).accuracy!;
    expect(backtest(orders, { asOf, horizonDays: 90, maxCustomers: 2000 }).accuracy).toEqual(a);
    expect(a.sampledFrom).toBe(6000);
    // A third of the customers (binomial sd ≈ 0.006 of the population), and the same figures within sampling noise.
    expect(a.customers / full.customers).toBeGreaterThan(0.3);
    expect(a.customers / full.customers).toBeLessThan(0.37);
    expect(Math.abs(a.churnAuc! - full.churnAuc!)).toBeLessThan(0.03);
    expect(Math.abs(a.recencyAuc! - full.recencyAuc!)).toBeLessThan(0.03);
    expect(Math.abs(a.expectedPurchasesMae - full.expectedPurchasesMae) / full.expectedPurchasesMae).toBeLessThan(0.1);
  });

  it("counts window purchases on distinct days and evaluates only customers known at the cutoff", () => {
    // 40 customers: even ones bought once long ago and never again; odd ones also bought twice
    // on one day inside the window. One more customer appears only inside the window.
    const offsets = [0];
    const times: number[] = [];
    const amounts: number[] = [];
    for (let c = 0; c < 40; c++) {
      times.push(asOf.getTime() - (200 + c) * DAY);
      if (c % 2) times.push(asOf.getTime() - 10 * DAY, asOf.getTime() - 10 * DAY + 3_600_000);
      while (amounts.length < times.length) amounts.push(5000);
      offsets.push(times.length);
    }
    times.push(asOf.getTime() - 5 * DAY);
    amounts.push(100);
    offsets.push(times.length);
    // An order at or after asOf is ignored.
    times.push(asOf.getTime() + DAY);
    amounts.push(100);
    offsets[offsets.length - 1] = times.length;
    const a = backtest({ offsets, timesMs: times, amountsMinor: amounts }, { asOf, horizonDays: 30 }).accuracy!;
    expect(a.customers).toBe(40);
    expect(a.newInWindow).toBe(1);
    expect(a.churned).toBe(20);
    expect(a.actualPurchasesTotal).toBe(20);
    expect(a.model).toBe("heuristic");
    // Everyone is a one-time buyer at the cutoff: the baseline predicts 0 purchases for all.
    expect(a.baselinePurchasesTotal).toBe(0);
    expect(a.baselineMae).toBeCloseTo(0.5, 12);
    // Customer c last ordered 170 + c days before the cutoff, so churn rises with c: each decile holds
    // four consecutive customers, two of whom (the odd ones) bought twice in the window.
    expect(a.churnDeciles.map((d) => d.customers)).toEqual(new Array(10).fill(4));
    expect(a.churnDeciles.map((d) => d.observed)).toEqual(new Array(10).fill(0.5));
    // Window value: 20 customers × two orders of 5,000.
    expect(a.actualValueTotalMinor).toBe(200_000);
    expect(a.valueDeciles.map((d) => d.actualTotalMinor)).toEqual(new Array(10).fill(20_000));
    // One 5,000 order each before the cutoff: the spend per purchase is 5,000 for everyone.
    expect(a.predictedValueTotalMinor).toBeCloseTo(a.expectedPurchasesTotal * 5000, 6);
  });

  it("returns null with a reason when there is too little data", () => {
    const few = population(asOf, 10, 3);
    const outcome = backtest(few, { asOf, horizonDays: 90 });
    expect(outcome.accuracy).toBeNull();
    expect(outcome.reason).toMatch(/customers had ordered before 2026-08-24/);

    // Nobody bought again: one class only.
    const offsets = [0];
    const times: number[] = [];
    for (let c = 0; c < 40; c++) {
      times.push(asOf.getTime() - (100 + c) * DAY);
      offsets.push(times.length);
    }
    const none = backtest({ offsets, timesMs: times, amountsMinor: times.map(() => 100) }, { asOf, horizonDays: 30 });
    expect(none.accuracy).toBeNull();
    expect(none.reason).toMatch(/no customer ordered again/);
  });
});
