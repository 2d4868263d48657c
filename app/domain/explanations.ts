/** Why a customer has the scores they have, as data first and text second (docs/scoring.md). */
import { formatMoneyMinor, formatPercent } from "./format";
import { formatMinor } from "./money";
import { SEGMENT_NAMES, type SegmentKey } from "./segment-map";

export type Reason =
  | { kind: "recency"; score: number; days: number; percentMoreRecentThan: number }
  | { kind: "frequency"; score: number; orders: number; percentMoreOrdersThan: number | null }
  | { kind: "monetary"; score: number; amountMinor: number; percentSpentMoreThan: number }
  | { kind: "segment"; segment: SegmentKey; r: number; f: number }
  | {
      kind: "churn";
      model: "bgnbd" | "heuristic" | "supervised";
      probability: number;
      horizonDays: number;
      pAlive: number;
      daysSinceLastOrder: number;
      /** Heuristic only: the shop's median gap between a repeat buyer's orders. */
      typicalGapDays: number | null;
    };

const spent = (minor: number, currencyCode: string | undefined) =>
  currencyCode ? formatMoneyMinor(minor, currencyCode) : formatMinor(minor);

/**
 * One reason as a sentence. Amounts are hundredths of the shop currency; with
 * the shop's currency code they read "spent €100.00", without it "spent 100.00".
 */
export function renderReason(reason: Reason, currencyCode?: string): string {
  switch (reason.kind) {
    case "recency":
      return `R ${reason.score}: last order ${reason.days} day${reason.days === 1 ? "" : "s"} ago, more recent than ${reason.percentMoreRecentThan} % of customers`;
    case "frequency":
      return reason.orders === 1
        ? `F ${reason.score}: bought once`
        : reason.percentMoreOrdersThan === null
          ? `F ${reason.score}: ${reason.orders} orders`
          : `F ${reason.score}: ${reason.orders} orders, more than ${reason.percentMoreOrdersThan} % of repeat customers`;
    case "monetary":
      return `M ${reason.score}: spent ${spent(Math.round(reason.amountMinor), currencyCode)} in total, more than ${reason.percentSpentMoreThan} % of customers`;
    case "segment":
      return `${SEGMENT_NAMES[reason.segment]}: R ${reason.r} and F ${reason.f} fall in this cell of the segment map`;
    case "churn":
      if (reason.model === "supervised")
        return `${formatPercent(reason.probability)} chance of no order in the next ${reason.horizonDays} days (model trained and calibrated on this shop's own order history, chosen because it predicted best on the shop's recent past; last order ${reason.daysSinceLastOrder} days ago)`;
      return reason.model === "bgnbd"
        ? `${formatPercent(reason.probability)} chance of no order in the next ${reason.horizonDays} days (BG/NBD model; P(alive) ${formatPercent(reason.pAlive)}, last order ${reason.daysSinceLastOrder} days ago)`
        : `${formatPercent(reason.probability)} chance of no order in the next ${reason.horizonDays} days (simple rule: last order ${reason.daysSinceLastOrder} days ago vs. a typical gap of ${Math.round(reason.typicalGapDays ?? 0)} days between orders in this shop)`;
  }
}

export function renderReasons(reasons: readonly Reason[], currencyCode?: string): string[] {
  return reasons.map((r) => renderReason(r, currencyCode));
}

/**
 * What a stored score keeps of its reasons beyond its own columns: the three percentages and
 * the churn reason's horizon and typical gap. A score row stores these few numbers instead of
 * its reasons as json (433 of a row's ~720 bytes, half the nightly write of a large shop's
 * scores); reasonsFromScore builds the same reasons back.
 */
export interface StoredReasonFields {
  recencyPercent: number;
  frequencyPercent: number | null;
  monetaryPercent: number;
  horizonDays: number;
  typicalGapDays: number | null;
}

/** A stored score's columns that its reasons read, as the database returns them. */
export interface ScoreReasonColumns extends StoredReasonFields {
  r: number;
  f: number;
  m: number;
  segment: string;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number | bigint;
  churnModel: string;
  churnProbability: number;
  pAlive: number;
}

/** The fields of `reasons` (a score's, as scoring builds them) that its columns do not hold. */
export function storedReasonFields(reasons: readonly Reason[]): StoredReasonFields {
  const fields: StoredReasonFields = { recencyPercent: 0, frequencyPercent: null, monetaryPercent: 0, horizonDays: 0, typicalGapDays: null };
  for (const reason of reasons) {
    if (reason.kind === "recency") fields.recencyPercent = reason.percentMoreRecentThan;
    else if (reason.kind === "frequency") fields.frequencyPercent = reason.percentMoreOrdersThan;
    else if (reason.kind === "monetary") fields.monetaryPercent = reason.percentSpentMoreThan;
    else if (reason.kind === "churn") {
      fields.horizonDays = reason.horizonDays;
      fields.typicalGapDays = reason.typicalGapDays;
    }
  }
  return fields;
}

/** A stored score's reasons, in scoring's order (recency, frequency, monetary, segment, churn). */
export function reasonsFromScore(s: ScoreReasonColumns): Reason[] {
  return [
    { kind: "recency", score: s.r, days: s.recencyDays, percentMoreRecentThan: s.recencyPercent },
    { kind: "frequency", score: s.f, orders: s.frequency, percentMoreOrdersThan: s.frequencyPercent },
    { kind: "monetary", score: s.m, amountMinor: Number(s.monetaryMinor), percentSpentMoreThan: s.monetaryPercent },
    { kind: "segment", segment: s.segment as SegmentKey, r: s.r, f: s.f },
    {
      kind: "churn",
      model: s.churnModel as Extract<Reason, { kind: "churn" }>["model"],
      probability: s.churnProbability,
      horizonDays: s.horizonDays,
      pAlive: s.pAlive,
      daysSinceLastOrder: s.recencyDays,
      typicalGapDays: s.typicalGapDays,
    },
  ];
}
