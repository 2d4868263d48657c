import { describe, expect, it } from "vitest";
import { gainedFlowTraits, recoveredSince, type PreviousScore } from "./recovered";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const prev = (segment: string, asOf: string, extra: Partial<PreviousScore> = {}): PreviousScore => ({ segment, asOf: d(asOf), recoveredAt: null, traits: [], ...extra });

describe("recoveredSince", () => {
  it("starts at the new order of a customer who was lapsing", () => {
    for (const segment of ["at_risk", "cant_lose_them", "hibernating", "about_to_sleep"]) {
      expect(recoveredSince(prev(segment, "2026-11-01"), d("2026-11-20"), d("2026-11-20"))).toEqual(d("2026-11-20"));
    }
  });

  it("does not start for other segments, a first score, or an order the previous score already saw", () => {
    expect(recoveredSince(prev("loyal_customers", "2026-11-01"), d("2026-11-20"), d("2026-11-20"))).toBeNull();
    expect(recoveredSince(prev("new_customers", "2026-11-01"), d("2026-11-20"), d("2026-11-20"))).toBeNull();
    expect(recoveredSince(null, d("2026-11-20"), d("2026-11-20"))).toBeNull();
    // Still At Risk at the nightly recompute, no new order since the last score: not a recovery.
    expect(recoveredSince(prev("at_risk", "2026-11-01"), d("2026-09-01"), d("2026-11-02"))).toBeNull();
  });

  it("holds for 30 days after the winning order, not 30", () => {
    const since = d("2026-11-01");
    const p = prev("new_customers", "2026-11-02", { recoveredAt: since });
    expect(recoveredSince(p, since, new Date(since.getTime() + 30 * 86_400_000 - 1))).toEqual(since);
    expect(recoveredSince(p, since, new Date(since.getTime() + 30 * 86_400_000))).toBeNull();
  });

  it("ends when the winning order no longer counts (cancelled: the last counted order is older)", () => {
    const since = d("2026-11-20");
    const p = prev("champions", "2026-11-20", { recoveredAt: since });
    expect(recoveredSince(p, d("2026-06-03"), d("2026-11-21"))).toBeNull();
    // A later order keeps it.
    expect(recoveredSince(p, d("2026-11-25"), d("2026-11-25"))).toEqual(since);
  });

  it("a second lapse and return starts a new recovery", () => {
    const p = prev("at_risk", "2026-11-10", { recoveredAt: d("2026-10-20") });
    expect(recoveredSince(p, d("2026-11-15"), d("2026-11-15"))).toEqual(d("2026-11-15"));
  });
});

describe("gainedFlowTraits", () => {
  it("lists only newly gained Flow traits, none for a first score", () => {
    expect(gainedFlowTraits(prev("at_risk", "2026-11-01", { traits: ["vip_at_risk"] }), ["discount_seeker", "recovered", "vip_at_risk"])).toEqual(["recovered"]);
    expect(gainedFlowTraits(prev("at_risk", "2026-11-01"), ["due_to_reorder", "one_and_done"])).toEqual(["due_to_reorder"]);
    expect(gainedFlowTraits(null, ["recovered"])).toEqual([]);
    expect(gainedFlowTraits(prev("at_risk", "2026-11-01", { traits: ["recovered"] }), ["recovered"])).toEqual([]);
  });
});
