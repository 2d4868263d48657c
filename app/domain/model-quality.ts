/**
 * The model-quality page's judgements (docs/lift.md, "Model quality"): the constant baseline
 * next to the churn challengers, agreement of the app's segments with Shopify's own RFM groups,
 * and a plain-language verdict. Pure: stored figures in, plain data and sentences out.
 */
import { decileCalibrationError, type CalibrationDecile, type ValueDecile } from "./deciles";
import { wilsonInterval, type Interval } from "./lift";
import { SEGMENT_KEYS, SEGMENT_NAMES, type SegmentKey } from "./segment-map";

/** Shopify's CustomerRfmGroup values (Admin API), in the order Shopify's admin lists them. */
export const SHOPIFY_RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEW",
  "PROMISING",
  "NEEDS_ATTENTION",
  "ALMOST_LOST",
  "AT_RISK",
  "PREVIOUSLY_LOYAL",
  "DORMANT",
  "PROSPECTS",
] as const;

export const SHOPIFY_RFM_GROUP_NAMES: Record<string, string> = {
  CHAMPIONS: "Champions",
  LOYAL: "Loyal",
  ACTIVE: "Active",
  NEW: "New",
  PROMISING: "Promising",
  NEEDS_ATTENTION: "Needs attention",
  ALMOST_LOST: "Almost lost",
  AT_RISK: "At risk",
  PREVIOUSLY_LOYAL: "Previously loyal",
  DORMANT: "Dormant",
  PROSPECTS: "Prospects",
};

/**
 * The Shopify group that corresponds to each app segment, by Shopify's own descriptions
 * (CustomerRfmGroup): e.g. Potential Loyalists ("recent, some orders, moderate spend") ↔
 * ACTIVE, Can't Lose Them ↔ PREVIOUSLY_LOYAL, Hibernating ↔ DORMANT. PROSPECTS (no orders)
 * has no counterpart: the app scores only customers with an order.
 */
export const SEGMENT_TO_RFM_GROUP: Record<SegmentKey, string> = {
  champions: "CHAMPIONS",
  loyal_customers: "LOYAL",
  potential_loyalists: "ACTIVE",
  new_customers: "NEW",
  promising: "PROMISING",
  need_attention: "NEEDS_ATTENTION",
  about_to_sleep: "ALMOST_LOST",
  at_risk: "AT_RISK",
  cant_lose_them: "PREVIOUSLY_LOYAL",
  hibernating: "DORMANT",
};

/** Shopify's groups described "with recent purchases" (the others: "without recent purchases/orders"). */
const RECENT_GROUPS = new Set(["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION"]);
const isRecentSegment = (segment: string) => RECENT_GROUPS.has(SEGMENT_TO_RFM_GROUP[segment as SegmentKey] ?? "");

export interface RfmAgreement {
  /** Customers asked about, and of those the ones Shopify gave a group. */
  sampled: number;
  withGroup: number;
  /** Same group under SEGMENT_TO_RFM_GROUP, and its share of withGroup with a 95 % Wilson interval. */
  matches: number;
  matchShare: number;
  matchInterval: Interval;
  /** Both say "recent buyer" or both say "not recent" (a coarser agreement). */
  recencyMatches: number;
  recencyShare: number;
  recencyInterval: Interval;
  /** Shopify groups that occur, in SHOPIFY_RFM_GROUPS order, and per app segment the count in each. */
  groups: string[];
  rows: { segment: string; name: string; expected: string | null; counts: number[]; total: number }[];
}

/** How the app's segment of each sampled customer compares with Shopify's group (null without any group). */
export function rfmAgreement(pairs: readonly { segment: string; rfmGroup: string | null }[]): RfmAgreement | null {
  const known = pairs.filter((p): p is { segment: string; rfmGroup: string } => p.rfmGroup !== null);
  if (known.length === 0) return null;
  const present = new Set(known.map((p) => p.rfmGroup));
  const groups = [...SHOPIFY_RFM_GROUPS.filter((g) => present.has(g)), ...[...present].filter((g) => !(SHOPIFY_RFM_GROUPS as readonly string[]).includes(g)).sort()];
  const segments = [...SEGMENT_KEYS.filter((s) => known.some((p) => p.segment === s)), ...[...new Set(known.map((p) => p.segment))].filter((s) => !(SEGMENT_KEYS as readonly string[]).includes(s)).sort()];
  let matches = 0;
  let recencyMatches = 0;
  const rows = segments.map((segment) => ({
    segment,
    name: SEGMENT_NAMES[segment as SegmentKey] ?? segment,
    expected: SEGMENT_TO_RFM_GROUP[segment as SegmentKey] ?? null,
    counts: groups.map(() => 0),
    total: 0,
  }));
  const rowOf = new Map(rows.map((r) => [r.segment, r]));
  for (const p of known) {
    const row = rowOf.get(p.segment)!;
    row.counts[groups.indexOf(p.rfmGroup)]++;
    row.total++;
    if (row.expected === p.rfmGroup) matches++;
    if (isRecentSegment(p.segment) === RECENT_GROUPS.has(p.rfmGroup)) recencyMatches++;
  }
  const n = known.length;
  return {
    sampled: pairs.length,
    withGroup: n,
    matches,
    matchShare: matches / n,
    matchInterval: wilsonInterval(matches, n),
    recencyMatches,
    recencyShare: recencyMatches / n,
    recencyInterval: wilsonInterval(recencyMatches, n),
    groups,
    rows,
  };
}

/**
 * What knowing nothing but the window's churn rate b scores: predict b for everyone.
 * Log-loss −(b ln b + (1 − b) ln(1 − b)), Brier b(1 − b), AUC 0.5, calibration error 0.
 */
export function constantBaseline(customers: number, churned: number): { auc: number; logLoss: number; brier: number; ece: number } | null {
  if (!(customers > 0) || churned <= 0 || churned >= customers) return null;
  const b = churned / customers;
  return { auc: 0.5, logLoss: -(b * Math.log(b) + (1 - b) * Math.log(1 - b)), brier: b * (1 - b), ece: 0 };
}

export interface VerdictInput {
  /** The champion's out-of-time figures (null for the small-shop heuristic, which has none). */
  champion: { name: string; auc: number | null; deciles: CalibrationDecile[] | null; windowDays: number } | null;
  /** Days-since-last-order's AUC on the same window. */
  recencyAuc: number | null;
  /** The recompute's H-day check of the value model: deciles and totals, minor units. */
  value: { deciles: ValueDecile[]; predictedTotalMinor: number; actualTotalMinor: number; horizonDays: number } | null;
}

const pts = (v: number) => `${(v * 100).toFixed(1)} points`;

function rankingWords(auc: number): string {
  if (auc >= 0.8) return "well";
  if (auc >= 0.7) return "fairly well";
  if (auc >= 0.6) return "only weakly";
  return "barely better than guessing";
}

/** The verdict in a few plain sentences, each resting on a figure shown on the page. */
export function qualityVerdict(v: VerdictInput): string[] {
  const out: string[] = [];
  const c = v.champion;
  if (c && c.auc !== null) {
    let baseline = "";
    if (v.recencyAuc !== null) {
      const gap = c.auc - v.recencyAuc;
      baseline =
        gap > 0.01
          ? `, better than days since the last order alone (AUC ${c.auc.toFixed(3)} against ${v.recencyAuc.toFixed(3)})`
          : gap < -0.01
            ? `, worse than days since the last order alone (AUC ${c.auc.toFixed(3)} against ${v.recencyAuc.toFixed(3)})`
            : `, about as well as days since the last order alone (AUC ${c.auc.toFixed(3)} against ${v.recencyAuc.toFixed(3)})`;
    } else {
      baseline = ` (AUC ${c.auc.toFixed(3)})`;
    }
    out.push(`On the last ${c.windowDays} days, which it had not seen, ${c.name} told apart the customers who bought again from those who did not ${rankingWords(c.auc)}${baseline}.`);
    const err = c.deciles ? decileCalibrationError(c.deciles) : null;
    if (err !== null) {
      const worst = c.deciles!.reduce((w, d) => (Math.abs(d.predicted - d.observed) > Math.abs(w.predicted - w.observed) ? d : w));
      const read =
        err <= 0.03
          ? "so a churn probability can be read as the chance it says"
          : err <= 0.08
            ? "so read a churn probability as roughly the chance it says"
            : "so read the churn probabilities as a ranking rather than as exact chances";
      out.push(
        `Its probabilities were off by ${pts(err)} on average across the ten groups of customers (at most ${pts(Math.abs(worst.predicted - worst.observed))}, in group ${worst.decile}), ${read}.`,
      );
    }
  }
  const val = v.value;
  if (val && val.deciles.length === 10 && val.actualTotalMinor > 0) {
    const top = val.deciles[9];
    const share = top.actualTotalMinor / val.actualTotalMinor;
    const ratio = val.predictedTotalMinor / val.actualTotalMinor;
    const total =
      Math.abs(ratio - 1) <= 0.1
        ? "in total it predicted within 10 % of what was spent"
        : ratio > 1
          ? `in total it predicted ${Math.round((ratio - 1) * 100)} % more than was spent`
          : `in total it predicted ${Math.round((1 - ratio) * 100)} % less than was spent`;
    out.push(
      `Over the last ${val.horizonDays} days the tenth of customers the value model rated highest spent ${Math.round(share * 100)} % of the revenue (an even spread would be 10 %); ${total}.`,
    );
  }
  if (out.length === 0) out.push("Not enough has been measured yet to judge the models.");
  return out;
}
