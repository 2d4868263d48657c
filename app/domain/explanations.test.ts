import { describe, expect, it } from "vitest";
import { renderReason, renderReasons, type Reason } from "./explanations";

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
