import { describe, expect, it } from "vitest";
import { median } from "./median";

/** The oracle: a full sort (what the code did before selection). */
function bySort(v: Float64Array): number {
  const s = v.slice().sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe("median", () => {
  it("is the middle value, or the mean of the two middle values", () => {
    expect(median(Float64Array.from([5, 1, 3]))).toBe(3);
    expect(median(Float64Array.from([4, 1, 3, 2]))).toBe(2.5);
    expect(median(Float64Array.from([7]))).toBe(7);
  });

  it("equals the sorted middle on samples with many ties, sorted and reversed input, and NaN", () => {
    const u = lcg(3);
    for (const n of [2, 3, 10, 11, 1000, 1001, 20_000]) {
      const cases = [
        Float64Array.from({ length: n }, () => Math.floor(u() * 30) / (1 + Math.floor(u() * 4))),
        Float64Array.from({ length: n }, () => u() * 1000),
        Float64Array.from({ length: n }, (_, i) => i),
        Float64Array.from({ length: n }, (_, i) => n - i),
        new Float64Array(n).fill(2),
      ];
      for (const v of cases) expect(median(v)).toBe(bySort(v));
    }
    const withNaN = Float64Array.from([3, Number.NaN, 1, 2]);
    expect(median(withNaN)).toBe(bySort(withNaN));
  });

  it("leaves its input as it was", () => {
    const v = Float64Array.from([3, 1, 2]);
    median(v);
    expect(Array.from(v)).toEqual([3, 1, 2]);
  });
});
