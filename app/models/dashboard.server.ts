import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import type { ModelAccuracy } from "../domain/backtest";
import type { ShopModelState } from "../domain/score-shop";
import { SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";
import type { ChurnChampionState, ChurnMetrics } from "../domain/churn/champion";

/** Display name of a segment key (names are resolved here so the client bundle needs no schema code). */
export const segmentName = (key: string) => SEGMENT_NAMES[key as SegmentKey] ?? key;

export interface SegmentSize {
  segment: string;
  name: string;
  customers: number;
  /** customers / all scored customers, 0..1. */
  share: number;
  /** Total spent (net of refunds), shop currency minor units, as a decimal string (exact). */
  monetaryMinor: string;
  /** monetaryMinor / all scored customers' total spent, 0..1 (0 when nobody spent anything). */
  revenueShare: number;
  avgChurnProbability: number;
  /** Sum of predicted 12-month values, shop currency major units. */
  predictedClv12m: number;
}

export interface MigrationCount {
  fromSegment: string;
  toSegment: string;
  fromName: string;
  toName: string;
  customers: number;
}

export interface RecentTransition {
  id: string;
  customerId: string;
  fromSegment: string;
  toSegment: string;
  fromName: string;
  toName: string;
  at: string;
}

export interface ModelView {
  kind: "bgnbd" | "heuristic";
  fallbackReason: string | null;
  fittedAt: string;
  horizonDays: number;
  customers: number;
  repeatCustomers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number } | null;
  gammaGamma: { p: number; q: number; gamma: number } | null;
  spendModel: string;
  typicalGapDays: number;
  accuracy: ModelAccuracy | null;
  accuracyReason: string | null;
  /** The churn champion and its challengers' out-of-time figures (null before the first recompute that selected one). */
  churn: {
    model: string;
    reason: string;
    note: string | null;
    windowDays: number;
    backtest: ChurnMetrics[];
  } | null;
}

export interface SyncView {
  status: string;
  error: string | null;
  rowsDone: number;
  rowsTotal: number | null;
  /** 0..100 when the total is known. */
  percent: number | null;
  startedAt: string | null;
  completedAt: string | null;
  /** Estimated seconds left for a running sync, from the rate so far. */
  etaSeconds: number | null;
}

export const MIGRATION_WINDOW_DAYS = 30;
const RECENT_TRANSITIONS = 25;
/** "Moved this week": customers who changed segment in the last 7 days. */
export const MOVED_WINDOW_DAYS = 7;
/** A customer counts towards the revenue at risk from this churn probability up. */
export const AT_RISK_CHURN = 0.5;

/** The overview's headline numbers. */
export interface Headline {
  scoredCustomers: number;
  /** Sum of the predicted 12-month value of customers with churn probability ≥ AT_RISK_CHURN, shop currency units. */
  revenueAtRisk: number;
  atRiskCustomers: number;
  championsCustomers: number;
  /** Champions' total spent (net of refunds), minor units as a decimal string. */
  championsMonetaryMinor: string;
  /** All scored customers' total spent, minor units as a decimal string. */
  totalMonetaryMinor: string;
  /** championsMonetaryMinor / totalMonetaryMinor, 0..1 (0 when nobody spent anything). */
  championsRevenueShare: number;
  /** Distinct customers with a segment change (not a first score) in the last MOVED_WINDOW_DAYS days. */
  movedThisWeek: number;
  movedWindowDays: number;
}

const EMPTY_HEADLINE: Headline = {
  scoredCustomers: 0,
  revenueAtRisk: 0,
  atRiskCustomers: 0,
  championsCustomers: 0,
  championsMonetaryMinor: "0",
  totalMonetaryMinor: "0",
  championsRevenueShare: 0,
  movedThisWeek: 0,
  movedWindowDays: MOVED_WINDOW_DAYS,
};

/** Customers who changed segment (not a first score) in the last MOVED_WINDOW_DAYS days, for one shop. */
async function movedThisWeek(shopId: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - MOVED_WINDOW_DAYS * 86_400_000);
  const { rows } = await pool.query<{ customers: number }>(
    `SELECT count(DISTINCT "customerId")::int AS customers
       FROM "SegmentTransition"
      WHERE "shopId" = $1 AND "fromSegment" IS NOT NULL AND at > $2 AND at <= $3`,
    [shopId, since, now],
  );
  return rows[0]?.customers ?? 0;
}

interface ScoreSummary {
  scored: number;
  holdout: number;
  atRiskCustomers: number;
  revenueAtRisk: number;
  totalMinor: bigint;
  segments: { segment: string; customers: number; monetaryMinor: bigint; churnSum: number; clv: number }[];
  traits: { trait: string; customers: number; monetaryMinor: bigint }[];
}

/**
 * Everything the overview counts over a shop's scores, in one pass: customers, spend, value
 * and churn per (segment, set of traits), a few hundred groups, summed per segment and per
 * trait here. Four separate passes (segments, holdout, value at risk, traits) made the home
 * page miss its p95 at 200,000 customers (bench:dashboard).
 */
async function scoreSummary(shopId: string): Promise<ScoreSummary> {
  const { rows } = await pool.query<{
    segment: string;
    traits: string[];
    customers: number;
    monetary: string;
    clv: number;
    churn: number;
    holdout: number;
    at_risk: number;
    at_risk_value: number;
  }>(
    `SELECT segment, traits, count(*)::int AS customers, sum("monetaryMinor")::text AS monetary,
            sum("predictedClv12m")::float8 AS clv, sum("churnProbability")::float8 AS churn,
            count(*) FILTER (WHERE holdout)::int AS holdout,
            count(*) FILTER (WHERE "churnProbability" >= $2)::int AS at_risk,
            coalesce(sum("predictedClv12m") FILTER (WHERE "churnProbability" >= $2), 0)::float8 AS at_risk_value
       FROM "CustomerScore" WHERE "shopId" = $1 GROUP BY segment, traits`,
    [shopId, AT_RISK_CHURN],
  );
  const summary: ScoreSummary = { scored: 0, holdout: 0, atRiskCustomers: 0, revenueAtRisk: 0, totalMinor: 0n, segments: [], traits: [] };
  const segments = new Map<string, ScoreSummary["segments"][number]>();
  const traits = new Map<string, ScoreSummary["traits"][number]>();
  for (const r of rows) {
    const monetary = BigInt(r.monetary);
    summary.scored += r.customers;
    summary.holdout += r.holdout;
    summary.atRiskCustomers += r.at_risk;
    summary.revenueAtRisk += r.at_risk_value;
    summary.totalMinor += monetary;
    let s = segments.get(r.segment);
    if (!s) segments.set(r.segment, (s = { segment: r.segment, customers: 0, monetaryMinor: 0n, churnSum: 0, clv: 0 }));
    s.customers += r.customers;
    s.monetaryMinor += monetary;
    s.churnSum += r.churn;
    s.clv += r.clv;
    for (const trait of r.traits) {
      let t = traits.get(trait);
      if (!t) traits.set(trait, (t = { trait, customers: 0, monetaryMinor: 0n }));
      t.customers += r.customers;
      t.monetaryMinor += monetary;
    }
  }
  summary.segments = [...segments.values()];
  summary.traits = [...traits.values()].sort((a, b) => b.customers - a.customers || (a.trait < b.trait ? -1 : a.trait > b.trait ? 1 : 0));
  return summary;
}

/** Progress and ETA of a sync from its counters (linear in rows so far). */
export function syncProgress(
  s: { syncStatus: string; syncRowsDone: number; syncRowsTotal: number | null; syncStartedAt: Date | null },
  now: Date,
): { percent: number | null; etaSeconds: number | null } {
  const total = s.syncRowsTotal;
  if (!total || total <= 0) return { percent: s.syncStatus === "completed" ? 100 : null, etaSeconds: null };
  const done = Math.min(s.syncRowsDone, total);
  const percent = s.syncStatus === "completed" ? 100 : Math.floor((100 * done) / total);
  if (s.syncStatus !== "running" || !s.syncStartedAt || done <= 0) return { percent, etaSeconds: null };
  const elapsed = (now.getTime() - s.syncStartedAt.getTime()) / 1000;
  if (!(elapsed > 0)) return { percent, etaSeconds: null };
  return { percent, etaSeconds: Math.max(0, Math.round((elapsed / done) * (total - done))) };
}

/** A discovered segment as the recompute stored it (app/domain/clusters.ts ClusterDescription). */
export interface DiscoveredSegment {
  id: number;
  label: string;
  customers: number;
  share: number;
  spendPerCustomerMinor: number;
  totalSpendMinor: number;
}

export interface TraitSize {
  trait: string;
  customers: number;
  share: number;
  monetaryMinor: string;
}

type StoredModelState = ShopModelState & {
  accuracy?: ModelAccuracy | null;
  accuracyReason?: string | null;
  churn?: ChurnChampionState;
  clusters?: { k: number | null; silhouette: number | null; reason: string | null; clusters: DiscoveredSegment[] };
};

/** The discovered segments of the last recompute, or why there are none. */
function discoveredView(state: StoredModelState | null): { k: number | null; silhouette: number | null; reason: string | null; segments: DiscoveredSegment[] } | null {
  const c = state?.clusters;
  if (!c) return null;
  return {
    k: c.k,
    silhouette: c.silhouette,
    reason: c.reason,
    segments: c.clusters.map((d) => ({ id: d.id, label: d.label, customers: d.customers, share: d.share, spendPerCustomerMinor: d.spendPerCustomerMinor, totalSpendMinor: d.totalSpendMinor })),
  };
}

function modelView(state: StoredModelState | null): ModelView | null {
  if (!state || !state.model) return null;
  return {
    kind: state.model,
    fallbackReason: state.fallbackReason ?? null,
    fittedAt: state.asOf,
    horizonDays: state.horizonDays,
    customers: state.customers,
    repeatCustomers: state.repeatCustomers,
    bgnbd: state.bgnbd ? { r: state.bgnbd.r, alpha: state.bgnbd.alpha, a: state.bgnbd.a, b: state.bgnbd.b } : null,
    gammaGamma: state.gammaGamma ? { p: state.gammaGamma.p, q: state.gammaGamma.q, gamma: state.gammaGamma.gamma } : null,
    spendModel: state.spendModel,
    typicalGapDays: state.heuristic?.typicalGapDays ?? 0,
    accuracy: state.accuracy ?? null,
    accuracyReason: state.accuracyReason ?? (state.accuracy ? null : "not measured yet (next recompute)"),
    churn: state.churn
      ? {
          model: state.churnModel ?? state.churn.champion,
          reason: state.churn.reason,
          note: state.churn.note,
          windowDays: state.churn.windowDays,
          backtest: state.churn.backtest,
        }
      : null,
  };
}

/** How long the dashboard keeps saying that access to Shopify lapsed and came back. */
const ACCESS_RESTORED_NOTICE_MS = 7 * 86_400_000;

/** Shopify access: lost (background work paused), or back after a lapse (shown for a week). */
export type AccessView =
  | { state: "reauth-required"; since: string; reason: string | null }
  | { state: "restored"; lapsedAt: string; restoredAt: string }
  | null;

function accessView(
  shop: { reauthRequiredAt: Date | null; reauthReason: string | null; accessLapsedAt: Date | null; accessRestoredAt: Date | null },
  now: Date,
): AccessView {
  if (shop.reauthRequiredAt) return { state: "reauth-required", since: shop.reauthRequiredAt.toISOString(), reason: shop.reauthReason };
  if (shop.accessLapsedAt && shop.accessRestoredAt && now.getTime() - shop.accessRestoredAt.getTime() < ACCESS_RESTORED_NOTICE_MS) {
    return { state: "restored", lapsedAt: shop.accessLapsedAt.toISOString(), restoredAt: shop.accessRestoredAt.toISOString() };
  }
  return null;
}

/**
 * What the dashboard shows for one shop: sync state, model in use and its measured accuracy,
 * segment sizes and value, migration between segments, recent moves, holdout size.
 * Every query is scoped by the shop's id.
 */
export async function loadDashboard(shopDomain: string, now: Date = new Date()) {
  const shop = await prisma.shop.findUnique({
    where: { domain: shopDomain },
    select: {
      id: true,
      currency: true,
      historyLimited: true,
      syncStatus: true,
      syncError: true,
      syncRowsDone: true,
      syncRowsTotal: true,
      syncStartedAt: true,
      syncCompletedAt: true,
      modelKind: true,
      modelState: true,
      lastScoredAt: true,
      reauthRequiredAt: true,
      reauthReason: true,
      accessLapsedAt: true,
      accessRestoredAt: true,
    },
  });
  if (!shop) {
    // Not installed (yet): an empty dashboard rather than an error.
    return {
      shop: null,
      sync: null,
      access: null as AccessView,
      model: null,
      scoredCustomers: 0,
      holdoutCustomers: 0,
      segments: [] as SegmentSize[],
      migrationWindowDays: MIGRATION_WINDOW_DAYS,
      migrations: [] as MigrationCount[],
      recentTransitions: [] as RecentTransition[],
      traits: [] as TraitSize[],
      discovered: null as ReturnType<typeof discoveredView>,
      headline: EMPTY_HEADLINE,
    };
  }
  const since = new Date(now.getTime() - MIGRATION_WINDOW_DAYS * 86_400_000);
  const [summary, migration, recent, moved] = await Promise.all([
    scoreSummary(shop.id),
    prisma.segmentTransition.groupBy({
      by: ["fromSegment", "toSegment"],
      where: { shopId: shop.id, at: { gte: since, lte: now }, fromSegment: { not: null } },
      _count: { _all: true },
    }),
    prisma.segmentTransition.findMany({
      where: { shopId: shop.id, fromSegment: { not: null }, at: { lte: now } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: RECENT_TRANSITIONS,
      select: { id: true, customerId: true, fromSegment: true, toSegment: true, at: true },
    }),
    movedThisWeek(shop.id, now),
  ]);
  const { scored, totalMinor } = summary;
  // Shares of exact minor-unit totals (bigint) as a fraction.
  const shareOf = (minor: bigint) => (totalMinor > 0n ? Number(minor) / Number(totalMinor) : 0);
  const segments: SegmentSize[] = summary.segments
    .map((g) => ({
      segment: g.segment,
      name: segmentName(g.segment),
      customers: g.customers,
      share: scored ? g.customers / scored : 0,
      monetaryMinor: g.monetaryMinor.toString(),
      revenueShare: shareOf(g.monetaryMinor),
      avgChurnProbability: g.customers ? g.churnSum / g.customers : 0,
      predictedClv12m: g.clv,
    }))
    .sort((a, b) => b.customers - a.customers || a.segment.localeCompare(b.segment));
  const migrations: MigrationCount[] = migration
    .map((m) => ({
      fromSegment: m.fromSegment!,
      toSegment: m.toSegment,
      fromName: segmentName(m.fromSegment!),
      toName: segmentName(m.toSegment),
      customers: m._count._all,
    }))
    .sort((a, b) => b.customers - a.customers || a.fromSegment.localeCompare(b.fromSegment) || a.toSegment.localeCompare(b.toSegment));
  const progress = syncProgress(shop, now);
  const sync: SyncView = {
    status: shop.syncStatus,
    error: shop.syncError,
    rowsDone: shop.syncRowsDone,
    rowsTotal: shop.syncRowsTotal,
    percent: progress.percent,
    etaSeconds: progress.etaSeconds,
    startedAt: shop.syncStartedAt?.toISOString() ?? null,
    completedAt: shop.syncCompletedAt?.toISOString() ?? null,
  };
  const champions = summary.segments.find((g) => g.segment === "champions");
  const headline: Headline = {
    scoredCustomers: scored,
    revenueAtRisk: summary.revenueAtRisk,
    atRiskCustomers: summary.atRiskCustomers,
    championsCustomers: champions?.customers ?? 0,
    championsMonetaryMinor: (champions?.monetaryMinor ?? 0n).toString(),
    totalMonetaryMinor: totalMinor.toString(),
    championsRevenueShare: shareOf(champions?.monetaryMinor ?? 0n),
    movedThisWeek: moved,
    movedWindowDays: MOVED_WINDOW_DAYS,
  };
  return {
    headline,
    shop: {
      currency: shop.currency,
      historyLimited: shop.historyLimited,
      lastScoredAt: shop.lastScoredAt?.toISOString() ?? null,
    },
    sync: sync as SyncView | null,
    access: accessView(shop, now),
    model: modelView(shop.modelState as unknown as ShopModelState | null),
    traits: summary.traits.map((t): TraitSize => ({ ...t, share: scored ? t.customers / scored : 0, monetaryMinor: t.monetaryMinor.toString() })),
    discovered: discoveredView(shop.modelState as unknown as StoredModelState | null),
    scoredCustomers: scored,
    holdoutCustomers: summary.holdout,
    segments,
    migrationWindowDays: MIGRATION_WINDOW_DAYS,
    migrations,
    recentTransitions: recent.map(
      (t): RecentTransition => ({
        id: t.id.toString(),
        customerId: t.customerId.toString(),
        fromSegment: t.fromSegment!,
        toSegment: t.toSegment,
        fromName: segmentName(t.fromSegment!),
        toName: segmentName(t.toSegment),
        at: t.at.toISOString(),
      }),
    ),
  };
}
