import { describe, expect, it } from "vitest";
import type { CalibrationDecile, ValueDecile } from "./deciles";
import { constantBaseline, qualityVerdict, rfmAgreement } from "./model-quality";

describe("rfmAgreement", () => {
  it("cross-tabulates segments against Shopify's groups and counts agreement (hand-counted)", () => {
    const pairs = [
      { segment: "champions", rfmGroup: "CHAMPIONS" },
      { segment: "champions", rfmGroup: "CHAMPIONS" },
      { segment: "champions", rfmGroup: "LOYAL" }, // not the same group, but both recent
      { segment: "hibernating", rfmGroup: "DORMANT" },
      { segment: "hibernating", rfmGroup: "AT_RISK" }, // both not recent
      { segment: "at_risk", rfmGroup: "ACTIVE" }, // at risk (not recent) vs active (recent)
      { segment: "new_customers", rfmGroup: "NEW" },
      { segment: "new_customers", rfmGroup: null }, // Shopify has none: left out
    ];
    const a = rfmAgreement(pairs)!;
    expect(a).toMatchObject({ sampled: 8, withGroup: 7, matches: 4, recencyMatches: 6 });
    expect(a.matchShare).toBeCloseTo(4 / 7, 12);
    expect(a.recencyShare).toBeCloseTo(6 / 7, 12);
    expect(a.matchInterval.low).toBeLessThan(4 / 7);
    expect(a.matchInterval.high).toBeGreaterThan(4 / 7);
    // Groups in Shopify's order, segments in the app's.
    expect(a.groups).toEqual(["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "AT_RISK", "DORMANT"]);
    expect(a.rows).toEqual([
      { segment: "champions", name: "Champions", expected: "CHAMPIONS", counts: [2, 1, 0, 0, 0, 0], total: 3 },
      { segment: "new_customers", name: "New Customers", expected: "NEW", counts: [0, 0, 0, 1, 0, 0], total: 1 },
      { segment: "at_risk", name: "At Risk", expected: "AT_RISK", counts: [0, 0, 1, 0, 0, 0], total: 1 },
      { segment: "hibernating", name: "Hibernating", expected: "DORMANT", counts: [0, 0, 0, 0, 1, 1], total: 2 },
    ]);
  });

  it("is null when Shopify gives no group at all", () => {
    expect(rfmAgreement([{ segment: "champions", rfmGroup: null }])).toBeNull();
    expect(rfmAgreement([])).toBeNull();
  });
});

describe("constantBaseline", () => {
  it("predicts the churn rate for everyone (hand-computed)", () => {
    // b = 0.25: −(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335144618808, Brier 0.1875.
    const b = constantBaseline(400, 100)!;
    expect(b.logLoss).toBeCloseTo(0.562335144618808, 12);
    expect(b.brier).toBe(0.1875);
    expect(b).toMatchObject({ auc: 0.5, ece: 0 });
    expect(constantBaseline(10, 0)).toBeNull();
    expect(constantBaseline(10, 10)).toBeNull();
  });
});

const decile = (decile: number, predicted: number, observed: number): CalibrationDecile => ({ decile, customers: 10, predicted, observed, minPredicted: predicted, maxPredicted: predicted });

describe("qualityVerdict", () => {
  it("judges ranking against recency, calibration by decile and the value model's top decile", () => {
    // Gaps 0.01 everywhere except decile 7 (0.05): mean (9 × 0.01 + 0.05) / 10 = 0.014.
    const deciles = Array.from({ length: 10 }, (_, i) => decile(i + 1, i / 10 + 0.05, i / 10 + (i === 6 ? 0.1 : 0.06)));
    // Predicted 1,000 per decile (10,000 total); actual: the top decile 4,500 of 9,000.
    const value: ValueDecile[] = Array.from({ length: 10 }, (_, i) => ({
      decile: i + 1,
      customers: 10,
      predictedMeanMinor: 100,
      actualMeanMinor: 0,
      predictedTotalMinor: 1000,
      actualTotalMinor: i === 9 ? 4500 : 500,
    }));
    expect(
      qualityVerdict({
        champion: { name: "the supervised model", auc: 0.8123, deciles, windowDays: 90 },
        recencyAuc: 0.7601,
        value: { deciles: value, predictedTotalMinor: 10_000, actualTotalMinor: 9000, horizonDays: 90 },
      }),
    ).toEqual([
      "On the last 90 days, which it had not seen, the supervised model told apart the customers who bought again from those who did not well, better than days since the last order alone (AUC 0.812 against 0.760).",
      "Its probabilities were off by 1.4 points on average across the ten groups of customers (at most 5.0 points, in group 7), so a churn probability can be read as the chance it says.",
      "Over the last 90 days the tenth of customers the value model rated highest spent 50 % of the revenue (an even spread would be 10 %); in total it predicted 11 % more than was spent.",
    ]);
  });

  it("says when the model is no better than recency and the probabilities are only a ranking", () => {
    const off = Array.from({ length: 10 }, (_, i) => decile(i + 1, 0.5, i / 10));
    const [ranking, calibration] = qualityVerdict({ champion: { name: "BG/NBD", auc: 0.655, deciles: off, windowDays: 30 }, recencyAuc: 0.66, value: null });
    expect(ranking).toBe(
      "On the last 30 days, which it had not seen, BG/NBD told apart the customers who bought again from those who did not only weakly, about as well as days since the last order alone (AUC 0.655 against 0.660).",
    );
    // |0.5 − i/10| for i = 0..9: 0.5, 0.4, 0.3, 0.2, 0.1, 0, 0.1, 0.2, 0.3, 0.4 → mean 0.25, worst 0.5 in group 1.
    expect(calibration).toBe("Its probabilities were off by 25.0 points on average across the ten groups of customers (at most 50.0 points, in group 1), so read the churn probabilities as a ranking rather than as exact chances.");
  });

  it("says nothing it cannot back", () => {
    expect(qualityVerdict({ champion: null, recencyAuc: null, value: null })).toEqual(["Not enough has been measured yet to judge the models."]);
  });
});
