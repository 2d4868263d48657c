import { afterEach, describe, expect, it, vi } from "vitest";
import type { BehaviourOrders } from "./behaviour-orders";
import { CLUSTER_FEATURES, type ClusterResult, type Clustered, behaviourFeatures, discoverClusters, standardise } from "./clusters";

const DAY = 86_400_000;
const AS_OF = new Date("2026-06-01T00:00:00Z");
const TYPES = ["coffee", "tea", "mugs", "filters", "grinders"];

interface PlantedOrder {
  /** Days before AS_OF (fractional allowed); negative = after AS_OF. */
  daysBefore: number;
  /** Currency units. */
  amount: number;
  discounted?: boolean;
  /** [type index, share of the amount]. */
  types?: [number, number][];
}

/** BehaviourOrders from per-customer order lists (sorted here by time, as the database returns them). */
function build(customers: PlantedOrder[][]): BehaviourOrders {
  const offsets = [0];
  const timesMs: number[] = [];
  const amountsMinor: number[] = [];
  const discounted: number[] = [];
  const typeOffsets = [0];
  const typeIndex: number[] = [];
  const typeSpendMinor: number[] = [];
  for (const orders of customers) {
    for (const o of [...orders].sort((a, b) => b.daysBefore - a.daysBefore)) {
      const minor = Math.round(o.amount * 100);
      timesMs.push(AS_OF.getTime() - Math.round(o.daysBefore * DAY));
      amountsMinor.push(minor);
      discounted.push(o.discounted ? 1 : 0);
      for (const [t, share] of o.types ?? []) {
        typeIndex.push(t);
        typeSpendMinor.push(Math.round(minor * share));
      }
      typeOffsets.push(typeIndex.length);
    }
    offsets.push(timesMs.length);
  }
  return { offsets, timesMs, amountsMinor, discounted, typeOffsets, typeIndex, typeSpendMinor, typeNames: TYPES };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const between = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);
const intBetween = (r: () => number, lo: number, hi: number) => Math.floor(between(r, lo, hi + 1));

/** Frequent discount buyers: ~20 discounted orders a week apart, bought a few days ago, a different type each time. */
function frequentDiscountBuyer(r: () => number): PlantedOrder[] {
  const count = intBetween(r, 18, 24);
  let day = between(r, 1, 6);
  const orders: PlantedOrder[] = [];
  for (let i = 0; i < count; i++) {
    orders.push({ daysBefore: day, amount: between(r, 30, 50), discounted: true, types: [[i % 4, 1]] });
    day += between(r, 5, 9);
  }
  return orders;
}
/** One-off high spenders: one full-price order of 400–700 long ago, a mixed basket. */
function oneOffHighSpender(r: () => number): PlantedOrder[] {
  return [{ daysBefore: between(r, 250, 400), amount: between(r, 400, 700), types: [[1, 0.4], [2, 0.3], [4, 0.3]] }];
}
/** Single-category regulars: 5–7 full-price coffee orders about two months apart, last a month ago. */
function singleCategoryRegular(r: () => number): PlantedOrder[] {
  const count = intBetween(r, 5, 7);
  let day = between(r, 20, 40);
  const orders: PlantedOrder[] = [];
  for (let i = 0; i < count; i++) {
    orders.push({ daysBefore: day, amount: between(r, 50, 80), types: [[0, 1]] });
    day += between(r, 50, 70);
  }
  return orders;
}

const GROUPS = [frequentDiscountBuyer, oneOffHighSpender, singleCategoryRegular];

/** The planted population: group g of customer i is returned alongside, interleaved so the groups are not in blocks. */
function planted(sizes: number[], seed: number, makers = GROUPS): { customers: PlantedOrder[][]; group: number[] } {
  const r = rng(seed);
  const group: number[] = [];
  sizes.forEach((size, g) => {
    for (let i = 0; i < size; i++) group.push(g);
  });
  for (let i = group.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [group[i], group[j]] = [group[j], group[i]];
  }
  return { customers: group.map((g) => makers[g](r)), group };
}

function clustered(result: ClusterResult): Clustered {
  if (!result.ok) throw new Error(`not clustered: ${result.reason}`);
  return result;
}

/** For each planted group, the set of cluster ids its members got. */
function idsByGroup(clusterOf: Int32Array, group: number[], groups: number): Set<number>[] {
  const sets = Array.from({ length: groups }, () => new Set<number>());
  group.forEach((g, i) => sets[g].add(clusterOf[i]));
  return sets;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("behaviourFeatures", () => {
  it("computes the six features by hand, counting only orders strictly before as-of", () => {
    const orders = build([
      // 3 orders before as-of on 2 purchase days (two on the same day), one at as-of, one after: ignored.
      [
        { daysBefore: 30.5, amount: 10, discounted: true, types: [[0, 0.5], [1, 0.5]] },
        { daysBefore: 30.4, amount: 20, types: [[0, 1]] },
        { daysBefore: 10.25, amount: 60, discounted: true, types: [[2, 1]] },
        { daysBefore: 0, amount: 1000, discounted: true, types: [[3, 1]] },
        { daysBefore: -5, amount: 1000, types: [[3, 1]] },
      ],
      // only after as-of: not a row
      [{ daysBefore: -1, amount: 50 }],
      // one order, no product types
      [{ daysBefore: 400.9, amount: 99.99 }],
    ]);
    const f = behaviourFeatures(orders, AS_OF);
    expect(Array.from(f.customerIndex)).toEqual([0, 2]);
    expect(Array.from(f.spendMinor)).toEqual([9000, 9999]);
    const row = (i: number) => Array.from(f.values.subarray(i * 6, i * 6 + 6));
    // Customer 0: 3 orders; last 10.25 days ago → 10 whole days; average 30 units; 2 of 3 discounted;
    // type spend coffee 5 + 20 = 25, tea 5, mugs 60 of 90 → 60/90; purchase days 31 and 11 days before → gap 20/1.
    const [c0, c2] = [row(0), row(1)];
    expect(c0[0]).toBeCloseTo(Math.log(4), 12);
    expect(c0[1]).toBeCloseTo(Math.log(11), 12);
    expect(c0[2]).toBeCloseTo(Math.log(31), 12);
    expect(c0[3]).toBeCloseTo(2 / 3, 12);
    expect(c0[4]).toBeCloseTo(2 / 3, 12);
    expect(c0[5]).toBeCloseTo(Math.log(21), 12);
    // Customer 2: 1 order 400 whole days ago of 99.99; no types → concentration 0; one purchase day → gap 0.
    expect(c2).toEqual([Math.log(2), Math.log(401), Math.log(100.99), 0, 0, 0].map((v) => expect.closeTo(v, 12)));
  });

  it("the mean gap is the first-to-last span over purchase days − 1", () => {
    const f = behaviourFeatures(build([[{ daysBefore: 100.5, amount: 1 }, { daysBefore: 90.5, amount: 1 }, { daysBefore: 40.5, amount: 1 }]]), AS_OF);
    expect(f.values[5]).toBeCloseTo(Math.log(1 + 60 / 2), 12);
  });
});

describe("standardise", () => {
  it("gives mean 0 and sd 1 per feature, and 0 with sd 0 for a constant feature", () => {
    // 2 features, 4 rows: the first is 1, 2, 3, 4 (mean 2.5, population sd √1.25), the second is constant 7.
    const { z, means, sds } = standardise(Float64Array.from([1, 7, 2, 7, 3, 7, 4, 7]), 4, 2);
    expect(means).toEqual([2.5, 7]);
    expect(sds[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(sds[1]).toBe(0);
    const s = Math.sqrt(1.25);
    expect(Array.from(z)).toEqual([-1.5 / s, 0, -0.5 / s, 0, 0.5 / s, 0, 1.5 / s, 0].map((v) => expect.closeTo(v, 12)));
  });

  it("a shop without discounts: the discount feature is constant, standardised to 0 and never a trait", () => {
    const { customers } = planted([60, 60, 60], 11, [oneOffHighSpender, singleCategoryRegular, (r) => frequentDiscountBuyer(r).map((o) => ({ ...o, discounted: false }))]);
    const result = clustered(discoverClusters(build(customers), AS_OF));
    const f = CLUSTER_FEATURES.indexOf("discountShare");
    expect(result.state.means[f]).toBe(0);
    expect(result.state.sds[f]).toBe(0);
    for (const centre of result.state.centres) expect(centre[f]).toBe(0);
    for (const c of result.clusters) expect(c.traits.map((t) => t.feature)).not.toContain("discountShare");
  });
});

describe("discoverClusters", () => {
  it("recovers three planted groups exactly, chooses k = 3 and names their traits", () => {
    const { customers, group } = planted([120, 80, 100], 1);
    const result = clustered(discoverClusters(build(customers), AS_OF));
    expect(result.k).toBe(3);
    const sets = idsByGroup(result.clusterOf, group, 3);
    for (const s of sets) expect(s.size).toBe(1);
    const [a, b, c] = sets.map((s) => [...s][0]);
    expect(new Set([a, b, c]).size).toBe(3);

    const byId = new Map(result.clusters.map((cl) => [cl.id, cl]));
    const words = (id: number) => byId.get(id)?.traits.map((t) => t.word) ?? [];
    expect(words(a)).toContain("discount-heavy");
    expect(words(a)).toContain("recent");
    expect(words(b)).toContain("high order value");
    expect(words(c)).toContain("single-category");
    for (const id of [a, b, c]) expect(byId.get(id)?.label).toBe(words(id).join(", "));

    // Size and value, against the planted groups.
    const spendOf = (g: number) => customers.reduce((s, orders, i) => (group[i] === g ? s + orders.reduce((t, o) => t + Math.round(o.amount * 100), 0) : s), 0);
    [a, b, c].forEach((id, g) => {
      const cl = byId.get(id);
      const size = [120, 80, 100][g];
      expect(cl?.customers).toBe(size);
      expect(cl?.share).toBeCloseTo(size / 300, 12);
      expect(cl?.totalSpendMinor).toBe(spendOf(g));
      expect(cl?.spendPerCustomerMinor).toBe(Math.round(spendOf(g) / size));
    });
    // A cold start numbers clusters by size: the largest planted group is 0.
    expect(a).toBe(0);
    expect(result.clusters.map((cl) => cl.id)).toEqual([0, 1, 2]);
  });

  it("gives identical results for the same seed, with no unseeded randomness", () => {
    const random = vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random called");
    });
    const orders = build(planted([150, 150, 150, 150], 5, [...GROUPS, mixedCustomer]).customers);
    const one = clustered(discoverClusters(orders, AS_OF, { seed: 42 }));
    const two = clustered(discoverClusters(orders, AS_OF, { seed: 42 }));
    expect(random).not.toHaveBeenCalled();
    expect(Array.from(two.clusterOf)).toEqual(Array.from(one.clusterOf));
    expect(two.state).toEqual(one.state);
    expect(two.clusters).toEqual(one.clusters);
    expect(one.state.seed).toBe(42);
    // The default seed is fixed too.
    expect(discoverClusters(orders, AS_OF)).toEqual(discoverClusters(orders, AS_OF));
  });

  it("keeps cluster ids when 1% of customers change and the run is warm-started from the previous state", () => {
    const { customers } = planted([500, 500, 500, 500], 7, [...GROUPS, mixedCustomer]);
    const first = clustered(discoverClusters(build(customers), AS_OF));
    // 1% of customers (every 100th) buy again: a discounted order yesterday.
    const changed = customers.map((orders, i) => (i % 100 === 0 ? [...orders, { daysBefore: 1, amount: 45, discounted: true, types: [[3, 1]] as [number, number][] }] : orders));
    // The state goes through JSON, as it would through the database.
    const previous = JSON.parse(JSON.stringify(first.state));
    const second = clustered(discoverClusters(build(changed), AS_OF, { previous }));
    expect(second.warmStarted).toBe(true);
    expect(second.k).toBe(first.k);
    let kept = 0;
    for (let i = 0; i < customers.length; i++) if (second.clusterOf[i] === first.clusterOf[i]) kept++;
    expect(kept / customers.length).toBeGreaterThanOrEqual(0.98);
    expect(new Set(second.state.ids)).toEqual(new Set(first.state.ids));
  });

  it("stays stable on structureless data too, where two k are nearly tied", () => {
    const r = rng(4);
    const customers = Array.from({ length: 3000 }, () =>
      Array.from({ length: intBetween(r, 1, 12) }, () => ({ daysBefore: between(r, 1, 700), amount: between(r, 5, 400), discounted: r() < 0.5, types: [[intBetween(r, 0, 4), 1]] as [number, number][] })),
    );
    const first = clustered(discoverClusters(build(customers), AS_OF));
    const changed = customers.map((orders, i) => (i % 100 === 0 ? [...orders, { daysBefore: 1, amount: 45, discounted: true, types: [[3, 1]] as [number, number][] }] : orders));
    const second = clustered(discoverClusters(build(changed), AS_OF, { previous: first.state }));
    expect(second.k).toBe(first.k);
    let kept = 0;
    for (let i = 0; i < customers.length; i++) if (second.clusterOf[i] === first.clusterOf[i]) kept++;
    expect(kept / customers.length).toBeGreaterThanOrEqual(0.98);
  });

  it("when k changes, matches new clusters to the previous ones so ids persist", () => {
    const three = planted([120, 80, 100], 3);
    const before = clustered(discoverClusters(build(three.customers), AS_OF));
    expect(before.k).toBe(3);
    const oldIds = idsByGroup(before.clusterOf, three.group, 3).map((s) => [...s][0]);
    // A fourth, new kind of customer joins: lapsed bulk buyers.
    const r = rng(99);
    const withNew = [...three.customers, ...Array.from({ length: 100 }, () => lapsedBulkBuyer(r))];
    const after = clustered(discoverClusters(build(withNew), AS_OF, { previous: before.state }));
    expect(after.k).toBe(4);
    const group = [...three.group, ...withNew.slice(300).map(() => 3)];
    const newIds = idsByGroup(after.clusterOf, group, 4);
    for (const s of newIds) expect(s.size).toBe(1);
    // The old groups keep their ids; the new one gets the next free id.
    expect(newIds.slice(0, 3).map((s) => [...s][0])).toEqual(oldIds);
    expect([...newIds[3]][0]).toBe(3);

    // And back: the fourth kind leaves, k returns to 3 and the surviving ids are the old groups' ids.
    const back = clustered(discoverClusters(build(three.customers), AS_OF, { previous: after.state }));
    expect(back.k).toBe(3);
    expect(idsByGroup(back.clusterOf, three.group, 3).map((s) => [...s][0])).toEqual(oldIds);
  });

  it("ignores a previous state that does not fit (a cold start)", () => {
    const orders = build(planted([120, 80, 100], 1).customers);
    const cold = clustered(discoverClusters(orders, AS_OF));
    const bad = { ...cold.state, features: ["logFrequency"], ids: [9, 9, 9] };
    const result = clustered(discoverClusters(orders, AS_OF, { previous: bad }));
    expect(result.warmStarted).toBe(false);
    expect(Array.from(result.clusterOf)).toEqual(Array.from(cold.clusterOf));
  });

  it("chooses k between 3 and 8, by silhouette, on structureless data", () => {
    const r = rng(17);
    const customers = Array.from({ length: 400 }, () => {
      const count = intBetween(r, 1, 12);
      return Array.from({ length: count }, () => ({ daysBefore: between(r, 1, 700), amount: between(r, 5, 400), discounted: r() < 0.5, types: [[intBetween(r, 0, 4), 1]] as [number, number][] }));
    });
    const result = clustered(discoverClusters(build(customers), AS_OF));
    expect(result.k).toBeGreaterThanOrEqual(3);
    expect(result.k).toBeLessThanOrEqual(8);
    expect(result.silhouetteByK.map((s) => s.k)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(result.silhouette).toBe(Math.max(...result.silhouetteByK.map((s) => s.silhouette)));
    expect(result.clusters.reduce((s, c) => s + c.customers, 0)).toBe(400);
    expect(result.state.centres).toHaveLength(result.k);
  });

  it("leaves customers without an order before as-of out (−1)", () => {
    const { customers } = planted([40, 40, 40], 2);
    const withFuture = [[{ daysBefore: -3, amount: 10 }], ...customers, []];
    const result = clustered(discoverClusters(build(withFuture), AS_OF));
    expect(result.customers).toBe(120);
    expect(result.clusterOf[0]).toBe(-1);
    expect(result.clusterOf[121]).toBe(-1);
    expect(Array.from(result.clusterOf.subarray(1, 121)).every((id) => id >= 0)).toBe(true);
  });

  it("gives a small shop no clusters, with the reason", () => {
    const { customers } = planted([20, 20, 9], 4);
    const result = discoverClusters(build([...customers, [{ daysBefore: -1, amount: 5 }]]), AS_OF);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.customers).toBe(49);
    expect(result.reason).toContain("49");
    expect(result.reason).toContain("50");
    expect(Array.from(result.clusterOf).every((id) => id === -1)).toBe(true);
    expect(result.clusterOf).toHaveLength(50);
  });

  it("a shop where everyone behaves alike gets no clusters, with the reason", () => {
    const same = Array.from({ length: 60 }, () => [{ daysBefore: 10, amount: 20 }]);
    const result = discoverClusters(build(same), AS_OF);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/distinct/);
  });

  it("describes a centre close to the shop's mean as typical customers", () => {
    // Two groups at opposite ends of every feature and a third half-way between them (in the features' units).
    const low = (r: () => number): PlantedOrder[] => [{ daysBefore: between(r, 2, 4), amount: between(r, 9, 11) }];
    const high = (r: () => number): PlantedOrder[] => {
      const last = between(r, 290, 310);
      return Array.from({ length: 9 }, (_, i) => ({ daysBefore: last + 40 * i + between(r, 0, 1), amount: between(r, 290, 310), discounted: true, types: [[0, 1]] }));
    };
    const middle = (r: () => number): PlantedOrder[] => {
      const last = between(r, 30, 36);
      return Array.from({ length: 4 }, (_, i) => ({ daysBefore: last + 5 * i, amount: between(r, 52, 58), discounted: i % 2 === 0, types: [[1, 0.5], [2, 0.5]] }));
    };
    const { customers, group } = planted([100, 100, 100], 21, [low, high, middle]);
    const result = clustered(discoverClusters(build(customers), AS_OF));
    expect(result.k).toBe(3);
    const [lowId, highId, middleId] = idsByGroup(result.clusterOf, group, 3).map((s) => {
      expect(s.size).toBe(1);
      return [...s][0];
    });
    const byId = new Map(result.clusters.map((cl) => [cl.id, cl]));
    expect(byId.get(middleId)?.traits).toEqual([]);
    expect(byId.get(middleId)?.label).toBe("typical customers");
    // The ends: three traits each, the furthest from 0 first, every one at least 0.5 from it.
    for (const id of [lowId, highId]) {
      const traits = byId.get(id)?.traits ?? [];
      expect(traits).toHaveLength(3);
      for (const t of traits) expect(Math.abs(t.z)).toBeGreaterThanOrEqual(0.5);
      const sizes = traits.map((t) => Math.abs(t.z));
      expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
    }
    // Every word of the high end is one of its planted traits.
    const planted_ = ["frequent", "long silent", "high order value", "discount-heavy", "single-category", "long gaps"];
    for (const t of byId.get(highId)?.traits ?? []) expect(planted_).toContain(t.word);
  });
});

/** Middle-of-the-road customers: 3–4 orders a month or two apart, half discounted, two types. */
function mixedCustomer(r: () => number): PlantedOrder[] {
  const count = intBetween(r, 3, 4);
  let day = between(r, 40, 120);
  const orders: PlantedOrder[] = [];
  for (let i = 0; i < count; i++) {
    orders.push({ daysBefore: day, amount: between(r, 60, 120), discounted: i % 2 === 0, types: [[i % 2, 0.7], [2 + (i % 2), 0.3]] });
    day += between(r, 30, 60);
  }
  return orders;
}

/** Lapsed bulk buyers: 10–12 full-price orders of 150–250 two to three years ago, a few days apart, two types. */
function lapsedBulkBuyer(r: () => number): PlantedOrder[] {
  const count = intBetween(r, 10, 12);
  let day = between(r, 700, 800);
  const orders: PlantedOrder[] = [];
  for (let i = 0; i < count; i++) {
    orders.push({ daysBefore: day, amount: between(r, 150, 250), types: [[3, 0.5], [4, 0.5]] });
    day += between(r, 2, 4);
  }
  return orders;
}
