import { describe, expect, it } from "vitest";
import { daysBetween, migrationMatrix, migrationStory, migrationWindow, segmentFlows, sizeSeries, type MoveCount } from "./migration";

// A month of moves, counted by hand below. Loyal → At Risk arrives in two rows (4 + 2) and
// Champions → Champions is not a move.
const MOVES: MoveCount[] = [
  { from: "loyal_customers", to: "at_risk", customers: 4 },
  { from: "loyal_customers", to: "champions", customers: 2 },
  { from: "champions", to: "loyal_customers", customers: 4 },
  { from: "at_risk", to: "champions", customers: 3 },
  { from: "at_risk", to: "hibernating", customers: 1 },
  { from: "hibernating", to: "promising", customers: 1 },
  { from: "loyal_customers", to: "at_risk", customers: 2 },
  { from: "champions", to: "champions", customers: 5 },
];

const ORDER = [
  "champions",
  "loyal_customers",
  "potential_loyalists",
  "new_customers",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose_them",
  "hibernating",
];

/** The non-zero cells of a matrix as [from, to, count, row share]. */
function nonZero(m: ReturnType<typeof migrationMatrix>) {
  return m.rows.flatMap((r) => r.cells.filter((c) => c.customers > 0).map((c) => [r.segment, c.to, c.customers, c.rowShare]));
}

describe("migrationMatrix", () => {
  it("counts moves from → to with row percentages, rows and columns in segment order", () => {
    const m = migrationMatrix(MOVES);
    expect(m.segments.map((s) => s.key)).toEqual(ORDER);
    expect(m.segments.slice(0, 2).map((s) => s.name)).toEqual(["Champions", "Loyal Customers"]);
    expect(m.rows.map((r) => r.segment)).toEqual(ORDER);
    expect(m.total).toBe(17);
    expect(nonZero(m)).toEqual([
      ["champions", "loyal_customers", 4, 1],
      ["loyal_customers", "champions", 2, 0.25],
      ["loyal_customers", "at_risk", 6, 0.75],
      ["at_risk", "champions", 3, 0.75],
      ["at_risk", "hibernating", 1, 0.25],
      ["hibernating", "promising", 1, 1],
    ]);
    expect(m.rows.map((r) => r.total)).toEqual([4, 8, 0, 0, 0, 0, 0, 4, 0, 1]);
    // The diagonal stays empty, and an empty row has no percentages.
    expect(m.rows[0].cells[0]).toEqual({ to: "champions", customers: 0, rowShare: 0 });
    expect(m.rows[2].cells.every((c) => c.rowShare === 0)).toBe(true);
  });

  it("an empty window is a matrix of zeros over every segment", () => {
    const m = migrationMatrix([]);
    expect(m.total).toBe(0);
    expect(m.rows).toHaveLength(10);
    expect(m.rows.every((r) => r.total === 0 && r.cells.length === 10 && r.cells.every((c) => c.customers === 0))).toBe(true);
  });

  it("a segment key outside the map comes after the known ones, named by its key", () => {
    const m = migrationMatrix([{ from: "legacy", to: "champions", customers: 2 }]);
    expect(m.segments.map((s) => s.key)).toEqual([...ORDER, "legacy"]);
    expect(m.segments[10].name).toBe("legacy");
    expect(nonZero(m)).toEqual([["legacy", "champions", 2, 1]]);
  });
});

describe("segmentFlows", () => {
  it("inflow is the column's sum, outflow the row's, net their difference", () => {
    const flows = segmentFlows(migrationMatrix(MOVES));
    expect(flows.map((f) => [f.segment, f.inflow, f.outflow, f.net])).toEqual([
      ["champions", 5, 4, 1],
      ["loyal_customers", 4, 8, -4],
      ["potential_loyalists", 0, 0, 0],
      ["new_customers", 0, 0, 0],
      ["promising", 1, 0, 1],
      ["need_attention", 0, 0, 0],
      ["about_to_sleep", 0, 0, 0],
      ["at_risk", 6, 4, 2],
      ["cant_lose_them", 0, 0, 0],
      ["hibernating", 1, 1, 0],
    ]);
    expect(flows[1].name).toBe("Loyal Customers");
  });
});

describe("migrationStory", () => {
  it("tells the largest moves, who came back and who grew and shrank", () => {
    expect(migrationStory(migrationMatrix(MOVES), 30)).toEqual([
      "6 customers moved from Loyal Customers to At Risk in the last 30 days, the largest of 17 moves.",
      "Next: 4 from Champions to Loyal Customers and 3 from At Risk to Champions.",
      // At Risk → Hibernating is lapsing to lapsing: not a return.
      "3 At Risk customers and 1 Hibernating customer came back (4 in all).",
      "At Risk grew the most (net +2); Loyal Customers shrank the most (net \u22124).",
    ]);
  });

  it("one move: singular, no 'largest of', no 'next'", () => {
    expect(migrationStory(migrationMatrix([{ from: "hibernating", to: "champions", customers: 1 }]), 7)).toEqual([
      "1 customer moved from Hibernating to Champions in the last 7 days.",
      "1 Hibernating customer came back.",
      "Champions grew the most (net +1); Hibernating shrank the most (net \u22121).",
    ]);
  });

  it("says so when no lapsing customer came back, and separates thousands", () => {
    const moves = [
      { from: "champions", to: "loyal_customers", customers: 1234 },
      { from: "loyal_customers", to: "champions", customers: 1234 },
    ];
    expect(migrationStory(migrationMatrix(moves), 90)).toEqual([
      // A tie goes to the segment first in the map's order.
      "1,234 customers moved from Champions to Loyal Customers in the last 90 days, the largest of 2,468 moves.",
      "Next: 1,234 from Loyal Customers to Champions.",
      "No customer came back from About to Sleep, At Risk, Can't Lose Them or Hibernating.",
    ]);
  });

  it("an empty window is one sentence", () => {
    expect(migrationStory(migrationMatrix([]), 90)).toEqual(["No customer moved between segments in the last 90 days."]);
  });

  it("names only the three largest moves", () => {
    const moves = [
      { from: "champions", to: "at_risk", customers: 5 },
      { from: "promising", to: "hibernating", customers: 4 },
      { from: "new_customers", to: "promising", customers: 3 },
      { from: "need_attention", to: "about_to_sleep", customers: 2 },
    ];
    const story = migrationStory(migrationMatrix(moves), 30);
    expect(story.slice(0, 2)).toEqual([
      "5 customers moved from Champions to At Risk in the last 30 days, the largest of 14 moves.",
      "Next: 4 from Promising to Hibernating and 3 from New Customers to Promising.",
    ]);
    // Nets: At Risk +5, Hibernating +4, About to Sleep +2; Champions −5, New Customers −3, Need Attention −2, Promising −1.
    expect(story[3]).toBe("At Risk grew the most (net +5); Champions shrank the most (net \u22125).");
  });
});

describe("sizeSeries", () => {
  it("one value per day and segment; a day without a snapshot is a gap, a segment a snapshot lacks is 0", () => {
    const rows = [
      { day: "2026-02-28", segment: "champions", customers: 99 }, // before the window
      { day: "2026-03-01", segment: "champions", customers: 10 },
      { day: "2026-03-01", segment: "at_risk", customers: 5 },
      { day: "2026-03-03", segment: "champions", customers: 12 },
      { day: "2026-03-04", segment: "at_risk", customers: 6 },
      { day: "2026-03-04", segment: "champions", customers: 11 },
      { day: "2026-03-04", segment: "hibernating", customers: 0 },
    ];
    const s = sizeSeries(rows, "2026-03-01", "2026-03-04");
    expect(s.days).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
    expect(s.snapshotDays).toBe(3);
    expect(s.series).toEqual([
      { segment: "champions", name: "Champions", values: [10, null, 12, 11] },
      { segment: "at_risk", name: "At Risk", values: [5, null, 0, 6] },
    ]);
  });

  it("no snapshots: every day, no series", () => {
    const s = sizeSeries([], "2026-03-01", "2026-03-08");
    expect(s.days).toHaveLength(8);
    expect(s.snapshotDays).toBe(0);
    expect(s.series).toEqual([]);
  });
});

describe("migrationWindow", () => {
  it("the window ends at now and starts days × 24 h before; snapshot days are their UTC dates", () => {
    const w = migrationWindow(new Date("2026-03-31T10:00:00Z"), 30);
    expect(w.since.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(w.until.toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect([w.fromDay, w.toDay]).toEqual(["2026-03-01", "2026-03-31"]);
    expect(daysBetween(w.fromDay, w.toDay)).toHaveLength(31);
    // Across the end of February (2026 is not a leap year).
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
  });
});
