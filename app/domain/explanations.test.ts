import { describe, expect, it } from "vitest";
import { reasonsFromScore, renderReason, renderReasons, storedReasonFields, type Reason } from "./explanations";

const reasons: Reason[] = [
  { kind: "recency", score: 4, days: 10, percentMoreRecentThan: 72 },
  { kind: "recency", score: 5, days: 1, percentMoreRecentThan: 99 },
  { kind: "frequency", score: 1, orders: 1, percentMoreOrdersThan: null },
  { kind: "frequency", score: 3, orders: 4, percentMoreOrdersThan: null },
  { kind: "frequency", score: 2, orders: 2, percentMoreOrdersThan: 40 },
  { kind: "monetary", score: 3, amountMinor: 123450, percentSpentMoreThan: 50 },
  { kind: "segment", segment: "at_risk", r: 2, f: 4 },
  { kind: "churn", model: "bgnbd", probability: 0.345, horizonDays: 90, pAlive: 0.8149, daysSinceLastOrder: 12, typicalGapDays: null },
  { kind: "churn", model: "heuristic", probability: 0.3, horizonDays: 60, pAlive: 0.7, daysSinceLastOrder: 40, typicalGapDays: 29.6 },
];

describe("renderReasons", () => {
  it("writes each reason as a sentence", () => {
    expect(renderReasons(reasons)).toEqual([
      "R 4: last order 10 days ago, more recent than 72 % of customers",
      "R 5: last order 1 day ago, more recent than 99 % of customers",
      "F 1: bought once",
      "F 3: 4 orders",
      "F 2: 2 orders, more than 40 % of repeat customers",
      "M 3: spent 1234.50 in total, more than 50 % of customers",
      "At Risk: R 2 and F 4 fall in this cell of the segment map",
      "35 % chance of no order in the next 90 days (BG/NBD model; P(alive) 81 %, last order 12 days ago)",
      "30 % chance of no order in the next 60 days (simple rule: last order 40 days ago vs. a typical gap of 30 days between orders in this shop)",
    ]);
  });

  it("shows the amount spent in the shop's currency when it is given", () => {
    const monetary = reasons[5];
    expect(renderReason(monetary, "EUR")).toBe("M 3: spent €1,234.50 in total, more than 50 % of customers");
    expect(renderReason(monetary, "JPY")).toBe("M 3: spent ¥1,235 in total, more than 50 % of customers");
    expect(renderReasons([monetary], "USD")).toEqual(["M 3: spent $1,234.50 in total, more than 50 % of customers"]);
  });
});

describe("reasons stored as a score's columns", () => {
  // A heuristic customer's reasons as scoring builds them, and the same customer's score row.
  const scored: Reason[] = [
    { kind: "recency", score: 2, days: 40, percentMoreRecentThan: 31 },
    { kind: "frequency", score: 3, orders: 4, percentMoreOrdersThan: 57 },
    { kind: "monetary", score: 4, amountMinor: 123450, percentSpentMoreThan: 68 },
    { kind: "segment", segment: "at_risk", r: 2, f: 3 },
    { kind: "churn", model: "heuristic", probability: 0.3, horizonDays: 60, pAlive: 0.7, daysSinceLastOrder: 40, typicalGapDays: 29.6 },
  ];
  const row = { r: 2, f: 3, m: 4, segment: "at_risk", recencyDays: 40, frequency: 4, monetaryMinor: 123450n, churnModel: "heuristic", churnProbability: 0.3, pAlive: 0.7 };

  it("keeps only the five numbers the row does not hold", () => {
    expect(storedReasonFields(scored)).toEqual({ recencyPercent: 31, frequencyPercent: 57, monetaryPercent: 68, horizonDays: 60, typicalGapDays: 29.6 });
  });

  it("builds the same reasons and sentences back from the row", () => {
    const rebuilt = reasonsFromScore({ ...row, ...storedReasonFields(scored) });
    expect(rebuilt).toEqual(scored);
    expect(renderReasons(rebuilt, "EUR")).toEqual([
      "R 2: last order 40 days ago, more recent than 31 % of customers",
      "F 3: 4 orders, more than 57 % of repeat customers",
      "M 4: spent €1,234.50 in total, more than 68 % of customers",
      "At Risk: R 2 and F 3 fall in this cell of the segment map",
      "30 % chance of no order in the next 60 days (simple rule: last order 40 days ago vs. a typical gap of 30 days between orders in this shop)",
    ]);
  });

  it("keeps a one-time buyer's missing frequency percentage and a BG/NBD score's missing typical gap", () => {
    const once: Reason[] = [
      { kind: "recency", score: 5, days: 3, percentMoreRecentThan: 95 },
      { kind: "frequency", score: 1, orders: 1, percentMoreOrdersThan: null },
      { kind: "monetary", score: 1, amountMinor: 999, percentSpentMoreThan: 4 },
      { kind: "segment", segment: "new_customers", r: 5, f: 1 },
      { kind: "churn", model: "bgnbd", probability: 0.42, horizonDays: 90, pAlive: 1, daysSinceLastOrder: 3, typicalGapDays: null },
    ];
    const fields = storedReasonFields(once);
    expect(fields).toEqual({ recencyPercent: 95, frequencyPercent: null, monetaryPercent: 4, horizonDays: 90, typicalGapDays: null });
    const rebuilt = reasonsFromScore({ r: 5, f: 1, m: 1, segment: "new_customers", recencyDays: 3, frequency: 1, monetaryMinor: 999, churnModel: "bgnbd", churnProbability: 0.42, pAlive: 1, ...fields });
    expect(rebuilt).toEqual(once);
    expect(renderReasons(rebuilt)[1]).toBe("F 1: bought once");
  });
});
