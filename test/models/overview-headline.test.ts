// The overview's headline numbers (loadDashboard().headline) against real
// PostgreSQL, rows inserted directly, expectations worked out by hand: the
// churn boundary (≥ 0.5 counts), the 7-day window of moves (first scores,
// older moves, later moves and other shops' moves left out, a customer who
// moved twice counted once), champions' share of what was spent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../app/db.server";
import { loadDashboard, MOVED_WINDOW_DAYS } from "../../app/models/dashboard.server";
import { closeQueues } from "../../app/queue.server";
import { removeShops, seedScores } from "../support/score-seed";

const RUN = `${process.pid}-${Date.now()}`;
const SHOP = `headline-${RUN}.myshopify.com`;
const OTHER = `headline-other-${RUN}.myshopify.com`;
const EMPTY = `headline-empty-${RUN}.myshopify.com`;
const NOW = new Date("2026-11-22T12:00:00Z");

beforeAll(async () => {
  const shop = await prisma.shop.create({ data: { domain: SHOP, currency: "EUR" } });
  const other = await prisma.shop.create({ data: { domain: OTHER, currency: "EUR" } });
  await prisma.shop.create({ data: { domain: EMPTY, currency: "EUR" } });
  await seedScores(
    prisma,
    shop.id,
    [
      { id: 1, segment: "champions", churnProbability: 0.5, predictedClv12m: 100, monetaryMinor: 50_00n },
      { id: 2, segment: "champions", churnProbability: 0.4999, predictedClv12m: 200, monetaryMinor: 25_00n },
      { id: 3, segment: "at_risk", churnProbability: 0.9, predictedClv12m: 300.25, monetaryMinor: 12_50n },
      { id: 4, segment: "hibernating", churnProbability: 1, predictedClv12m: 0.5, monetaryMinor: 12_50n },
      { id: 5, segment: "new_customers", churnProbability: 0.1, predictedClv12m: 40, monetaryMinor: 0n },
    ],
    [
      { customerId: 1, from: "loyal_customers", to: "champions", daysAgo: 1 },
      { customerId: 1, from: "potential_loyalists", to: "loyal_customers", daysAgo: 3 }, // the same customer again: counted once
      { customerId: 2, from: "loyal_customers", to: "champions", daysAgo: 6.9 }, // inside the 7 days
      { customerId: 3, from: "champions", to: "at_risk", daysAgo: 7.1 }, // outside
      { customerId: 5, from: null, to: "new_customers", daysAgo: 1 }, // a first score is not a move
      { customerId: 4, from: "at_risk", to: "hibernating", daysAgo: -1 }, // after `now`
    ],
    NOW,
  );
  await seedScores(prisma, other.id, [{ id: 1, segment: "at_risk", churnProbability: 0.9, predictedClv12m: 1000 }], [{ customerId: 1, from: "champions", to: "at_risk", daysAgo: 1 }], NOW);
});

afterAll(async () => {
  await removeShops(prisma, [SHOP, OTHER, EMPTY]);
  await closeQueues();
});

describe("the overview's headline", () => {
  it("counts value at risk from churn 0.5 up, champions' share of the spend, and distinct customers who moved in the last 7 days", async () => {
    const d = await loadDashboard(SHOP, NOW);
    expect(MOVED_WINDOW_DAYS).toBe(7);
    expect(d.headline.scoredCustomers).toBe(5);
    // Customers 1 (0.5), 3 (0.9) and 4 (1.0): 100 + 300.25 + 0.5; customer 2 (0.4999) is not at risk.
    expect(d.headline.atRiskCustomers).toBe(3);
    expect(d.headline.revenueAtRisk).toBeCloseTo(400.75, 9);
    // Champions spent 50.00 + 25.00 of 100.00.
    expect(d.headline).toMatchObject({ championsCustomers: 2, championsMonetaryMinor: "7500", totalMonetaryMinor: "10000", championsRevenueShare: 0.75 });
    // Customers 1 and 2.
    expect(d.headline.movedThisWeek).toBe(2);
    expect(Object.fromEntries(d.segments.map((s) => [s.segment, s.revenueShare]))).toEqual({ champions: 0.75, at_risk: 0.125, hibernating: 0.125, new_customers: 0 });
  });

  it("another shop's rows never count", async () => {
    const d = await loadDashboard(OTHER, NOW);
    expect(d.headline).toMatchObject({ scoredCustomers: 1, atRiskCustomers: 1, revenueAtRisk: 1000, championsCustomers: 0, championsRevenueShare: 0, movedThisWeek: 1 });
  });

  it("a shop without scores has zeros (no division by zero), an unknown shop too", async () => {
    for (const domain of [EMPTY, `nobody-${RUN}.myshopify.com`]) {
      const d = await loadDashboard(domain, NOW);
      expect(d.headline).toEqual({
        scoredCustomers: 0,
        revenueAtRisk: 0,
        atRiskCustomers: 0,
        championsCustomers: 0,
        championsMonetaryMinor: "0",
        totalMonetaryMinor: "0",
        championsRevenueShare: 0,
        movedThisWeek: 0,
        movedWindowDays: 7,
      });
    }
  });
});
