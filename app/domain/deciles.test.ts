import { describe, expect, it } from "vitest";
import { calibrationDeciles, decileCalibrationError, valueDeciles } from "./deciles";

describe("calibrationDeciles", () => {
  it("splits 20 customers into ten pairs by predicted probability (hand-computed)", () => {
    // Shuffled input: p = k/20 for k = 1..20; churned when k is a multiple of 3 or k ≥ 17.
    const ks = [7, 20, 1, 14, 3, 18, 9, 12, 5, 16, 2, 19, 11, 4, 15, 8, 13, 6, 17, 10];
    const p = ks.map((k) => k / 20);
    const y = ks.map((k) => (k % 3 === 0 || k >= 17 ? 1 : 0));
    const d = calibrationDeciles(p, y);
    expect(d).toHaveLength(10);
    // Decile 1: k = 1, 2 → mean p 0.075, nobody churned. Decile 2: k = 3, 4 → 0.175, one of two.
    expect(d[0]).toEqual({ decile: 1, customers: 2, predicted: expect.closeTo(0.075, 12), observed: 0, minPredicted: 0.05, maxPredicted: 0.1 });
    expect(d[1]).toMatchObject({ decile: 2, customers: 2, observed: 0.5 });
    expect(d[1].predicted).toBeCloseTo(0.175, 12);
    // Decile 9: k = 17, 18 → both churned; decile 10: k = 19, 20 → both, mean 0.975.
    expect(d[8]).toMatchObject({ decile: 9, observed: 1 });
    expect(d[9]).toMatchObject({ decile: 10, customers: 2, observed: 1, minPredicted: 0.95, maxPredicted: 1 });
    expect(d[9].predicted).toBeCloseTo(0.975, 12);
    // Observed per decile: k pairs (1,2) (3,4) (5,6) (7,8) (9,10) (11,12) (13,14) (15,16) (17,18) (19,20).
    expect(d.map((x) => x.observed)).toEqual([0, 0.5, 0.5, 0, 0.5, 0.5, 0, 0.5, 1, 1]);
  });

  it("gives uneven deciles when n is not a multiple of ten (floor(d·n/10) bounds)", () => {
    const p = Array.from({ length: 25 }, (_, i) => i);
    const d = calibrationDeciles(p, p.map(() => 0));
    // Bounds 0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25.
    expect(d.map((x) => x.customers)).toEqual([2, 3, 2, 3, 2, 3, 2, 3, 2, 3]);
    expect(d[1]).toMatchObject({ minPredicted: 2, maxPredicted: 4, predicted: 3 });
  });

  it("keeps ties in input order and accepts boolean outcomes", () => {
    // Ten equal predictions: one per decile, in input order, so the outcomes keep their order.
    const y = [true, false, false, true, false, false, false, false, false, true];
    expect(calibrationDeciles(new Array(10).fill(0.3), y).map((x) => x.observed)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it("has no table under ten customers and rejects mismatched lengths", () => {
    expect(calibrationDeciles([0.1, 0.2], [0, 1])).toEqual([]);
    expect(() => calibrationDeciles([0.1], [0, 1])).toThrow(RangeError);
  });
});

describe("valueDeciles", () => {
  it("sums and averages actual value by decile of predicted value (hand-computed)", () => {
    // Predicted 100, 200, ..., 1000 (one per decile); actual = twice the prediction except the top, who spent 0.
    const predicted = [500, 100, 1000, 300, 200, 900, 400, 700, 600, 800];
    const actual = predicted.map((v) => (v === 1000 ? 0 : 2 * v));
    const d = valueDeciles(predicted, actual);
    expect(d.map((x) => x.predictedTotalMinor)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(d.map((x) => x.actualTotalMinor)).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 0]);
    expect(d[3]).toEqual({ decile: 4, customers: 1, predictedMeanMinor: 400, actualMeanMinor: 800, predictedTotalMinor: 400, actualTotalMinor: 800 });
  });

  it("averages within a decile of several customers", () => {
    // 30 customers, predicted = i: decile 1 = 0, 1, 2 (mean 1); actual = 10 for everyone.
    const predicted = Array.from({ length: 30 }, (_, i) => 29 - i);
    const d = valueDeciles(predicted, predicted.map(() => 10));
    expect(d[0]).toEqual({ decile: 1, customers: 3, predictedMeanMinor: 1, actualMeanMinor: 10, predictedTotalMinor: 3, actualTotalMinor: 30 });
    expect(d[9].predictedMeanMinor).toBe(28);
  });
});

describe("decileCalibrationError", () => {
  it("is the customer-weighted mean gap", () => {
    const deciles = [
      { decile: 1, customers: 2, predicted: 0.1, observed: 0.3, minPredicted: 0, maxPredicted: 0 },
      { decile: 2, customers: 3, predicted: 0.5, observed: 0.4, minPredicted: 0, maxPredicted: 0 },
    ];
    // (2 × 0.2 + 3 × 0.1) / 5 = 0.14.
    expect(decileCalibrationError(deciles)).toBeCloseTo(0.14, 12);
    expect(decileCalibrationError([])).toBeNull();
  });
});
