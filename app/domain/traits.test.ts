import { describe, expect, it } from "vitest";
import type { BehaviourOrders } from "./behaviour-orders";
import { TRAIT_BIT, computeTraits, expectedNextOrderDate, explainTraits, nearestRank, specialistType, storedThresholds, traitKeys, type ShopTraits, type TraitKey } from "./traits";

const DAY = 86_400_000;
const AS_OF = new Date("2026-06-01T00:00:00Z");

/** One order, `ago` days before as-of (fractional allowed; ≤ 0 is at or after as-of). */
interface O {
  ago: number;
  /** 1/100 units, default 1000. */
  amount?: number;
  disc?: boolean;
  types?: [string, number][];
}

/** BehaviourOrders from per-customer order lists (sorted here by time, like the database returns them). */
function build(customers: O[][]): BehaviourOrders {
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const offsets = [0];
  const timesMs: number[] = [];
  const amountsMinor: number[] = [];
  const discounted: number[] = [];
  const typeOffsets = [0];
  const typeIndex: number[] = [];
  const typeSpendMinor: number[] = [];
  for (const orders of customers) {
    for (const o of [...orders].sort((a, b) => b.ago - a.ago)) {
      timesMs.push(AS_OF.getTime() - o.ago * DAY);
      amountsMinor.push(o.amount ?? 1000);
      discounted.push(o.disc ? 1 : 0);
      for (const [name, spend] of o.types ?? []) {
        let t = nameIndex.get(name);
        if (t === undefined) {
          t = names.length;
          nameIndex.set(name, t);
          names.push(name);
        }
        typeIndex.push(t);
        typeSpendMinor.push(spend);
      }
      typeOffsets.push(typeIndex.length);
    }
    offsets.push(timesMs.length);
  }
  return { offsets, timesMs, amountsMinor, discounted, typeOffsets, typeIndex, typeSpendMinor, typeNames: names };
}

const has = (r: ShopTraits, c: number, key: TraitKey) => (r.traits[c] & TRAIT_BIT[key]) !== 0;

describe("nearestRank", () => {
  it("is ceil(p/100·N), 1-based", () => {
    expect(nearestRank(80, 10)).toBe(8);
    expect(nearestRank(80, 5)).toBe(4);
    expect(nearestRank(80, 6)).toBe(5); // 4.8 → 5
    expect(nearestRank(90, 11)).toBe(10); // 9.9 → 10
    expect(nearestRank(90, 20)).toBe(18);
    expect(nearestRank(90, 1)).toBe(1);
  });
});

describe("discount_seeker", () => {
  it("needs 2 orders and 60 % discounted: 60 of 100 yes, 59 of 100 no, 3 of 5 yes, 1 of 1 no", () => {
    const many = (d: number) => Array.from({ length: 100 }, (_, i): O => ({ ago: i + 1, disc: i < d }));
    const r = computeTraits(
      build([
        many(60),
        many(59),
        [{ ago: 5, disc: true }, { ago: 4, disc: true }, { ago: 3, disc: true }, { ago: 2 }, { ago: 1 }],
        [{ ago: 5, disc: true }],
        [{ ago: 5, disc: true }, { ago: 4 }],
        [{ ago: 5, disc: true }, { ago: 4, disc: true }],
        [{ ago: 5, disc: true }, { ago: 4 }, { ago: 0, disc: true }, { ago: -3, disc: true }], // the last two are at/after as-of
      ]),
      { asOf: AS_OF },
    );
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => has(r, c, "discount_seeker"))).toEqual([true, false, true, false, false, true, false]);
    expect([r.orders[6], r.discountedOrders[6]]).toEqual([2, 1]);
  });

  it("explains with its numbers", () => {
    const r = computeTraits(build([[{ ago: 50, disc: true }, { ago: 40, disc: true }, { ago: 30 }, { ago: 20, disc: true }, { ago: 10, disc: true }]]), { asOf: AS_OF });
    const e = explainTraits(r, 0).explanations.find((x) => x.key === "discount_seeker");
    expect(e?.text).toBe("discount seeker: 4 of 5 orders (80 %) carried a discount; the bar is 60 % of at least 2 orders");
  });
});

describe("category_specialist", () => {
  const r = computeTraits(
    build([
      [{ ago: 20, types: [["A", 8000]] }, { ago: 10, types: [["B", 2000]] }], // 80 %: yes
      [{ ago: 20, types: [["A", 7900]] }, { ago: 10, types: [["B", 2100]] }], // 79 %: no
      [{ ago: 20, types: [["A", 10000]] }], // one order: no
      [{ ago: 30 }, { ago: 20 }, { ago: 10 }], // no product types: never
      [{ ago: 20, types: [["B", 5000]] }, { ago: 10, types: [["A", 5000]] }], // tie: A by name
      [{ ago: 20, types: [["A", 3000], ["B", 1000]] }, { ago: 10, types: [["A", 5000], ["B", 1000]] }], // A 8000 of 10000
      [{ ago: 20, types: [["A", 1000]] }, { ago: 10, types: [["B", 1000]] }, { ago: 0, types: [["B", 100000]] }], // at as-of: not counted
      [{ ago: 20, types: [["C", 0]] }, { ago: 10, types: [["C", 0]] }], // typed but no spend: never
    ]),
    { asOf: AS_OF },
  );

  it("needs 2 orders and one type with ≥ 80 % of the item spend", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((c) => has(r, c, "category_specialist"))).toEqual([true, false, false, false, false, true, false, false]);
  });

  it("names the type and reports its share", () => {
    expect(specialistType(r, 0)).toBe("A");
    expect(specialistType(r, 1)).toBeNull();
    expect(r.topTypeShare[0]).toBeCloseTo(0.8, 12);
    expect(r.topTypeShare[1]).toBeCloseTo(0.79, 12);
    expect(r.typeNames[r.topType[1]]).toBe("A");
    expect(r.topType[3]).toBe(-1);
    expect(r.topTypeShare[3]).toBe(0);
    expect(r.typeNames[r.topType[4]]).toBe("A");
    expect(r.topTypeShare[4]).toBe(0.5);
    expect(r.topTypeShare[6]).toBe(0.5);
    expect(r.topType[7]).toBe(-1);
    expect(explainTraits(r, 5).explanations).toEqual([{ key: "category_specialist", text: "category specialist: A holds 80 % of the item spend over 2 orders; the bar is 80 % of at least 2 orders" }]);
  });
});

describe("high_potential_first_timer", () => {
  it("within the last 60 days means recencyDays < 60: 59 and 59 days 23 h yes, 60 and 61 no", () => {
    // Every first order is 10.00, so the 80th percentile is 10.00 and each first order reaches it.
    const r = computeTraits(build([[{ ago: 59 }], [{ ago: 59 + 23 / 24 }], [{ ago: 60 }], [{ ago: 61 }], [{ ago: 0.5 }]]), { asOf: AS_OF });
    expect(Array.from(r.recencyDays)).toEqual([59, 59, 60, 61, 0]);
    expect(r.shop.firstOrderAmountP80Minor).toBe(1000);
    expect([0, 1, 2, 3, 4].map((c) => has(r, c, "high_potential_first_timer"))).toEqual([true, true, false, false, true]);
  });

  it("amount at least the nearest-rank 80th percentile of all customers' first orders (ties share it)", () => {
    // First-order amounts 10,20,30,40,50,60,70,80,80,90: the 8th smallest is 80.
    const amounts = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 8000, 9000];
    const customers = amounts.map((amount): O[] => [{ ago: 10, amount }]);
    customers[9] = [{ ago: 200, amount: 9000 }, { ago: 100, amount: 100 }, { ago: 5, amount: 100000 }]; // a repeat buyer: its first order counts
    const r = computeTraits(build(customers), { asOf: AS_OF });
    expect(r.shop.firstOrderAmountP80Minor).toBe(8000);
    expect(amounts.map((_, c) => has(r, c, "high_potential_first_timer"))).toEqual([false, false, false, false, false, false, false, true, true, false]);
    expect(explainTraits(r, 7).explanations[0].text).toBe(
      "high-potential first-timer: one order, 10 days ago (within 60 days), and the order's 80.00 is at least the shop's 80th percentile of first orders (80.00)",
    );
    expect(explainTraits(r, 7, "EUR").explanations[0].text).toContain("the order's €80.00 is at least the shop's 80th percentile of first orders (€80.00)");
  });

  /**
   * Customer 0: one order of 1.00, 10 days ago, main type X (below the 10.00 percentile). Then
   * nX − 1 more customers whose first order is mainly X (repX of them ordered again on a later
   * day), and nY with Y (repY again).
   */
  function typeShop(nX: number, repX: number, nY: number, repY: number) {
    const group = (type: string, n: number, rep: number) =>
      Array.from({ length: n }, (_, i): O[] => (i < rep ? [{ ago: 100, types: [[type, 1000]] }, { ago: 50 }] : [{ ago: 100, types: [[type, 1000]] }]));
    const customers: O[][] = [[{ ago: 10, amount: 100, types: [["X", 100]] }], ...group("X", nX - 1, repX), ...group("Y", nY, repY)];
    return computeTraits(build(customers), { asOf: AS_OF });
  }

  it("or a main type whose second-purchase rate is ≥ 1.5 × the shop's over ≥ 30 customers", () => {
    // 30 X customers, 9 again (30 %); 60 customers, 12 again (20 %): 30 % = 1.5 × 20 % exactly.
    const at = typeShop(30, 9, 30, 3);
    expect(at.shop.firstOrderAmountP80Minor).toBe(1000);
    expect([at.shop.scoredCustomers, at.shop.repeatBuyers, at.shop.secondPurchaseRate]).toEqual([60, 12, 0.2]);
    const x = at.typeNames.indexOf("X");
    expect([at.shop.firstOrderTypeCustomers[x], at.shop.firstOrderTypeRepeatBuyers[x], at.shop.typeQualifies[x]]).toEqual([30, 9, 1]);
    expect(has(at, 0, "high_potential_first_timer")).toBe(true);
    expect(explainTraits(at, 0).explanations[0].text).toBe(
      "high-potential first-timer: one order, 10 days ago (within 60 days), and its main product type X brings customers back: 9 of 30 customers whose first order was mainly X ordered again (30 %), at least 1.5 × the shop's 12 of 60 (20 %) over at least 30 customers",
    );
    // 8 of 30 (26.7 %) against 1.5 × 11/60 (27.5 %): no.
    expect(has(typeShop(30, 8, 30, 3), 0, "high_potential_first_timer")).toBe(false);
    // 9 of 29 (31 %) ≥ 1.5 × 12/60, but only 29 customers: no.
    const few = typeShop(29, 9, 31, 3);
    expect(few.shop.firstOrderTypeCustomers[few.typeNames.indexOf("X")]).toBe(29);
    expect(has(few, 0, "high_potential_first_timer")).toBe(false);
    // Nobody ever ordered again: 0 ≥ 1.5 × 0, but a zero rate never qualifies.
    expect(has(typeShop(30, 0, 30, 0), 0, "high_potential_first_timer")).toBe(false);
  });

  it("the first order's main type is its largest spend, ties to the first name; zero spend is no main type", () => {
    const r = computeTraits(
      build([
        [{ ago: 10, types: [["B", 500], ["A", 500]] }],
        [{ ago: 10, types: [["B", 501], ["A", 500]] }],
        [{ ago: 10, types: [["B", 0]] }],
        [{ ago: 20, types: [["B", 100]] }, { ago: 10, types: [["A", 900]] }], // the first order decides
      ]),
      { asOf: AS_OF },
    );
    expect(Array.from(r.firstOrderMainType, (t) => (t < 0 ? null : r.typeNames[t]))).toEqual(["A", "B", null, "B"]);
  });
});

describe("one_and_done", () => {
  // Repeat buyers' first-to-second purchase-day gaps 10,20,30,40,50,60,70,90,90,100: the 9th is 90.
  const gaps = [10, 20, 30, 40, 50, 60, 70, 90, 90, 100];
  const repeaters = gaps.map((g): O[] => [{ ago: 300 }, { ago: 300 - g }, { ago: 1 }]);

  it("one order, and the days since it exceed the 90th percentile of first-to-second gaps", () => {
    const r = computeTraits(build([...repeaters, [{ ago: 90 }], [{ ago: 90.9 }], [{ ago: 91 }], [{ ago: 400 }, { ago: 400 }]]), { asOf: AS_OF });
    expect(r.shop.repeatBuyers).toBe(10);
    expect(r.shop.firstToSecondGapP90Days).toBe(90);
    const c = gaps.length;
    expect([c, c + 1, c + 2, c + 3].map((i) => has(r, i, "one_and_done"))).toEqual([false, false, true, false]); // two same-day orders: not one order
    expect(explainTraits(r, c + 2).explanations[0].text).toBe("one and done: one order, 91 days ago, longer than the shop's 90th percentile of 90 days from a repeat buyer's first to second order");
  });

  it("the second purchase is the second UTC purchase day: same-day orders merge", () => {
    // First-to-second purchase-day gaps 5 (orders on day 0, 0, 5) and 7.
    const r = computeTraits(build([[{ ago: 100 }, { ago: 99.9 }, { ago: 95 }], [{ ago: 50 }, { ago: 43 }], [{ ago: 8 }]]), { asOf: AS_OF });
    expect(r.shop.firstToSecondGapP90Days).toBe(7); // rank ceil(0.9·2) = 2
    expect(has(r, 2, "one_and_done")).toBe(true);
  });

  it("never without repeat buyers", () => {
    const r = computeTraits(build([[{ ago: 500 }], [{ ago: 900 }]]), { asOf: AS_OF });
    expect(r.shop.firstToSecondGapP90Days).toBeNull();
    expect(r.traits[0] | r.traits[1]).toBe(0);
  });
});

describe("typical gap, expected next order date, due_to_reorder", () => {
  const r = computeTraits(
    build([
      [{ ago: 130 }, { ago: 126 }, { ago: 120 }, { ago: 100 }], // C0: gaps 4, 6, 20
      [{ ago: 50 }, { ago: 20 }], // C1: gap 30
      [{ ago: 70 }, { ago: 45 }, { ago: 20 }], // C2: gaps 25, 25
      [{ ago: 10 }, { ago: 9.5 }], // C3: two orders on one UTC day: no gap
      [{ ago: 5 }], // C4: one order
      [{ ago: 0 }, { ago: -1 }], // C5: nothing before as-of
      [{ ago: 20 }, { ago: 19.9 }, { ago: 19.8 }], // C6: three orders on one day
    ]),
    { asOf: AS_OF },
  );

  it("shop median over all gaps pooled: 4, 6, 20, 25, 25, 30 → 22.5", () => {
    expect(r.shop.medianGapDays).toBe(22.5);
    expect(Array.from(r.gapCount)).toEqual([3, 1, 2, 0, 0, 0, 0]);
    expect(r.ownMedianGapDays[0]).toBe(6);
  });

  it("(n·own median + 2·shop median)/(n + 2), worked by hand", () => {
    expect(r.typicalGapDays[0]).toBeCloseTo(12.6, 12); // (3·6 + 2·22.5)/5 = 63/5
    expect(r.typicalGapDays[1]).toBe(25); // (30 + 45)/3
    expect(r.typicalGapDays[2]).toBe(23.75); // (2·25 + 45)/4
    expect(r.typicalGapDays[3]).toBe(22.5); // n = 0: the shop median
    expect(r.typicalGapDays[6]).toBe(22.5);
    expect(Number.isNaN(r.typicalGapDays[4])).toBe(true);
  });

  it("next order date = last purchase day + the typical gap rounded to whole days (halves up)", () => {
    // As-of 2026-06-01. C0: last purchase day 2026-02-21 (100 days before) + round(12.6) = 13 → 2026-03-06;
    // C1: 2026-05-12 + 25 → 2026-06-06; C2: 2026-05-12 + round(23.75) = 24 → 2026-06-05;
    // C3: both orders on 2026-05-22 (00:00 and 12:00) + round(22.5) = 23 → 2026-06-14;
    // C6: all three on 2026-05-12 + 23 → 2026-06-04.
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => expectedNextOrderDate(r, c))).toEqual(["2026-03-06", "2026-06-06", "2026-06-05", "2026-06-14", null, null, "2026-06-04"]);
    expect(r.expectedNextOrderMs[1]).toBe(Date.parse("2026-06-06T00:00:00Z"));
  });

  it("customers with no order before as-of get no traits", () => {
    expect([r.orders[5], r.traits[5]]).toEqual([0, 0]);
    expect(traitKeys(r.traits[5])).toEqual([]);
  });

  it("due_to_reorder: C2 (20 days, gap 23.75: 19..35.625) and C6 (19 days, gap 22.5: 18..33.75); C0 (100 days, gap 12.6) no; C1 and C3 have 2 orders", () => {
    expect([0, 1, 2, 3, 6].map((c) => has(r, c, "due_to_reorder"))).toEqual([false, false, true, false, true]);
  });

  it("0.8 and 1.5 × the typical gap are inclusive", () => {
    // Every gap is 10 days, so the typical gap is (2·10 + 2·10)/4 = 10: due for 8..15 days.
    const last = [7, 8, 15, 16];
    const s = computeTraits(build(last.map((d): O[] => [{ ago: d + 20 }, { ago: d + 10 }, { ago: d }])), { asOf: AS_OF });
    expect(Array.from(s.typicalGapDays)).toEqual([10, 10, 10, 10]);
    expect(last.map((_, c) => has(s, c, "due_to_reorder"))).toEqual([false, true, true, false]);
    expect(explainTraits(s, 1).explanations[0].text).toBe(
      "due to reorder: 3 orders, the last 8 days ago, between 0.8 and 1.5 × the typical gap of 10 days (8.0 to 15.0 days); typical gap = (n × own median + 2 × shop median) / (n + 2) with 2 gaps with median 10 days and a shop median of 10 days",
    );
  });
});

describe("vip_at_risk", () => {
  // Spends 100..800, 900, 900, 1000 (11 customers): rank ceil(9.9) = 10 → 900; both 900s are in the top 10 %.
  const spends = [100, 200, 300, 400, 500, 600, 700, 800, 900, 900, 1000].map((v) => v * 100);
  const orders = build(spends.map((amount): O[] => [{ ago: 30, amount }]));
  const churn = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.49, 0.99];

  it("spend ≥ the nearest-rank 90th percentile and churn ≥ 0.5", () => {
    const r = computeTraits(orders, { asOf: AS_OF, churnProbability: churn });
    expect(r.shop.topSpendThresholdMinor).toBe(90000);
    expect(spends.map((_, c) => has(r, c, "vip_at_risk"))).toEqual([false, false, false, false, false, false, false, false, true, false, true]);
    expect(explainTraits(r, 8).explanations.map((e) => e.text)).toContain(
      "VIP at risk: spent 900.00 in total, in the shop's top 10 % (from 900.00), and a 50 % chance of no order in the horizon (the bar is 50 %)",
    );
  });

  it("never without a churn column", () => {
    const r = computeTraits(orders, { asOf: AS_OF });
    expect(Array.from(r.traits).some((m) => (m & TRAIT_BIT.vip_at_risk) !== 0)).toBe(false);
  });
});

describe("explainTraits", () => {
  it("lists keys sorted, one explanation each", () => {
    // Customer 0: three discounted orders of type A, 10 days apart, the last 10 days ago.
    const o = (ago: number): O => ({ ago, disc: true, types: [["A", 1000]] });
    const r = computeTraits(build([[o(30), o(20), o(10)], [{ ago: 5 }]]), { asOf: AS_OF, churnProbability: [0.7, 0.1] });
    const { traits, explanations } = explainTraits(r, 0);
    expect(traits).toEqual(["category_specialist", "discount_seeker", "due_to_reorder", "vip_at_risk"]);
    expect(explanations.map((e) => e.key)).toEqual(traits);
  });
});

describe("live path: one customer against the shop's stored thresholds", () => {
  it("gives the customer exactly the traits and date of the full run", () => {
    // A shop where every threshold matters: first-timers, repeaters, a qualifying type.
    const shop: O[][] = [];
    for (let i = 0; i < 40; i++) shop.push([{ ago: 100 + i, types: [["Coffee", 1000]] }, { ago: 60 + i, types: [["Coffee", 1000]] }]);
    for (let i = 0; i < 60; i++) shop.push([{ ago: 10 + i * 3, amount: 500 + 10 * i, types: [["Mugs", 500]] }]);
    for (let i = 0; i < 30; i++) shop.push([{ ago: 200, disc: true }, { ago: 150, disc: true }, { ago: 100 }, { ago: 20 + i, amount: 4000 }]);
    shop.push([{ ago: 30, types: [["Coffee", 900]] }]); // a first-timer of the qualifying type
    const orders = build(shop);
    const churn = Float64Array.from({ length: shop.length }, (_, i) => (i % 3) / 2);
    const full = computeTraits(orders, { asOf: AS_OF, churnProbability: churn });
    const stored = JSON.parse(JSON.stringify(storedThresholds(full)));
    expect(stored.qualifyingTypes.map((q: { type: string }) => q.type)).toEqual(["Coffee"]);
    let withTraits = 0;
    for (let c = 0; c < shop.length; c++) {
      const one = computeTraits(build([shop[c]]), { asOf: AS_OF, churnProbability: [churn[c]], thresholds: stored });
      expect(traitKeys(one.traits[0])).toEqual(traitKeys(full.traits[c]));
      expect(expectedNextOrderDate(one, 0)).toBe(expectedNextOrderDate(full, c));
      expect(explainTraits(one, 0).explanations).toEqual(explainTraits(full, c).explanations);
      if (full.traits[c]) withTraits++;
    }
    expect(withTraits).toBeGreaterThan(50);
    expect(has(full, shop.length - 1, "high_potential_first_timer")).toBe(true);
  });
});
