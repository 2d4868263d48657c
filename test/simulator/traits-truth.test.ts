// Planted traits (generateStore's `plantedTraits`): the generator plants discount seekers and
// category specialists, records them in the truth, and the app's computeTraits finds them
// again from the counted orders before as-of (bench/support/accuracy-data.ts builds the input
// the way the benchmark does; `npm run bench:accuracy` prints the same figures).
import { describe, expect, it } from "vitest";
import { computeTraits, specialistType, TRAIT_BIT } from "../../app/domain/traits";
import { generatedTraitsStore, precisionRecall } from "../../bench/support/accuracy-data";
import { CATALOGUE, DISCOUNT_CODES, PRODUCT_TYPES } from "./catalogue";
import { DEFAULT_PLANTED_TRAITS } from "./behaviours";
import { generateStore, orderNet, truthFor } from "./generator";
import type { SimShop } from "./model";
import { orderPayload } from "./webhook-payloads";

const asOf = "2026-11-22T00:00:00Z";
const DAY = 86_400_000;
const base = { domain: "planted.myshopify.com", seed: 5, customers: 5000, asOf, years: 2 };

const serialize = (shop: SimShop) => JSON.stringify({ ...shop, customers: [...shop.customers.values()], orders: [...shop.orders.values()] });

describe("generateStore plantedTraits", () => {
  const plain = generateStore(base);
  const { shop, truth } = generateStore({ ...base, plantedTraits: true });
  const seekerOf = new Map(truth.customers.map((c) => [c.id, c.discountSeeker]));
  const specialistOf = new Map(truth.customers.map((c) => [c.id, c.specialistType]));

  it("is deterministic, leaves stores without it as they were and keeps the purchases", () => {
    const again = generateStore({ ...base, plantedTraits: true });
    expect(serialize(again.shop)).toBe(serialize(shop));
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(truth));
    expect(truthFor(shop)).toBe(truth);
    const off = generateStore({ ...base, plantedTraits: false });
    expect(serialize(off.shop)).toBe(serialize(plain.shop));
    expect(JSON.stringify(off.truth)).toBe(JSON.stringify(plain.truth));
    expect(plain.truth.plantedTraits).toBeUndefined();
    expect(plain.truth.customers.some((c) => "discountSeeker" in c || "specialistType" in c)).toBe(false);
    // The planted traits draw from their own stream: the same customers buy at the same times and amounts.
    const purchases = (s: SimShop) => [...s.orders.values()].map((o) => `${o.id} ${o.customerId} ${o.processedAt} ${o.totalShopMinor} ${o.test} ${o.cancelledAt !== null}`);
    expect(purchases(shop)).toEqual(purchases(plain.shop));
    const latent = (t: typeof truth) => t.customers.map((c) => [c.id, c.lambda, c.p, c.alive, c.purchasesNextHorizon, c.countedOrdersBeforeAsOf]);
    expect(latent(truth)).toEqual(latent(plain.truth));
  });

  it("records who is a discount seeker and who a category specialist (of which type), in the planted shares", () => {
    expect(truth.plantedTraits).toEqual(DEFAULT_PLANTED_TRAITS);
    const n = truth.customers.length;
    expect(truth.customers.every((c) => typeof c.discountSeeker === "boolean" && (c.specialistType === null || PRODUCT_TYPES.includes(c.specialistType!)))).toBe(true);
    const seekers = truth.customers.filter((c) => c.discountSeeker).length / n;
    const specialists = truth.customers.filter((c) => c.specialistType !== null);
    expect(Math.abs(seekers - DEFAULT_PLANTED_TRAITS.discountSeekerShare)).toBeLessThan(0.02);
    expect(Math.abs(specialists.length / n - DEFAULT_PLANTED_TRAITS.specialistShare)).toBeLessThan(0.02);
    // Specialist types follow the catalogue's popularity: Apparel (21 of 76) is the most common.
    const apparel = specialists.filter((c) => c.specialistType === "Apparel").length / specialists.length;
    expect(apparel).toBeGreaterThan(0.2);
    expect(apparel).toBeLessThan(0.35);
  });

  it("orders carry it: discount codes with line discounts, line items typed by the customer's affinity", () => {
    const bad: string[] = [];
    const disc = { seeker: [0, 0], other: [0, 0] };
    const ownTypeSpend = [0, 0]; // specialists: own type, all typed
    const otherTypes = new Map<string, number>(); // non-specialists: typed gross spend per type
    for (const o of shop.orders.values()) {
      const lineDiscount = o.lineItems.reduce((a, l) => a + (l.discountMinor ?? 0), 0);
      const coded = o.discountCodes.length > 0;
      if (coded !== lineDiscount > 0) bad.push(`code vs line discount ${o.id}`);
      if (coded) {
        const percent = DISCOUNT_CODES.find((d) => d.code === o.discountCodes[0])!.percent;
        if (lineDiscount !== Math.round((o.totalShopMinor * 100) / (100 - percent)) - o.totalShopMinor) bad.push(`discount amount ${o.id}`);
      }
      for (const l of o.lineItems) if (l.productId !== null && CATALOGUE.find((p) => p.id === l.productId)?.productType !== l.productType) bad.push(`type ${l.id}`);
      if (o.customerId === null || !orderNet(o).counted) continue;
      const d = seekerOf.get(o.customerId) ? disc.seeker : disc.other;
      d[0] += coded ? 1 : 0;
      d[1]++;
      const own = specialistOf.get(o.customerId);
      for (const l of o.lineItems) {
        if (!l.productType) continue;
        const gross = l.shopMinor + (l.discountMinor ?? 0);
        if (own) {
          ownTypeSpend[1] += gross;
          if (l.productType === own) ownTypeSpend[0] += gross;
        } else otherTypes.set(l.productType, (otherTypes.get(l.productType) ?? 0) + gross);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(disc.seeker[0] / disc.seeker[1]).toBeGreaterThan(0.92);
    expect(disc.other[0] / disc.other[1]).toBeLessThan(0.05);
    expect(ownTypeSpend[0] / ownTypeSpend[1]).toBeGreaterThan(0.94);
    // Everyone else spreads over the types by the catalogue's weights (76 in all).
    const total = [...otherTypes.values()].reduce((a, b) => a + b, 0);
    for (const type of PRODUCT_TYPES) {
      const weight = CATALOGUE.filter((p) => p.productType === type).reduce((a, p) => a + p.weight, 0) / 76;
      expect(Math.abs((otherTypes.get(type) ?? 0) / total - weight)).toBeLessThan(0.03);
    }
    // What the app ingests from a webhook: the codes, the line discounts, the products.
    const sample = [...shop.orders.values()].find((o) => o.discountCodes.length > 0 && o.lineItems.length > 1)!;
    const payload = orderPayload(shop, sample) as { discount_codes: { code: string }[]; line_items: { product_id: number | null; discount_allocations: { amount: string }[] }[] };
    expect(payload.discount_codes.map((c) => c.code)).toEqual(sample.discountCodes);
    expect(payload.line_items.map((l) => l.product_id)).toEqual(sample.lineItems.map((l) => l.productId));
    expect(payload.line_items.every((l) => l.discount_allocations.length === 1)).toBe(true);
  });
});

describe("computeTraits against the planted truth (5,000-customer stores)", () => {
  for (const behaviour of ["btyd", "replenishment"] as const) {
    it(`${behaviour}: discount_seeker and category_specialist at precision and recall ≥ 0.9, dates closer than the naive gap`, () => {
      const ds = generatedTraitsStore({ name: behaviour, behaviour, customers: 5000, seed: behaviour === "btyd" ? 21 : 22, asOf: "2026-06-01", horizonDays: behaviour === "btyd" ? 180 : 90, years: 2 });
      const result = computeTraits(ds.orders, { asOf: ds.asOf });
      const { truth } = ds;
      const n = ds.customers.length;
      const has = (c: number, bit: number) => (result.traits[c] & bit) !== 0;
      // Only orders before as-of count: the traits' order counts are the truth's.
      for (let c = 0; c < n; c++) expect(result.orders[c]).toBe(truth.ordersBefore[c]);
      // Seekers: over the customers the trait can reach (≥ 2 orders before as-of).
      const seeker = precisionRecall(n, (c) => truth.ordersBefore[c] >= 2, (c) => has(c, TRAIT_BIT.discount_seeker), (c) => truth.seeker[c] === 1);
      expect(seeker.truths).toBeGreaterThan(200);
      expect(seeker.precision).toBeGreaterThanOrEqual(0.9);
      expect(seeker.recall).toBeGreaterThanOrEqual(0.9);
      // Specialists with the planted type named, over ≥ 4 orders (fewer meet the bar by chance).
      const specialist = precisionRecall(
        n,
        (c) => truth.ordersBefore[c] >= 4,
        (c) => has(c, TRAIT_BIT.category_specialist),
        (c) => truth.specialistType[c] !== null,
        (c) => specialistType(result, c) === truth.specialistType[c],
      );
      expect(specialist.truths).toBeGreaterThan(90);
      expect(specialist.precision).toBeGreaterThanOrEqual(0.9);
      expect(specialist.recall).toBeGreaterThanOrEqual(0.9);
      // Expected next order date: median absolute error below "last purchase day + shop median gap".
      const app: number[] = [];
      const naive: number[] = [];
      const gShop = result.shop.medianGapDays!;
      for (let c = 0; c < n; c++) {
        if (truth.ordersBefore[c] < 2 || Number.isNaN(truth.nextOrderMs[c]) || Number.isNaN(result.expectedNextOrderMs[c])) continue;
        const real = Math.floor(truth.nextOrderMs[c] / DAY);
        const last = Math.floor(ds.orders.timesMs[ds.orders.offsets[c] + truth.ordersBefore[c] - 1] / DAY);
        app.push(Math.abs(result.expectedNextOrderMs[c] / DAY - real));
        naive.push(Math.abs(last + Math.round(gShop) - real));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      expect(app.length).toBeGreaterThan(300);
      expect(median(app)).toBeLessThan(median(naive));
    });
  }

  it("replenishment: every customer's true cycle is in the truth, and 'truly due' is defined from it", () => {
    const ds = generatedTraitsStore({ name: "r", behaviour: "replenishment", customers: 2000, seed: 22, asOf: "2026-06-01", horizonDays: 90, years: 2 });
    expect(ds.customers.every((c) => c.cycleDays! >= 20 && c.cycleDays! <= 60)).toBe(true);
    let due = 0;
    for (let c = 0; c < ds.customers.length; c++) {
      expect(ds.truth.due[c] >= 0).toBe(ds.truth.ordersBefore[c] >= 3);
      if (ds.truth.due[c] !== 1) continue;
      due++;
      // Truly due: 0.8–1.5 cycles since the last order, and a real order within one cycle.
      const last = ds.orders.timesMs[ds.orders.offsets[c] + ds.truth.ordersBefore[c] - 1];
      const since = Math.floor((ds.asOf.getTime() - last) / DAY);
      const cycle = ds.customers[c].cycleDays!;
      expect(since >= 0.8 * cycle && since <= 1.5 * cycle).toBe(true);
      expect(ds.truth.nextOrderMs[c] - ds.asOf.getTime()).toBeLessThan(cycle * DAY);
    }
    expect(due).toBeGreaterThan(30);
  });
});
