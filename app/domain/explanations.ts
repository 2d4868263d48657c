/** Why a customer has the scores they have, as data first and text second (DESIGN §4). */
import { formatMinor } from "./money";
import { SEGMENT_NAMES, type SegmentKey } from "./segment-map";

export type Reason =
  | { kind: "recency"; score: number; days: number; percentMoreRecentThan: number }
  | { kind: "frequency"; score: number; orders: number; percentMoreOrdersThan: number | null }
  | { kind: "monetary"; score: number; amountMinor: number; percentSpentMoreThan: number }
  | { kind: "segment"; segment: SegmentKey; r: number; f: number }
  | {
      kind: "churn";
      model: "bgnbd" | "heuristic";
      probability: number;
      horizonDays: number;
      pAlive: number;
      daysSinceLastOrder: number;
      /** Heuristic only: the shop's median gap between a repeat buyer's orders. */
      typicalGapDays: number | null;
    };

const pct = (p: number) => `${Math.round(p * 100)} %`;

export function renderReason(reason: Reason, currencyScale = 2): string {
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
      return `M ${reason.score}: spent ${formatMinor(Math.round(reason.amountMinor), currencyScale)} in total, more than ${reason.percentSpentMoreThan} % of customers`;
    case "segment":
      return `${SEGMENT_NAMES[reason.segment]}: R ${reason.r} and F ${reason.f} fall in this cell of the segment map`;
    case "churn":
      return reason.model === "bgnbd"
        ? `${pct(reason.probability)} chance of no order in the next ${reason.horizonDays} days (BG/NBD model; P(alive) ${pct(reason.pAlive)}, last order ${reason.daysSinceLastOrder} days ago)`
        : `${pct(reason.probability)} chance of no order in the next ${reason.horizonDays} days (simple rule: last order ${reason.daysSinceLastOrder} days ago vs. a typical gap of ${Math.round(reason.typicalGapDays ?? 0)} days between orders in this shop)`;
  }
}

export function renderReasons(reasons: readonly Reason[], currencyScale = 2): string[] {
  return reasons.map((r) => renderReason(r, currencyScale));
}
