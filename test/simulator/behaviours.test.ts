import { describe, expect, it } from "vitest";
import type { StoreBehaviour } from "./behaviours";
import { customerStats, generateStore, truthFor } from "./generator";
import type { SimShop } from "./model";

const asOf = "2026-11-22T00:00:00Z";
const asOfMs = Date.parse(asOf);
const DAY = 86_400_000;

const gen = (behaviour: StoreBehaviour, seed = 3, customers = 5000) =>
  generateStore({ domain: `${behaviour.replace("_", "-")}.myshopify.com`, seed, customers, asOf, years: 3, behaviour });

/** Times of each customer's orders that are part of the buying process (not test orders; cancelled ones are). */
function ordersByCustomer(shop: SimShop): Map<number, number[]> {
  const by = new Map<number, number[]>();
  for (const o of shop.orders.values()) {
    if (o.customerId === null || o.test) continue;
    let ts = by.get(o.customerId);
    if (!ts) by.set(o.customerId, (ts = []));
    ts.push(Date.parse(o.processedAt));
  }
  return by;
}

function gapCvs(by: Map<number, number[]>, minOrders: number): number[] {
  const cvs: number[] = [];
  for (const ts of by.values()) {
    if (ts.length < minOrders) continue;
    const gaps = ts.slice(1).map((t, i) => t - ts[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
    cvs.push(sd / mean);
  }
  return cvs.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

describe.each(["replenishment", "seasonal", "discount_bursts"] as const)("generateStore behaviour %s", (behaviour) => {
  const { shop, truth } = gen(behaviour);

  it("is deterministic and keeps every order before asOf", () => {
    const again = gen(behaviour);
    expect(JSON.stringify([...again.shop.orders.values()])).toBe(JSON.stringify([...shop.orders.values()]));
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(truth));
    expect([...shop.orders.values()].every((o) => Date.parse(o.updatedAt) < asOfMs)).toBe(true);
    expect(shop.customers.size).toBe(5000);
  });

  it("records ground truth that matches the store: counts, stop times, the future", () => {
    expect(truthFor(shop)).toBe(truth);
    expect(truth.behaviour).toBe(behaviour);
    const stats = customerStats(shop);
    const by = ordersByCustomer(shop);
    const bad: string[] = [];
    let withFuture = 0;
    for (const c of truth.customers) {
      if ((stats.get(c.id)?.countedOrders ?? 0) !== c.countedOrdersBeforeAsOf) bad.push(`count ${c.id}`);
      if (!(c.lambda > 0) || c.p !== 0) bad.push(`latent ${c.id}`);
      if (c.stopsAt !== undefined && c.stopsAt !== null) {
        const stop = Date.parse(c.stopsAt);
        if ((by.get(c.id) ?? []).some((t) => t > stop)) bad.push(`after stop ${c.id}`);
        if (c.alive !== stop >= asOfMs) bad.push(`alive ${c.id}`);
      } else if (!c.alive) bad.push(`alive without stop ${c.id}`);
      if (!c.alive && c.purchasesNextHorizon !== 0) bad.push(`dead buys ${c.id}`);
      if (c.purchasesNextHorizon > 0) withFuture++;
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(withFuture).toBeGreaterThan(100);
    const alive = truth.customers.filter((c) => c.alive).length / truth.customers.length;
    expect(alive).toBeGreaterThan(0.15);
    expect(alive).toBeLessThan(0.85);
    expect(truth.summary.aliveAtAsOf).toBe(truth.customers.filter((c) => c.alive).length);
  });
});

describe("replenishment", () => {
  const { shop, truth } = gen("replenishment");
  const by = ordersByCustomer(shop);

  it("each customer buys on a steady cycle of 20-60 days: gaps with a small coefficient of variation", () => {
    const cvs = gapCvs(by, 4);
    expect(cvs.length).toBeGreaterThan(1000);
    expect(quantile(cvs, 0.5)).toBeLessThan(0.12);
    expect(quantile(cvs, 0.9)).toBeLessThan(0.25);
    // A buy-till-you-die store's gaps are exponential: CV near 1.
    const btyd = gapCvs(ordersByCustomer(gen("btyd").shop), 4);
    expect(quantile(btyd, 0.5)).toBeGreaterThan(0.6);
    // The mean gap is the customer's own cycle.
    const ratios: number[] = [];
    for (const c of truth.customers) {
      expect(c.cycleDays).toBeGreaterThanOrEqual(20);
      expect(c.cycleDays).toBeLessThanOrEqual(60);
      const ts = by.get(c.id) ?? [];
      if (ts.length >= 4) ratios.push((ts[ts.length - 1] - ts[0]) / (ts.length - 1) / DAY / c.cycleDays!);
    }
    ratios.sort((a, b) => a - b);
    expect(quantile(ratios, 0.1)).toBeGreaterThan(0.9);
    expect(quantile(ratios, 0.9)).toBeLessThan(1.1);
  });

  it("customers stop for good: the silent ones are past their stop, trial buyers order once", () => {
    let overdueAlive = 0;
    let oneOrder = 0;
    for (const c of truth.customers) {
      const ts = by.get(c.id) ?? [];
      if (ts.length === 1) oneOrder++;
      const silentDays = (asOfMs - ts[ts.length - 1]) / DAY;
      if (silentDays > 2 * c.cycleDays! && c.alive) overdueAlive++;
    }
    expect(overdueAlive).toBe(0);
    expect(oneOrder / truth.customers.length).toBeGreaterThan(0.25);
    expect(oneOrder / truth.customers.length).toBeLessThan(0.6);
  });
});

describe("seasonal", () => {
  const { shop, truth } = gen("seasonal");

  it("orders concentrate in the peaks (20 Nov - 24 Dec, 1 - 12 May) and the other months are quiet", () => {
    const months = new Array<number>(12).fill(0);
    let inPeak = 0;
    let total = 0;
    const peaks = (truth.events ?? []).map((e) => [Date.parse(e.start), Date.parse(e.end)]);
    expect(truth.events?.filter((e) => e.kind === "peak").length).toBeGreaterThanOrEqual(4);
    for (const ts of ordersByCustomer(shop).values()) {
      for (const t of ts) {
        total++;
        months[new Date(t).getUTCMonth()]++;
        if (peaks.some(([a, b]) => t >= a && t < b)) inPeak++;
      }
    }
    expect(inPeak / total).toBeGreaterThan(0.8);
    expect((months[10] + months[11]) / total).toBeGreaterThan(0.6);
    for (const m of [0, 1, 2, 3, 5, 6, 7, 8, 9]) expect(months[m] / total).toBeLessThan(0.04);
    // Peak days are under a seventh of the year.
    const peakDays = peaks.filter(([a]) => new Date(a).getUTCFullYear() === 2025).reduce((s, [a, b]) => s + (b - a) / DAY, 0);
    expect(peakDays).toBe(35 + 12);
  });

  it("repeat buyers come back in the next peak, not after a personal cycle", () => {
    const gaps: number[] = [];
    for (const ts of ordersByCustomer(shop).values()) for (let i = 1; i < ts.length; i++) gaps.push((ts[i] - ts[i - 1]) / DAY);
    const share = (lo: number, hi: number) => gaps.filter((g) => g >= lo && g < hi).length / gaps.length;
    expect(share(40, 120)).toBeLessThan(0.1); // no peak follows another within 40..120 days
    // Within a peak, to the other peak of the year (Dec → May, May → Nov), or to the same peak a year on.
    expect(share(0, 35) + share(120, 230) + share(320, 410)).toBeGreaterThan(0.75);
  });
});

describe("discount_bursts", () => {
  const { shop, truth } = gen("discount_bursts");

  it("purchases cluster in the shop's sale events, and sale orders carry a discount code", () => {
    const sales = (truth.events ?? []).map((e) => [Date.parse(e.start), Date.parse(e.end)]);
    expect(sales.length).toBeGreaterThan(12);
    const start = asOfMs - 3 * 365 * DAY;
    const saleDays = sales.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, asOfMs) - Math.max(a, start)), 0) / DAY;
    expect(saleDays / (3 * 365)).toBeLessThan(0.12);
    let inSale = 0;
    let inSaleWithCode = 0;
    let outside = 0;
    let outsideWithCode = 0;
    for (const o of shop.orders.values()) {
      if (o.customerId === null || o.test || o.cancelledAt) continue;
      const t = Date.parse(o.processedAt);
      const coded = o.discountCodes.length > 0;
      if (sales.some(([a, b]) => t >= a && t < b)) {
        inSale++;
        if (coded) inSaleWithCode++;
      } else {
        outside++;
        if (coded) outsideWithCode++;
      }
    }
    expect(inSale / (inSale + outside)).toBeGreaterThan(0.7);
    expect(inSaleWithCode / inSale).toBeGreaterThan(0.95);
    expect(outsideWithCode / outside).toBeLessThan(0.3);
  });
});
