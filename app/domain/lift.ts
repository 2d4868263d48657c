/**
 * Holdout lift: treated customers vs the holdout group, by segment (docs/lift.md). Pure
 * statistics and the sentences that report them; the counts come from app/models/lift.server.ts.
 *
 * Per group (treated = not held out, holdout), over the customers assigned since their first
 * score:
 *  - repeat-purchase rate = buyers / customers, a buyer being a customer with at least one
 *    counted order after assignment;
 *  - revenue per customer = the group's net counted order amounts after assignment / customers
 *    (customers who bought nothing count as 0).
 * Differences are treated − holdout, with 95 % confidence intervals:
 *  - rates: Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
 *    difference between independent proportions", method 10), built from the two Wilson score
 *    intervals: with d = p₁ − p₀ and Wilson limits (l₁, u₁), (l₀, u₀),
 *      low  = d − √((p₁ − l₁)² + (u₀ − p₀)²),  high = d + √((u₁ − p₁)² + (p₀ − l₀)²);
 *    Wilson: (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964;
 *  - revenue per customer: Welch's interval, d ± t(0.975, ν)·√(s₁²/n₁ + s₀²/n₀) with the
 *    Welch–Satterthwaite ν = (s₁²/n₁ + s₀²/n₀)² / ((s₁²/n₁)²/(n₁ − 1) + (s₀²/n₀)²/(n₀ − 1)).
 * A difference is "distinguishable from zero" when its interval excludes 0. A comparison is
 * made only when both groups have at least MIN_GROUP_CUSTOMERS customers; otherwise it says
 * "too few customers to tell".
 */
import betaln from "@stdlib/math-base-special-betaln";
import { formatMoneyMinor, formatPercent } from "./format";

/** The standard normal 0.975 quantile (two-sided 95 %). */
export const Z_95 = 1.959963984540054;

/** Each group needs at least this many customers before a difference is reported. */
export const MIN_GROUP_CUSTOMERS = 30;

export interface Interval {
  low: number;
  high: number;
}

export interface Difference extends Interval {
  /** Treated − holdout. */
  estimate: number;
  /** The interval excludes 0. */
  distinguishable: boolean;
}

/** Wilson score interval (no continuity correction) for k successes out of n, at z (95 % by default). */
export function wilsonInterval(k: number, n: number, z = Z_95): Interval {
  if (!(n > 0) || k < 0 || k > n) throw new RangeError(`need 0 ≤ k ≤ n and n > 0, got k ${k}, n ${n}`);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval for k1/n1 − k0/n0 (95 %). */
export function newcombeDifference(k1: number, n1: number, k0: number, n0: number): Difference {
  const p1 = k1 / n1;
  const p0 = k0 / n0;
  const w1 = wilsonInterval(k1, n1);
  const w0 = wilsonInterval(k0, n0);
  const d = p1 - p0;
  const low = d - Math.sqrt((p1 - w1.low) ** 2 + (w0.high - p0) ** 2);
  const high = d + Math.sqrt((w1.high - p1) ** 2 + (p0 - w0.low) ** 2);
  return { estimate: d, low, high, distinguishable: low > 0 || high < 0 };
}

/** Continued fraction of the incomplete beta function (modified Lentz), as in Numerical Recipes' betacf. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - betaln(a, b));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student's t distribution function with df degrees of freedom (df > 0, may be fractional). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (t === 0) return 0.5;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with df degrees of freedom (bisection on the distribution function). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A group's customers and the mean and sample variance (n − 1) of a per-customer amount. */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Welch's interval for mean(a) − mean(b) at `level` (95 % by default); each group needs n ≥ 2. */
export function welchDifference(a: SampleSummary, b: SampleSummary, level = 0.95): Difference & { df: number; standardError: number } {
  if (a.n < 2 || b.n < 2) throw new RangeError(`Welch's interval needs two customers per group, got ${a.n} and ${b.n}`);
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const estimate = a.mean - b.mean;
  if (se === 0) {
    // No variation in either group: the difference is what it is.
    return { estimate, low: estimate, high: estimate, df: Number.POSITIVE_INFINITY, standardError: 0, distinguishable: estimate !== 0 };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  const low = estimate - half;
  const high = estimate + half;
  return { estimate, low, high, df, standardError: se, distinguishable: low > 0 || high < 0 };
}

/** What a group did after assignment (from lift.server.ts). Amounts in minor units. */
export interface GroupOutcome {
  customers: number;
  /** Customers with at least one counted order after assignment. */
  buyers: number;
  /** Net counted order amounts after assignment, summed over the group. */
  revenueMinor: number;
  /** Sample variance (n − 1) of the per-customer revenue, minor units squared (0 under two customers). */
  revenueVariance: number;
}

export interface GroupFigures {
  customers: number;
  buyers: number;
  /** buyers / customers (0 for an empty group). */
  repeatRate: number;
  revenuePerCustomerMinor: number;
}

export interface LiftComparison {
  treated: GroupFigures;
  holdout: GroupFigures;
  /** Null when the groups are too small to compare; `tooFew` says why. */
  repeatRate: Difference | null;
  revenuePerCustomer: (Difference & { df: number }) | null;
  tooFew: string | null;
}

const figures = (g: GroupOutcome): GroupFigures => ({
  customers: g.customers,
  buyers: g.buyers,
  repeatRate: g.customers ? g.buyers / g.customers : 0,
  revenuePerCustomerMinor: g.customers ? g.revenueMinor / g.customers : 0,
});

/** Treated vs holdout: the two differences with their intervals, or why there are none. */
export function compareGroups(treated: GroupOutcome, holdout: GroupOutcome): LiftComparison {
  const t = figures(treated);
  const h = figures(holdout);
  if (treated.customers < MIN_GROUP_CUSTOMERS || holdout.customers < MIN_GROUP_CUSTOMERS) {
    const short = [
      treated.customers < MIN_GROUP_CUSTOMERS ? `${treated.customers} treated` : null,
      holdout.customers < MIN_GROUP_CUSTOMERS ? `${holdout.customers} in the holdout` : null,
    ].filter(Boolean);
    return { treated: t, holdout: h, repeatRate: null, revenuePerCustomer: null, tooFew: `too few customers to tell: ${short.join(" and ")} (each group needs ${MIN_GROUP_CUSTOMERS})` };
  }
  const revenue = welchDifference(
    { n: treated.customers, mean: t.revenuePerCustomerMinor, variance: treated.revenueVariance },
    { n: holdout.customers, mean: h.revenuePerCustomerMinor, variance: holdout.revenueVariance },
  );
  return {
    treated: t,
    holdout: h,
    repeatRate: newcombeDifference(treated.buyers, treated.customers, holdout.buyers, holdout.customers),
    revenuePerCustomer: { estimate: revenue.estimate, low: revenue.low, high: revenue.high, df: revenue.df, distinguishable: revenue.distinguishable },
    tooFew: null,
  };
}

/** A magnitude's text with the value's sign in front (+, − or none for 0). */
const signed = (text: string, value: number) => (value > 0 ? `+${text}` : value < 0 ? `−${text}` : text);
const points = (fraction: number) => signed(`${Math.abs(fraction * 100).toFixed(1)} points`, fraction);
const money = (minor: number, currency: string) => signed(formatMoneyMinor(Math.abs(minor), currency), minor);

function verdict(d: Difference): string {
  return d.distinguishable
    ? "distinguishable from zero (the interval excludes 0)"
    : "not distinguishable from zero (the interval includes 0: the data are consistent with no difference)";
}

/** The comparison in sentences, one per measure; only what the figures show. */
export function liftSentences(c: LiftComparison, currency: string): string[] {
  if (!c.repeatRate || !c.revenuePerCustomer) return [`${c.tooFew![0].toUpperCase()}${c.tooFew!.slice(1)}.`];
  const r = c.repeatRate;
  const v = c.revenuePerCustomer;
  return [
    `Repeat-purchase rate: ${formatPercent(c.treated.repeatRate, 1)} of treated customers and ${formatPercent(c.holdout.repeatRate, 1)} of the holdout bought again; ` +
      `difference ${points(r.estimate)} (95 % CI ${points(r.low)} to ${points(r.high)}), ${verdict(r)}.`,
    v.low === v.high
      ? `Revenue per customer: ${formatMoneyMinor(c.treated.revenuePerCustomerMinor, currency)} treated, ${formatMoneyMinor(c.holdout.revenuePerCustomerMinor, currency)} holdout, the same for every customer within each group, so there is no interval to give.`
      : `Revenue per customer: ${formatMoneyMinor(c.treated.revenuePerCustomerMinor, currency)} treated, ${formatMoneyMinor(c.holdout.revenuePerCustomerMinor, currency)} holdout; ` +
        `difference ${money(v.estimate, currency)} (95 % CI ${money(v.low, currency)} to ${money(v.high, currency)}), ${verdict(v)}.`,
  ];
}
