import { describe, expect, it } from "vitest";
import { ascendingOrder, ascendingOrderFrom } from "./ascending-order";

/** The oracle: V8's (stable) comparator sort, ties in index order. */
const bySort = (v: ArrayLike<number>) => Array.from(Int32Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b] || a - b));

/** Small deterministic generator (no dependence on the code under test). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe("ascendingOrder", () => {
  it("orders a hand-made case with ties in index order", () => {
    expect(Array.from(ascendingOrder([3, 1, 2, 1, 3, 0])!)).toEqual([5, 1, 3, 2, 0, 4]);
  });

  it("treats −0 and 0 as one value and places negatives and infinities by value", () => {
    const v = [0, -0, -1.5, Infinity, -Infinity, 2, -0, 0, 1e-300, -1e-300];
    expect(Array.from(ascendingOrder(v)!)).toEqual([4, 2, 9, 0, 1, 6, 7, 8, 5, 3]);
  });

  it("is null when a value is NaN, and empty for no values", () => {
    expect(ascendingOrder([1, Number.NaN, 0])).toBeNull();
    expect(Array.from(ascendingOrder([])!)).toEqual([]);
  });

  it("matches the comparator sort on probabilities with many ties, integers and wide ranges", () => {
    const u = lcg(7);
    const cases: Float64Array[] = [
      Float64Array.from({ length: 5000 }, () => Math.round(u() * 100) / 100),
      Float64Array.from({ length: 5000 }, () => u()),
      Float64Array.from({ length: 5000 }, () => Math.floor(u() * 40)),
      Float64Array.from({ length: 5000 }, () => (u() - 0.5) * 10 ** Math.floor(u() * 40 - 20)),
      new Float64Array(300).fill(0.25),
    ];
    for (const v of cases) expect(Array.from(ascendingOrder(v)!)).toEqual(bySort(v));
  });
});

describe("ascendingOrderFrom", () => {
  it("gives ascendingOrder's order from the order of a monotone preimage, ties back in index order", () => {
    const u = lcg(11);
    const raw = Float64Array.from({ length: 4000 }, () => u());
    const hint = ascendingOrder(raw)!;
    // A monotone map with many new ties (rounding) and a flat clip at both ends.
    const mapped = raw.map((p) => Math.min(0.8, Math.max(0.2, Math.round(p * 50) / 50)));
    expect(Array.from(ascendingOrderFrom(mapped, hint)!)).toEqual(bySort(mapped));
  });

  it("is null when the hint does not sort the values (a decreasing map) or a value is NaN", () => {
    const raw = [0.1, 0.5, 0.3];
    const hint = ascendingOrder(raw)!;
    expect(ascendingOrderFrom(raw.map((p) => 1 - p), hint)).toBeNull();
    expect(ascendingOrderFrom([0.1, Number.NaN, 0.3], hint)).toBeNull();
    expect(ascendingOrderFrom([0.1, 0.5], hint)).toBeNull();
  });
});
