import { describe, expect, it } from "vitest";
import { scoreRfm, scoreWithCutPoints } from "./rfm";

/** Literal O(n²) reading of the RFM rule in docs/scoring.md, to check the O(n log n) implementation against. */
function naive(rec: number[], freq: number[], mon: number[]) {
  const n = rec.length;
  const Q = freq.map((f, i) => (f >= 2 ? i : -1)).filter((i) => i >= 0);
  const div = (a: number, b: number) => (b === 0 ? 0 : Math.floor(a / b));
  return rec.map((_, i) => {
    const kR = rec.filter((v) => v > rec[i]).length;
    const kM = mon.filter((v) => v < mon[i]).length;
    const kF = Q.filter((j) => freq[j] < freq[i]).length;
    return {
      r: Math.min(5, 1 + div(5 * kR, n - 1)),
      m: Math.min(5, 1 + div(5 * kM, n - 1)),
      f: freq[i] < 2 ? 1 : Math.min(5, 2 + div(4 * kF, Q.length - 1)),
    };
  });
}

function scores(rec: number[], freq: number[], mon: number[]) {
  const { columns } = scoreRfm(rec, freq, mon);
  return rec.map((_, i) => ({ r: columns.r[i], m: columns.m[i], f: columns.f[i] }));
}

describe("scoreRfm", () => {
  it("matches hand-computed scores", () => {
    // 6 customers: |P| - 1 = 5, so R = 1 + k exactly (capped at 5).
    const rec = [0, 10, 10, 30, 60, 365];
    const freq = [5, 1, 2, 3, 1, 2];
    const mon = [10000, 500, 500, 2500, 100, 9999];
    const s = scores(rec, freq, mon);
    // recency 0: 5 customers strictly larger → 1 + 5 = 6 → capped 5
    expect(s[0].r).toBe(5);
    // recency 10 (twice): 3 strictly larger → R 4, ties share the score
    expect([s[1].r, s[2].r]).toEqual([4, 4]);
    expect([s[3].r, s[4].r, s[5].r]).toEqual([3, 2, 1]);
    // monetary 100 → 0 smaller → M1; 500 ×2 → 1 smaller → M2; 2500 → 3 → M4; 9999 → 4 → M5; 10000 → 5 → 5
    expect(s.map((x) => x.m)).toEqual([5, 2, 2, 4, 1, 5]);
    // Q = {0:5, 2:2, 3:3, 5:2}, |Q|-1 = 3: freq 2 → k 0 → F2; 3 → k 2 → 2 + floor(8/3) = 4; 5 → k 3 → 2 + 4 = 6 → 5
    expect(s.map((x) => x.f)).toEqual([5, 1, 2, 4, 1, 2]);
  });

  it("gives everyone the lowest scores when all values tie", () => {
    const s = scores([7, 7, 7, 7], [3, 3, 3, 3], [100, 100, 100, 100]);
    for (const x of s) expect(x).toEqual({ r: 1, f: 2, m: 1 });
  });

  it("handles a single customer (k/0 = 0)", () => {
    expect(scores([3], [1], [100])).toEqual([{ r: 1, f: 1, m: 1 }]);
    expect(scores([3], [4], [100])).toEqual([{ r: 1, f: 2, m: 1 }]);
  });

  it("gives F1 to one-time buyers and F2 to a lone repeat buyer", () => {
    expect(scores([1, 2, 3], [1, 1, 1], [1, 2, 3]).map((x) => x.f)).toEqual([1, 1, 1]);
    expect(scores([1, 2, 3], [1, 6, 1], [1, 2, 3]).map((x) => x.f)).toEqual([1, 2, 1]);
  });

  it("equal monetary totals get equal M", () => {
    const s = scores([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], [500, 500, 500, 700, 100]);
    // |P|-1 = 4; 500 has k = 1 smaller → 1 + floor(5/4) = 2; 700: k = 4 → 6 → 5
    expect(s.map((x) => x.m)).toEqual([2, 2, 2, 5, 1]);
  });

  it("agrees with the literal definition on random populations, and cut points reproduce it", () => {
    let seed = 7;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    for (const n of [2, 3, 5, 17, 100, 401]) {
      const rec = Array.from({ length: n }, () => rand(40));
      const freq = Array.from({ length: n }, () => (rand(3) === 0 ? 2 + rand(6) : 1));
      const mon = Array.from({ length: n }, () => rand(20) * 250);
      const expected = naive(rec, freq, mon);
      expect(scores(rec, freq, mon)).toEqual(expected);
      const { cutPoints } = scoreRfm(rec, freq, mon);
      const viaCuts = rec.map((_, i) => {
        const s = scoreWithCutPoints(cutPoints, rec[i], freq[i], mon[i]);
        return { r: s.r, m: s.m, f: s.f };
      });
      expect(viaCuts).toEqual(expected);
    }
  });
});
