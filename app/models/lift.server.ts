// Holdout lift (docs/lift.md): what treated and held-out customers did after they were
// assigned, by the segment they were assigned in. One query, scoped by the shop's id; the
// statistics are app/domain/lift.ts.
import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import { compareGroups, liftSentences, type GroupOutcome, type LiftComparison } from "../domain/lift";
import { SEGMENT_KEYS, SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";
import { resolveSettings } from "../domain/shop-settings";

export interface LiftRow {
  /** null for all segments together. */
  segment: string | null;
  name: string;
  comparison: LiftComparison;
  sentences: string[];
}

export interface LiftReport {
  currency: string;
  holdoutPercent: number;
  /** Earliest and latest first score among the compared customers (ISO), null with none. */
  assignedFrom: string | null;
  assignedTo: string | null;
  /** Whole days from the earliest first score to `now`, null with none. */
  daysSinceFirstAssignment: number | null;
  /** All segments first, then each segment in the app's order (segments with nobody assigned left out). */
  rows: LiftRow[];
}

interface GroupRow {
  segment: string | null;
  holdout: boolean;
  customers: number;
  buyers: number;
  revenue: string;
  variance: number;
  first_at: Date;
  last_at: Date;
}

// Assignment = the customer's first score: the earliest SegmentTransition without a
// fromSegment (recorded when the customer is first scored; holdout membership is a stable
// hash, fixed from then on at a given holdout percent). The holdout flag is the score row's.
// After assignment = counted orders (not test, not cancelled; customer not deleted)
// processed strictly after that instant; revenue = their total net of refunds.
const GROUPS_SQL = `
  WITH first_score AS (
    SELECT DISTINCT ON (t."customerId") t."customerId", t."toSegment" AS segment, t.at
      FROM "SegmentTransition" t
     WHERE t."shopId" = $1 AND t."fromSegment" IS NULL
     ORDER BY t."customerId", t.at, t.id
  ), cohort AS (
    SELECT f."customerId", f.segment, f.at, s.holdout
      FROM first_score f
      JOIN "CustomerScore" s ON s."shopId" = $1 AND s."customerId" = f."customerId"
      JOIN "Customer" c ON c."shopId" = $1 AND c.id = f."customerId" AND c."deletedAt" IS NULL
  ), outcome AS (
    SELECT k."customerId", k.segment, k.holdout, k.at, count(o.id) AS orders,
           coalesce(sum(o."totalMinor" - o."refundedMinor"), 0)::numeric AS revenue
      FROM cohort k
      LEFT JOIN "Order" o ON o."shopId" = $1 AND o."customerId" = k."customerId" AND o."processedAt" > k.at
                         AND NOT o.test AND o."cancelledAt" IS NULL
     GROUP BY k."customerId", k.segment, k.holdout, k.at
  )
  SELECT segment, holdout, count(*)::int AS customers, (count(*) FILTER (WHERE orders > 0))::int AS buyers,
         sum(revenue)::text AS revenue, coalesce(var_samp(revenue), 0)::float8 AS variance,
         min(at) AS first_at, max(at) AS last_at
    FROM outcome
   GROUP BY GROUPING SETS ((segment, holdout), (holdout))`;

const EMPTY: GroupOutcome = { customers: 0, buyers: 0, revenueMinor: 0, revenueVariance: 0 };

/** The shop's holdout report, or null when the shop is not installed. */
export async function loadLiftReport(shopDomain: string, now: Date = new Date()): Promise<LiftReport | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currency: true, settings: true } });
  if (!shop) return null;
  const { rows } = await pool.query<GroupRow>(GROUPS_SQL, [shop.id]);
  const groups = new Map<string, { treated: GroupOutcome; holdout: GroupOutcome }>();
  let from: Date | null = null;
  let to: Date | null = null;
  for (const r of rows) {
    const key = r.segment ?? "";
    const entry = groups.get(key) ?? { treated: EMPTY, holdout: EMPTY };
    const outcome: GroupOutcome = { customers: r.customers, buyers: r.buyers, revenueMinor: Number(r.revenue), revenueVariance: r.variance };
    if (r.holdout) entry.holdout = outcome;
    else entry.treated = outcome;
    groups.set(key, entry);
    if (r.segment === null) {
      if (!from || r.first_at < from) from = r.first_at;
      if (!to || r.last_at > to) to = r.last_at;
    }
  }
  const row = (segment: string | null, name: string): LiftRow | null => {
    const g = groups.get(segment ?? "");
    if (!g) return null;
    const comparison = compareGroups(g.treated, g.holdout);
    return { segment, name, comparison, sentences: liftSentences(comparison, shop.currency) };
  };
  const known = new Set<string>(SEGMENT_KEYS);
  const segments = [...SEGMENT_KEYS, ...[...groups.keys()].filter((k) => k !== "" && !known.has(k)).sort()];
  return {
    currency: shop.currency,
    holdoutPercent: resolveSettings(shop.settings).holdoutPercent,
    assignedFrom: from?.toISOString() ?? null,
    assignedTo: to?.toISOString() ?? null,
    daysSinceFirstAssignment: from ? Math.floor((now.getTime() - from.getTime()) / 86_400_000) : null,
    rows: [row(null, "All segments"), ...segments.map((s) => row(s, SEGMENT_NAMES[s as SegmentKey] ?? s))].filter((r): r is LiftRow => r !== null),
  };
}
