import { describe, expect, it } from "vitest";
import { createRng, sampleBeta, sampleExponential, sampleGamma } from "../../../test/support/random";
import { loadCdnowOrders } from "../../../test/support/cdnow-orders";
import { MS_PER_DAY, getFactsRow } from "../customer-facts";
import { type GroupedOrders, factsFromGroupedOrders } from "../population-facts";
import { scoreFacts } from "../score-shop";
import { type ChurnChampionState, type ChurnMetrics, championChurnColumns, championChurnProbability, evaluateChallengers, selectChurnChampion } from "./champion";

const DAY = MS_PER_DAY;

/** Build GroupedOrders from per-customer purchase-time lists (sorted here). */
function grouped(perCustomer: number[][], rng: () => number): GroupedOrders {
  const offsets = [0];
  const timesMs: number[] = [];
  const amountsMinor: number[] = [];
  for (const times of perCustomer) {
    times.sort((a, b) => a - b);
    for (const t of times) {
      timesMs.push(Math.floor(t));
      amountsMinor.push(1000 + Math.floor(rng() * 9000));
    }
    offsets.push(timesMs.length);
  }
  return { offsets, timesMs, amountsMinor };
}

/**
 * A true BG/NBD world (Fader, Hardie & Lee 2005): rate λ ~ Gamma(r, α) per day, dropout after
 * each purchase with p ~ Beta(a, b), customers acquired uniformly over `years` before asOf;
 * purchases simulated to `untilMs` (so the future can be checked).
 */
function btydShop(customers: number, seed: string, asOfMs: number, years: number, untilMs: number): GroupedOrders {
  const rng = createRng(seed);
  const out: number[][] = [];
  for (let c = 0; c < customers; c++) {
    const lambda = sampleGamma(rng, 0.7) / 25;
    const p = sampleBeta(rng, 1, 3);
    const times: number[] = [];
    let t = asOfMs - rng() * years * 365 * DAY;
    for (;;) {
      times.push(t);
      if (rng() < p) break;
      t += sampleExponential(rng, lambda) * DAY;
      if (t >= untilMs) break;
    }
    out.push(times);
  }
  return grouped(out, rng);
}

/** Replenishment buyers: a personal cycle of 30 ± 3 days, ±10 % jitter, until they stop. */
function replenishmentShop(customers: number, seed: string, asOfMs: number, years: number, untilMs: number): GroupedOrders {
  const rng = createRng(seed);
  const out: number[][] = [];
  for (let c = 0; c < customers; c++) {
    const cycle = 27 + 6 * rng();
    const start = asOfMs - rng() * years * 365 * DAY;
    const stop = rng() < 0.25 ? start : start + sampleExponential(rng, 1 / 240) * DAY;
    const times: number[] = [];
    for (let t = start; t === start || (t < stop && t < untilMs); t += cycle * (0.9 + 0.2 * rng()) * DAY) times.push(t);
    out.push(times);
  }
  return grouped(out, rng);
}

const asOf = new Date("2026-06-01T00:00:00Z");
const metric = (ms: ChurnMetrics[], name: ChurnMetrics["model"]) => ms.find((m) => m.model === name)!;

describe("selectChurnChampion", () => {
  const H = 90;
  const btyd = btydShop(4000, "btyd", asOf.getTime(), 3, asOf.getTime() + H * DAY);

  it("is deterministic and JSON-safe", () => {
    const a = selectChurnChampion(btyd, { asOf, horizonDays: H });
    const b = selectChurnChampion(btydShop(4000, "btyd", asOf.getTime(), 3, asOf.getTime() + H * DAY), { asOf, horizonDays: H });
    expect(b).toEqual(a);
    const copy = JSON.parse(JSON.stringify(a)) as ChurnChampionState;
    expect(copy).toEqual(a);
    expect(a.version).toBe(1);
    expect(a.windowDays).toBe(H);
    expect(a.note).toBeNull();
    expect(a.cuts.length).toBeGreaterThanOrEqual(3);
    expect(a.cuts[a.cuts.length - 1]).toBe(new Date(asOf.getTime() - H * DAY).toISOString());
    expect(a.backtest.map((m) => m.model)).toEqual(["bgnbd", "supervised", "heuristic", "recency"]);
  });

  it("stores each challenger's calibration by decile on the out-of-time window", () => {
    const a = selectChurnChampion(btyd, { asOf, horizonDays: H });
    for (const m of a.backtest) {
      if (m.model === "recency" || m.logLoss === null) {
        expect(m.deciles).toBeUndefined();
        continue;
      }
      const d = m.deciles!;
      expect(d.map((x) => x.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Every evaluated customer once; the churned shares add up to the window's churned count.
      expect(d.reduce((s, x) => s + x.customers, 0)).toBe(m.customers);
      expect(d.reduce((s, x) => s + x.observed * x.customers, 0)).toBeCloseTo(m.churned, 9);
      // Ranked by predicted probability, and calibrated: each decile within 0.1 of what happened.
      for (let k = 1; k < 10; k++) expect(d[k].minPredicted).toBeGreaterThanOrEqual(d[k - 1].maxPredicted);
      for (const x of d) expect(Math.abs(x.predicted - x.observed)).toBeLessThan(0.1);
    }
  });

  it("backtests a shop above maxBacktestCustomers on a deterministic sample of about that many customers", () => {
    const full = selectChurnChampion(btyd, { asOf, horizonDays: H });
    expect(selectChurnChampion(btyd, { asOf, horizonDays: H, maxBacktestCustomers: 4000 })).toEqual(full);
    const a = selectChurnChampion(btyd, { asOf, horizonDays: H, maxBacktestCustomers: 1500 });
    expect(selectChurnChampion(btyd, { asOf, horizonDays: H, maxBacktestCustomers: 1500 })).toEqual(a);
    const m = /sample of (\d+) of the shop's 4000 customers/.exec(a.note ?? "");
    expect(m).not.toBeNull();
    // Binomial(4000, 0.375): sd ≈ 31, so ±150 is about five of them.
    expect(Math.abs(Number(m![1]) - 1500)).toBeLessThan(150);
    const evaluated = (s: ChurnChampionState) => metric(s.backtest, "recency").customers;
    expect(evaluated(a) / evaluated(full)).toBeGreaterThan(0.3);
    expect(evaluated(a) / evaluated(full)).toBeLessThan(0.45);
    // The sampled backtest measures the same models: each challenger's log-loss within 0.03 of the full one's.
    for (const name of ["bgnbd", "supervised", "heuristic"] as const) {
      expect(Math.abs(metric(a.backtest, name).logLoss! - metric(full.backtest, name).logLoss!)).toBeLessThan(0.03);
    }
    // Every customer is still scored by the result.
    const { facts } = factsFromGroupedOrders(btyd, asOf);
    const model = scoreFacts(facts, { asOf, horizonDays: H }).state;
    const p = championChurnColumns(a, facts, model, H);
    expect(p.length).toBe(facts.n);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it("recomputes within one UTC day with the same orders select and calibrate exactly the same", () => {
    const shop = btydShop(4000, "btyd", asOf.getTime(), 3, asOf.getTime()); // no order on asOf's day
    const morning = selectChurnChampion(shop, { asOf: new Date(asOf.getTime() + 3_600_000), horizonDays: H });
    const evening = selectChurnChampion(shop, { asOf: new Date(asOf.getTime() + 20 * 3_600_000), horizonDays: H });
    expect(evening).toEqual({ ...morning, asOf: evening.asOf });
    expect(morning.cuts.every((c) => c.endsWith("T00:00:00.000Z"))).toBe(true);
  });

  it("never reads an order at or after asOf", () => {
    const a = selectChurnChampion(btyd, { asOf, horizonDays: H });
    // The btyd shop already has orders after asOf (simulated to asOf + H); drop them all.
    const past: number[][] = [];
    for (let c = 0; c + 1 < btyd.offsets.length; c++) {
      const times: number[] = [];
      for (let k = btyd.offsets[c]; k < btyd.offsets[c + 1]; k++) if (btyd.timesMs[k] < asOf.getTime()) times.push(btyd.timesMs[k]);
      past.push(times);
    }
    const offsets = [0];
    const timesMs: number[] = [];
    const amountsMinor: number[] = [];
    for (let c = 0; c < past.length; c++) {
      for (let k = btyd.offsets[c]; k < btyd.offsets[c + 1]; k++) {
        if (btyd.timesMs[k] < asOf.getTime()) {
          timesMs.push(btyd.timesMs[k]);
          amountsMinor.push(btyd.amountsMinor[k]);
        }
      }
      offsets.push(timesMs.length);
    }
    expect(timesMs.length).toBeLessThan(btyd.timesMs.length);
    expect(selectChurnChampion({ offsets, timesMs, amountsMinor }, { asOf, horizonDays: H })).toEqual(a);
  });

  it("on a BG/NBD population picks bgnbd or a model within noise of it", () => {
    const ev = evaluateChallengers(btyd, { fitAsOf: asOf, evalUntil: new Date(asOf.getTime() + H * DAY), horizonDays: H });
    const s = ev.state;
    const bt = (name: ChurnMetrics["model"]) => metric(s.backtest, name);
    expect(["bgnbd", "supervised"]).toContain(s.champion);
    expect(Math.abs(bt(s.champion).logLoss! - bt("bgnbd").logLoss!)).toBeLessThan(0.003);
    // On the real next 90 days as well.
    expect(Math.abs(ev.champion.logLoss! - metric(ev.uncalibrated, "bgnbd").logLoss!)).toBeLessThan(0.003);
    expect(ev.champion.auc!).toBeGreaterThan(metric(ev.uncalibrated, "bgnbd").auc! - 0.005);
    expect(ev.champion.auc!).toBeGreaterThan(metric(ev.challengers, "recency").auc!);
  });

  it("calibrates: ECE within 0.03 on the real held-out window when the history is longer than the horizon", () => {
    const ev = evaluateChallengers(btyd, { fitAsOf: asOf, evalUntil: new Date(asOf.getTime() + H * DAY), horizonDays: H });
    expect(ev.customers).toBeGreaterThan(3000);
    expect(ev.champion.ece!).toBeLessThan(0.03);
    for (const name of ["bgnbd", "supervised", "heuristic"] as const) expect(metric(ev.challengers, name).ece!).toBeLessThan(0.04);
  });

  it("on replenishment buyers (steady 30-day cycles, some stop) the supervised model wins", () => {
    const shop = replenishmentShop(3000, "replenish", asOf.getTime(), 2, asOf.getTime() + 60 * DAY);
    const ev = evaluateChallengers(shop, { fitAsOf: asOf, evalUntil: new Date(asOf.getTime() + 60 * DAY), horizonDays: 60 });
    const s = ev.state;
    expect(s.champion).toBe("supervised");
    const bt = (name: ChurnMetrics["model"]) => metric(s.backtest, name);
    for (const other of ["bgnbd", "heuristic"] as const) {
      if (bt(other).logLoss !== null) expect(bt("supervised").logLoss!).toBeLessThan(bt(other).logLoss! - 0.003);
    }
    expect(s.supervised!.featureNames).toHaveLength(12);
    // And on the real future: better ranked than days-since-last-order, and calibrated.
    expect(ev.champion.auc!).toBeGreaterThan(metric(ev.challengers, "recency").auc!);
    expect(ev.champion.ece!).toBeLessThan(0.03);
  });

  it("keeps the labelled heuristic for a small shop, exactly the app's churn", () => {
    const small = btydShop(200, "small", asOf.getTime(), 2, asOf.getTime());
    const s = selectChurnChampion(small, { asOf, horizonDays: H });
    expect(s.champion).toBe("heuristic");
    expect(s.reason).toBe("heuristic: only 200 customers (model needs 300)");
    expect(s.supervised).toBeNull();
    expect(s.calibration).toBeNull();
    const { facts } = factsFromGroupedOrders(small, asOf);
    const app = scoreFacts(facts, { asOf, horizonDays: H });
    expect(Array.from(championChurnColumns(s, facts, app.state, H))).toEqual(Array.from(app.columns.churnProbability));
  });

  it("says so when the history is shorter than needed for the horizon", () => {
    const shop = btydShop(3000, "short", asOf.getTime(), 0.75, asOf.getTime());
    const s = selectChurnChampion(shop, { asOf, horizonDays: 180 });
    expect(s.windowDays).toBeLessThan(180);
    expect(s.note).toMatch(/too few to check a 180-day horizon out of time/);
    expect(s.champion).not.toBe("heuristic");
  });

  it("scores one customer exactly as the columns do", () => {
    const s = selectChurnChampion(btyd, { asOf, horizonDays: H });
    const { facts } = factsFromGroupedOrders(btyd, asOf);
    const model = scoreFacts(facts, { asOf, horizonDays: H }).state;
    for (const champion of ["supervised", "bgnbd", "heuristic"] as const) {
      const st = { ...s, champion };
      const cols = championChurnColumns(st, facts, model, H);
      for (let i = 0; i < facts.n; i += 97) expect(championChurnProbability(st, getFactsRow(facts, i), model, H)).toBeCloseTo(cols[i], 12);
      expect(cols.every((p) => p > 0 && p < 1)).toBe(true);
    }
  });
});

describe("CDNOW (23,570 customers, fit before 1997-10-01, the real next 273 days)", () => {
  it("the champion ranks at least 0.770 AUC, beats recency and BG/NBD, and is no worse calibrated than BG/NBD", () => {
    const fitAsOf = new Date("1997-10-01T00:00:00Z");
    const ev = evaluateChallengers(loadCdnowOrders(), { fitAsOf, evalUntil: new Date(fitAsOf.getTime() + 273 * DAY), horizonDays: 273 });
    expect(ev.customers).toBe(23_570);
    expect(ev.churned).toBe(16_512);
    expect(ev.state.windowDays).toBeLessThan(273);
    expect(ev.state.note).not.toBeNull();
    const bg = metric(ev.uncalibrated, "bgnbd");
    expect(bg.auc!).toBeCloseTo(0.746, 3); // the measurement
    expect(bg.ece!).toBeCloseTo(0.040, 3);
    expect(ev.champion.auc!).toBeGreaterThanOrEqual(0.77);
    expect(ev.champion.auc!).toBeGreaterThanOrEqual(metric(ev.challengers, "recency").auc!);
    expect(ev.champion.auc!).toBeGreaterThanOrEqual(bg.auc!);
    expect(ev.champion.ece!).toBeLessThanOrEqual(bg.ece!);
  });
});
