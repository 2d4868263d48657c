import { describe, expect, it } from "vitest";
import { computeCustomerFacts } from "./customer-facts";

const asOf = "2026-11-22T00:00:00Z";

describe("computeCustomerFacts", () => {
  it("returns null without orders before asOf", () => {
    expect(computeCustomerFacts([], asOf)).toBeNull();
    expect(computeCustomerFacts([{ processedAt: asOf, amountMinor: 100 }], asOf)).toBeNull();
  });

  it("computes frequency, recency, monetary and the BTYD summary on UTC days", () => {
    const f = computeCustomerFacts(
      [
        { processedAt: "2026-11-01T23:30:00Z", amountMinor: 500 }, // day 2 (later order on the same day below)
        { processedAt: "2026-10-01T10:00:00Z", amountMinor: 1000 }, // first purchase day
        { processedAt: "2026-11-01T01:00:00Z", amountMinor: 250 },
        { processedAt: new Date("2026-11-10T12:00:00Z"), amountMinor: 2000 }, // day 3
        { processedAt: "2026-11-22T00:00:00Z", amountMinor: 9999 }, // at asOf: not counted
      ],
      asOf,
    )!;
    expect(f.frequency).toBe(4);
    expect(f.monetaryMinor).toBe(3750);
    // last order 2026-11-10T12:00 → 11.5 days before asOf → 11 whole days
    expect(f.recencyDays).toBe(11);
    expect(f.x).toBe(2); // three distinct purchase days
    expect(f.tx).toBe(40); // Oct 1 → Nov 10
    expect(f.T).toBe(52); // Oct 1 → Nov 22
    // repeat days: Nov 1 (250 + 500) and Nov 10 (2000) → mean 1375
    expect(f.repeatDayMeanMinor).toBe(1375);
  });

  it("merges same-day orders into one purchase day", () => {
    const f = computeCustomerFacts(
      [
        { processedAt: "2026-11-20T01:00:00Z", amountMinor: 100 },
        { processedAt: "2026-11-20T22:00:00Z", amountMinor: 100 },
      ],
      asOf,
    )!;
    expect(f.frequency).toBe(2);
    expect([f.x, f.tx, f.T, f.repeatDayMeanMinor]).toEqual([0, 0, 2, 0]);
    expect(f.recencyDays).toBe(1);
  });
});
