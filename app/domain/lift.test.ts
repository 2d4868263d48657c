import { describe, expect, it } from "vitest";
import {
  MIN_GROUP_CUSTOMERS,
  compareGroups,
  liftSentences,
  newcombeDifference,
  studentTCdf,
  studentTQuantile,
  welchDifference,
  wilsonInterval,
} from "./lift";

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleVariance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe("wilsonInterval", () => {
  it("matches Newcombe (1998, single proportion) Table II, method 3 (score, no continuity correction)", () => {
    for (const [k, n, low, high] of [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ]) {
      const w = wilsonInterval(k, n);
      expect(w.low).toBeCloseTo(low, 4);
      expect(w.high).toBeCloseTo(high, 4);
    }
  });

  it("rejects impossible counts", () => {
    expect(() => wilsonInterval(3, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
  });
});

describe("newcombeDifference", () => {
  it("matches Newcombe (1998, difference of proportions) Table II, method 10", () => {
    for (const [k1, n1, k0, n0, low, high] of [
      [56, 70, 48, 80, 0.0524, 0.3339], // (a)
      [9, 10, 3, 10, 0.1705, 0.809], // (b)
      [6, 7, 2, 7, 0.0582, 0.8062], // (c)
      [5, 56, 0, 29, -0.0381, 0.1926], // (d)
      [0, 10, 0, 20, -0.1611, 0.2775], // (e)
      [0, 10, 0, 10, -0.2775, 0.2775], // (f)
    ]) {
      const d = newcombeDifference(k1, n1, k0, n0);
      expect(d.estimate).toBeCloseTo(k1 / n1 - k0 / n0, 12);
      expect(d.low).toBeCloseTo(low, 4);
      expect(d.high).toBeCloseTo(high, 4);
      expect(d.distinguishable).toBe(low > 0 || high < 0);
    }
  });
});

describe("Student's t", () => {
  it("matches the table quantiles (two-sided 95 % and 99 %)", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 5);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169273, 5);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 5);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it("has the closed-form distribution function at 1 and 2 degrees of freedom", () => {
    // df 1 (Cauchy): 1/2 + atan(t)/π; df 2: 1/2 + t / (2√(2 + t²)).
    for (const t of [-3, -0.5, 0.25, 1, 4]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });
});

describe("welchDifference", () => {
  it("matches R's t.test (Welch) on a published example", () => {
    // statscodes.com, "Welch's two sample t-tests in R": t = 0.51703, df = 9.48,
    // 95 percent confidence interval −1.935420 to 3.093754.
    const x = [5.1, 2.0, 4.1, 6.2, 7.1, 8.3];
    const y = [1.5, 6.4, 3.3, 5.8, 4.8, 7.2, 5.6, 4.5];
    const d = welchDifference({ n: x.length, mean: mean(x), variance: sampleVariance(x) }, { n: y.length, mean: mean(y), variance: sampleVariance(y) });
    expect(d.df).toBeCloseTo(9.48, 2);
    expect(d.estimate / d.standardError).toBeCloseTo(0.51703, 4);
    expect(d.low).toBeCloseTo(-1.93542, 5);
    expect(d.high).toBeCloseTo(3.093754, 5);
    expect(d.distinguishable).toBe(false);
  });

  it("matches a worked 99 % interval from summary statistics", () => {
    // Means 18.9700 (s 8.06488, n 10) and 3.75625 (s 2.01659, n 16): SE 2.59969, df 9.708,
    // t(0.995, 9.7) = 3.1906, 99 % CI 6.9192 to 23.5083 (wyzant.com answer 838275).
    const d = welchDifference({ n: 10, mean: 18.97, variance: 8.06488 ** 2 }, { n: 16, mean: 3.75625, variance: 2.01659 ** 2 }, 0.99);
    expect(d.standardError).toBeCloseTo(2.59969, 5);
    expect(d.df).toBeCloseTo(9.708, 3);
    expect(d.low).toBeCloseTo(6.9192, 3);
    expect(d.high).toBeCloseTo(23.5083, 3);
    expect(d.distinguishable).toBe(true);
  });

  it("with no variation in either group the interval is the difference itself", () => {
    expect(welchDifference({ n: 40, mean: 0, variance: 0 }, { n: 35, mean: 0, variance: 0 })).toMatchObject({ estimate: 0, low: 0, high: 0, distinguishable: false });
  });
});

describe("compareGroups and liftSentences", () => {
  it("reports both differences with their intervals and says which exclude zero", () => {
    // Treated: 70 customers, 56 bought again, revenue 0 for 14 and 100.00 for 56 (mean 80.00).
    // Holdout: 80 customers, 48 bought, 100.00 each (mean 60.00).
    const variance = (n: number, buyers: number, amount: number) => {
      const m = (buyers * amount) / n;
      return (buyers * (amount - m) ** 2 + (n - buyers) * m ** 2) / (n - 1);
    };
    const c = compareGroups(
      { customers: 70, buyers: 56, revenueMinor: 56 * 10_000, revenueVariance: variance(70, 56, 10_000) },
      { customers: 80, buyers: 48, revenueMinor: 48 * 10_000, revenueVariance: variance(80, 48, 10_000) },
    );
    expect(c.tooFew).toBeNull();
    expect(c.treated).toEqual({ customers: 70, buyers: 56, repeatRate: 0.8, revenuePerCustomerMinor: 8000 });
    expect(c.holdout).toEqual({ customers: 80, buyers: 48, repeatRate: 0.6, revenuePerCustomerMinor: 6000 });
    // Newcombe (a): 0.0524 to 0.3339.
    expect(c.repeatRate!.low).toBeCloseTo(0.0524, 4);
    expect(c.repeatRate!.high).toBeCloseTo(0.3339, 4);
    // Revenue: per-customer revenue is 10,000 × the buyer flag, so the Welch interval is 10,000 × the
    // Welch interval of the rates: SE = 10,000 × √(0.8·0.2/69 + 0.6·0.4/79) = 10,000 × 0.073698.
    const se = 10_000 * Math.sqrt((0.8 * 0.2) / 69 + (0.6 * 0.4) / 79);
    expect(c.revenuePerCustomer!.estimate).toBeCloseTo(2000, 9);
    expect(c.revenuePerCustomer!.high - c.revenuePerCustomer!.estimate).toBeCloseTo(studentTQuantile(0.975, c.revenuePerCustomer!.df) * se, 6);
    expect(c.revenuePerCustomer!.df).toBeGreaterThan(140);
    expect(c.revenuePerCustomer!.df).toBeLessThan(148);
    expect(liftSentences(c, "EUR")).toEqual([
      "Repeat-purchase rate: 80.0 % of treated customers and 60.0 % of the holdout bought again; difference +20.0 points (95 % CI +5.2 points to +33.4 points), distinguishable from zero (the interval excludes 0).",
      `Revenue per customer: €80.00 treated, €60.00 holdout; difference +€20.00 (95 % CI +€${((2000 - (c.revenuePerCustomer!.high - 2000)) / 100).toFixed(2)} to +€${(c.revenuePerCustomer!.high / 100).toFixed(2)}), distinguishable from zero (the interval excludes 0).`,
    ]);
  });

  it("says when the interval includes zero", () => {
    const c = compareGroups({ customers: 100, buyers: 20, revenueMinor: 200_000, revenueVariance: 4e6 }, { customers: 100, buyers: 18, revenueMinor: 190_000, revenueVariance: 4e6 });
    expect(c.repeatRate!.distinguishable).toBe(false);
    expect(c.revenuePerCustomer!.distinguishable).toBe(false);
    const [rate, revenue] = liftSentences(c, "USD");
    expect(rate).toMatch(/^Repeat-purchase rate: 20\.0 % of treated customers and 18\.0 % of the holdout bought again; difference \+2\.0 points \(95 % CI −\d+\.\d points to \+\d+\.\d points\), not distinguishable from zero/);
    expect(revenue).toMatch(/^Revenue per customer: \$20\.00 treated, \$19\.00 holdout; difference \+\$1\.00 \(95 % CI −\$\d+\.\d\d to \+\$\d+\.\d\d\), not distinguishable from zero/);
  });

  it("says so when nobody in either group spent anything (no variation, no interval)", () => {
    const nobody = { customers: 40, buyers: 0, revenueMinor: 0, revenueVariance: 0 };
    const c = compareGroups(nobody, { ...nobody, customers: 35 });
    expect(c.revenuePerCustomer).toMatchObject({ estimate: 0, low: 0, high: 0, distinguishable: false });
    // Newcombe (e)-like: 0/40 − 0/35 still has an interval, Wilson's upper limits of each.
    expect(c.repeatRate!.low).toBeCloseTo(-wilsonInterval(0, 35).high, 12);
    expect(c.repeatRate!.high).toBeCloseTo(wilsonInterval(0, 40).high, 12);
    expect(liftSentences(c, "EUR")[1]).toBe("Revenue per customer: €0.00 treated, €0.00 holdout, the same for every customer within each group, so there is no interval to give.");
  });

  it(`needs ${MIN_GROUP_CUSTOMERS} customers in each group`, () => {
    const big = { customers: 500, buyers: 100, revenueMinor: 1_000_000, revenueVariance: 1e6 };
    const small = { customers: MIN_GROUP_CUSTOMERS - 1, buyers: 5, revenueMinor: 10_000, revenueVariance: 1e6 };
    const c = compareGroups(big, small);
    expect(c.repeatRate).toBeNull();
    expect(c.revenuePerCustomer).toBeNull();
    expect(c.tooFew).toBe("too few customers to tell: 29 in the holdout (each group needs 30)");
    expect(liftSentences(c, "USD")).toEqual(["Too few customers to tell: 29 in the holdout (each group needs 30)."]);
    expect(compareGroups({ ...small, customers: 3 }, { ...small, customers: 0 }).tooFew).toBe("too few customers to tell: 3 treated and 0 in the holdout (each group needs 30)");
    // Exactly 30 in each is enough.
    expect(compareGroups({ ...small, customers: 30 }, { ...small, customers: 30 }).tooFew).toBeNull();
  });
});
