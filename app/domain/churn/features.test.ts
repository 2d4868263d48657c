import { describe, expect, it } from "vitest";
import { churnProbability, conditionalExpectedPurchases, pAlive } from "../bgnbd";
import type { CustomerFacts } from "../customer-facts";
import type { GroupedOrders } from "../population-facts";
import { createRng } from "../../../test/support/random";
import { FEATURE_COUNT, FEATURE_NAMES, HEURISTIC_FEATURE_NAMES, churnLabels, heuristicChurn, heuristicPActive, snapshotAt, timeSplitRows, writeFeatures } from "./features";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

/** BG/NBD-like shop over two years: personal rate, dropout after each purchase. */
function population(customers: number, seed: string): { offsets: number[]; timesMs: number[]; amountsMinor: number[] } {
  const rng = createRng(seed);
  const offsets = [0];
  const timesMs: number[] = [];
  const amountsMinor: number[] = [];
  const end = T0 + 730 * DAY;
  for (let c = 0; c < customers; c++) {
    const gap = 10 + rng() * 80;
    const dropout = 0.05 + rng() * 0.4;
    let t = T0 + rng() * 600 * DAY;
    while (t < end) {
      timesMs.push(Math.floor(t));
      amountsMinor.push(500 + Math.floor(rng() * 9500));
      if (rng() < dropout) break;
      t += -Math.log(1 - rng()) * gap * DAY;
    }
    offsets.push(timesMs.length);
  }
  return { offsets, timesMs, amountsMinor };
}

/** Insert one order for customer c (keeping its orders sorted). */
function plant(o: { offsets: number[]; timesMs: number[]; amountsMinor: number[] }, c: number, t: number, amount: number): GroupedOrders {
  const times = o.timesMs.slice();
  const amounts = o.amountsMinor.slice();
  let k = o.offsets[c];
  while (k < o.offsets[c + 1] && times[k] <= t) k++;
  times.splice(k, 0, t);
  amounts.splice(k, 0, amount);
  const offsets = o.offsets.map((v, i) => (i > c ? v + 1 : v));
  return { offsets, timesMs: times, amountsMinor: amounts };
}

describe("writeFeatures", () => {
  it("computes each feature from the facts (hand-computed)", () => {
    // Orders on days 0, 10, 30 of $10, $20, $30; cut on day 40: frequency 3, recency 10, T 40,
    // x 2, t_x 30 → own gap 15, recency/gap 2/3, average order $20, total $60.
    const f: CustomerFacts = { frequency: 3, recencyDays: 10, monetaryMinor: 6000, x: 2, tx: 30, T: 40, repeatDayMeanMinor: 2500 };
    const bg = { r: 0.25, alpha: 30, a: 0.8, b: 2.4 };
    const out = new Float64Array(FEATURE_COUNT + 2);
    writeFeatures(f, { kind: "bgnbd", params: bg }, 60, out, 1);
    const at = (name: (typeof FEATURE_NAMES)[number]) => out[1 + FEATURE_NAMES.indexOf(name)];
    expect(at("log_frequency")).toBeCloseTo(Math.log(4), 12);
    expect(at("log_recency_days")).toBeCloseTo(Math.log(11), 12);
    expect(at("log_age_days")).toBeCloseTo(Math.log(41), 12);
    expect(at("log_avg_order_value")).toBeCloseTo(Math.log(21), 12);
    expect(at("log_mean_gap_days")).toBeCloseTo(Math.log(16), 12);
    expect(at("recency_over_gap")).toBeCloseTo(2 / 3, 12);
    expect(at("repeat_buyer")).toBe(1);
    expect(at("log_total_spend")).toBeCloseTo(Math.log(61), 12);
    const churn = churnProbability(bg, 2, 30, 40, 60);
    expect(at("logit_bgnbd_no_purchase")).toBeCloseTo(Math.log(churn / (1 - churn)), 10);
    expect(at("log_bgnbd_expected")).toBeCloseTo(Math.log1p(conditionalExpectedPurchases(bg, 2, 30, 40, 60)), 10);
    expect(at("bgnbd_p_alive")).toBeCloseTo(pAlive(bg, 2, 30, 40), 12);
    expect(at("log_window_days")).toBeCloseTo(Math.log(60), 12);
    expect(out[0]).toBe(0); // nothing written outside the row
    expect(out[FEATURE_COUNT + 1]).toBe(0);
  });

  it("gives a one-time buyer gap 0, ratio 0, flag 0 and caps the ratio at ten gaps", () => {
    const bg = { r: 0.25, alpha: 30, a: 0.8, b: 2.4 };
    const out = new Float64Array(FEATURE_COUNT);
    writeFeatures({ frequency: 1, recencyDays: 50, monetaryMinor: 1000, x: 0, tx: 0, T: 50, repeatDayMeanMinor: 0 }, { kind: "bgnbd", params: bg }, 30, out, 0);
    expect(out[FEATURE_NAMES.indexOf("log_mean_gap_days")]).toBe(0);
    expect(out[FEATURE_NAMES.indexOf("recency_over_gap")]).toBe(0);
    expect(out[FEATURE_NAMES.indexOf("repeat_buyer")]).toBe(0);
    expect(out[FEATURE_NAMES.indexOf("bgnbd_p_alive")]).toBe(1);
    writeFeatures({ frequency: 2, recencyDays: 500, monetaryMinor: 1000, x: 1, tx: 5, T: 505, repeatDayMeanMinor: 500 }, { kind: "bgnbd", params: bg }, 30, out, 0);
    expect(out[FEATURE_NAMES.indexOf("recency_over_gap")]).toBe(10);
  });
});

describe("heuristicChurn", () => {
  it("is score-shop.ts's rule: P(active) halves every three gaps, rate 1/g while active", () => {
    // g = 30, recency 90 → P(active) = 0.5; churn over 30 days = 0.5 + 0.5·e^−1.
    expect(heuristicChurn(30, 90, 30)).toBeCloseTo(0.5 + 0.5 * Math.exp(-1), 12);
    expect(heuristicChurn(30, 0, 60)).toBeCloseTo(Math.exp(-2), 12);
  });
});

describe("time-split rows", () => {
  const base = population(1500, "rows");
  const cut = T0 + 400 * DAY;

  it("labels 1 exactly when there is no order in [c, c + w)", () => {
    const s = snapshotAt(base, cut);
    const y = churnLabels(s, 60);
    for (let i = 0; i < s.facts.n; i++) {
      const c = s.customerIndex[i];
      let bought = false;
      for (let k = base.offsets[c]; k < base.offsets[c + 1]; k++) if (base.timesMs[k] >= cut && base.timesMs[k] < cut + 60 * DAY) bought = true;
      expect(y[i]).toBe(bought ? 0 : 1);
    }
    // Edges: an order exactly at c counts; one exactly at c + w does not.
    const atCut = plant(base, s.customerIndex[0], cut, 100);
    const atEnd = plant(base, s.customerIndex[0], cut + 60 * DAY, 100);
    const first = (o: GroupedOrders) => churnLabels(snapshotAt(o, cut), 60)[0];
    expect(first(atCut)).toBe(0);
    expect(first(atEnd)).toBe(y[0]);
  });

  it("no leak: a purchase planted at or after the cut changes no feature of any row, only labels", () => {
    const before = timeSplitRows(base, cut, 90);
    expect(before.source).toBe("bgnbd");
    expect(before.rows).toBeGreaterThan(1000);
    // A churned row's customer buys inside the window; another buys far later; a new customer
    // (first order after the cut) is not a row at all.
    const churned = before.y.indexOf(1);
    let o = plant(base, before.customerIndex[churned], cut + 5 * DAY, 5000);
    o = plant({ offsets: Array.from(o.offsets), timesMs: Array.from(o.timesMs), amountsMinor: Array.from(o.amountsMinor) }, before.customerIndex[churned + 1], cut, 100);
    const after = timeSplitRows(o, cut, 90);
    expect(after.rows).toBe(before.rows);
    expect(Array.from(after.customerIndex)).toEqual(Array.from(before.customerIndex));
    expect(after.x).toEqual(before.x); // every feature of every row, bit for bit
    expect(after.y[churned]).toBe(0);
    let changed = 0;
    for (let i = 0; i < before.rows; i++) if (after.y[i] !== before.y[i]) changed++;
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(changed).toBeLessThanOrEqual(2);
  });

  it("is deterministic", () => {
    const a = timeSplitRows(base, cut, 45);
    const b = timeSplitRows(population(1500, "rows"), cut, 45);
    expect(b.x).toEqual(a.x);
    expect(b.y).toEqual(a.y);
    expect(a.x.every(Number.isFinite)).toBe(true);
  });

  it("uses the heuristic's outputs where BG/NBD is not usable at the cut (too few customers)", () => {
    const small = population(100, "small");
    const s = snapshotAt(small, cut);
    expect(s.bgnbd).toBeNull();
    expect(s.bgnbdReason).toMatch(/^only \d+ customers \(model needs 300\)$/);
    const rows = timeSplitRows(small, cut, 30);
    expect(rows.source).toBe("heuristic");
    const i = 0;
    const at = (name: (typeof HEURISTIC_FEATURE_NAMES)[number]) => rows.x[i * FEATURE_COUNT + HEURISTIC_FEATURE_NAMES.indexOf(name)];
    const active = heuristicPActive(s.gapDays, s.facts.recencyDays[i]);
    const churn = heuristicChurn(s.gapDays, s.facts.recencyDays[i], 30);
    expect(at("heuristic_p_active")).toBeCloseTo(active, 12);
    expect(at("logit_heuristic_no_purchase")).toBeCloseTo(Math.log(churn / (1 - churn)), 9);
    expect(at("log_heuristic_expected")).toBeCloseTo(Math.log1p((active * 30) / s.gapDays), 12);
    // Only the three model features differ from the BG/NBD set.
    expect(HEURISTIC_FEATURE_NAMES.filter((n, k) => n !== FEATURE_NAMES[k])).toHaveLength(3);
    expect(timeSplitRows(small, cut, 30, { minCustomers: 10, minRepeatCustomers: 5 }).source).toBe("bgnbd");
  });
});
