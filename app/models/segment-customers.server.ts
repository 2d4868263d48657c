// The segment and trait pages: the groups of a shop with their sizes, one
// group's customers a page at a time (keyset pagination: the page after or
// before a boundary row, never OFFSET), and a whole group in batches of
// customer ids for the streamed CSV export. Every query is scoped by the
// shop's id. Only ids and numbers: no names or emails are stored.
import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import type { SegmentExportRow } from "../domain/csv";
import { SEGMENT_KEYS, SEGMENT_NAMES } from "../domain/segment-map";
import { WRITABLE_TRAITS } from "../domain/settings";
import { TRAIT_LABELS } from "../domain/trait-labels";
import {
  CHURN_BANDS,
  PAGE_SIZE,
  groupKey,
  parseGroupKey,
  type Cursor,
  type ListFilters,
  type ListQuery,
  type SegmentGroup,
  type SortKey,
} from "../domain/segment-list";

/** A discovered segment as the recompute stores it in Shop.modelState.clusters (app/domain/clusters.ts). */
interface StoredCluster {
  id: number;
  label: string;
  customers: number;
}
interface StoredClusters {
  k: number | null;
  reason: string | null;
  clusters: StoredCluster[];
}

function storedClusters(modelState: unknown): StoredClusters | null {
  const c = (modelState as { clusters?: StoredClusters } | null)?.clusters;
  return c && Array.isArray(c.clusters) ? c : null;
}

export interface GroupSize {
  /** Page key: `at_risk`, `trait:discount_seeker`, `cluster:2`. */
  key: string;
  name: string;
  /** The trait's definition, the discovered segment's description; null for RFM segments. */
  description: string | null;
  customers: number;
  /** customers / scored customers, 0..1. */
  share: number;
}

export interface SegmentIndex {
  installed: boolean;
  scoredCustomers: number;
  lastScoredAt: string | null;
  segments: GroupSize[];
  traits: GroupSize[];
  /** null before the first recompute that tried to cluster. */
  discovered: { reason: string | null; segments: GroupSize[] } | null;
}

/** Every RFM segment and trait (empty ones too) and every discovered segment, with today's sizes. */
export async function loadSegmentIndex(shopDomain: string): Promise<SegmentIndex> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, modelState: true, lastScoredAt: true } });
  if (!shop) return { installed: false, scoredCustomers: 0, lastScoredAt: null, segments: [], traits: [], discovered: null };
  // One pass over the shop's scores: customers per (segment, discovered segment, set of traits),
  // a few thousand groups at most, summed per segment, trait and discovered segment here.
  const { rows } = await pool.query<{ segment: string; cluster: number | null; traits: string[]; n: number }>(
    `SELECT segment, "clusterId" AS cluster, traits, count(*)::int AS n FROM "CustomerScore" WHERE "shopId" = $1 GROUP BY segment, "clusterId", traits`,
    [shop.id],
  );
  const segmentCounts = new Map<string, number>();
  const traitCounts = new Map<string, number>();
  const clusterCounts = new Map<number, number>();
  const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  let scored = 0;
  for (const r of rows) {
    scored += r.n;
    add(segmentCounts, r.segment, r.n);
    if (r.cluster !== null) add(clusterCounts, r.cluster, r.n);
    for (const t of r.traits) add(traitCounts, t, r.n);
  }
  const size = (key: string, name: string, description: string | null, customers: number): GroupSize => ({
    key,
    name,
    description,
    customers,
    share: scored ? customers / scored : 0,
  });
  const stored = storedClusters(shop.modelState);
  return {
    installed: true,
    scoredCustomers: scored,
    lastScoredAt: shop.lastScoredAt?.toISOString() ?? null,
    segments: SEGMENT_KEYS.map((s) => size(s, SEGMENT_NAMES[s], null, segmentCounts.get(s) ?? 0)),
    traits: WRITABLE_TRAITS.map((t) => size(`trait:${t}`, TRAIT_LABELS[t].name, TRAIT_LABELS[t].definition, traitCounts.get(t) ?? 0)),
    discovered: stored
      ? {
          reason: stored.reason,
          segments: stored.clusters.map((c) => size(`cluster:${c.id}`, `Discovered segment ${c.id}`, c.label, clusterCounts.get(c.id) ?? 0)),
        }
      : null,
  };
}

/** A group of one shop that a page or an export lists. */
export interface FoundGroup {
  shopId: string;
  currency: string;
  key: string;
  group: SegmentGroup;
  kind: SegmentGroup["kind"];
  name: string;
  description: string | null;
}

/** The group a page key names in this shop, or null (unknown key, unknown discovered segment, shop not installed). */
export async function findSegmentGroup(shopDomain: string, key: string | undefined): Promise<FoundGroup | null> {
  const group = parseGroupKey(key);
  if (!group) return null;
  const shop = await prisma.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, currency: true, modelState: group.kind === "cluster" },
  });
  if (!shop) return null;
  const base = { shopId: shop.id, currency: shop.currency, key: groupKey(group), group, kind: group.kind };
  if (group.kind === "segment") return { ...base, name: SEGMENT_NAMES[group.segment], description: null };
  if (group.kind === "trait") return { ...base, name: TRAIT_LABELS[group.trait].name, description: TRAIT_LABELS[group.trait].definition };
  const cluster = storedClusters(shop.modelState)?.clusters.find((c) => c.id === group.id);
  return cluster ? { ...base, name: `Discovered segment ${cluster.id}`, description: cluster.label } : null;
}

// ------------------------------------------------------------ conditions ----

const SORT_COLUMN: Record<SortKey, string> = {
  r: "r",
  f: "f",
  m: "m",
  churn: `"churnProbability"`,
  clv: `"predictedClv12m"`,
  spent: `"monetaryMinor"`,
  recency: `"recencyDays"`,
};
const SORT_CAST: Record<SortKey, string> = { r: "int", f: "int", m: "int", churn: "float8", clv: "float8", spent: "bigint", recency: "int" };

/** A condition on a new parameter: `sql` gets the parameter's placeholder, `value` is appended to `values`. */
function param(values: unknown[], value: unknown, sql: (p: string) => string): string {
  values.push(value);
  return sql(`$${values.length}`);
}

/** `"shopId" = $n` and the group's condition. */
function groupConditions(shopId: string, group: SegmentGroup, values: unknown[]): string[] {
  const shop = param(values, shopId, (p) => `"shopId" = ${p}`);
  if (group.kind === "segment") return [shop, param(values, group.segment, (p) => `segment = ${p}`)];
  if (group.kind === "trait") return [shop, param(values, group.trait, (p) => `traits @> ARRAY[${p}::text]`)];
  return [shop, param(values, group.id, (p) => `"clusterId" = ${p}`)];
}

/** The churn band's and the trait filter's conditions (none without filters). */
function filterConditions(filters: ListFilters, values: unknown[]): string[] {
  const conditions: string[] = [];
  if (filters.churn) {
    const band = CHURN_BANDS[filters.churn];
    conditions.push(param(values, band.min, (p) => `"churnProbability" >= ${p}`));
    if (band.max !== null) conditions.push(param(values, band.max, (p) => `"churnProbability" < ${p}`));
  }
  if (filters.trait) conditions.push(param(values, filters.trait, (p) => `traits @> ARRAY[${p}::text]`));
  return conditions;
}

// ------------------------------------------------------------------ page ----

export interface SegmentCustomer {
  customerId: string;
  segment: string;
  segmentName: string;
  r: number;
  f: number;
  m: number;
  churnProbability: number;
  predictedClv12m: number;
  /** Hundredths of the shop currency, decimal string (exact). */
  monetaryMinor: string;
  recencyDays: number;
  traits: string[];
  holdout: boolean;
}

export interface SegmentCustomersPage {
  /** Customers of the group, and of the group with the filters applied. */
  groupCustomers: number;
  matchingCustomers: number;
  customers: SegmentCustomer[];
  hasNext: boolean;
  hasPrevious: boolean;
  /** Cursor after the last row (for the next page) and before the first row (for the previous one). */
  nextCursor: Cursor | null;
  previousCursor: Cursor | null;
}

interface PageRow {
  id: string;
  segment: string;
  r: number;
  f: number;
  m: number;
  churn: number;
  clv: number;
  spent: string;
  recency: number;
  traits: string[];
  holdout: boolean;
  sort_value: string;
}

/**
 * One page of a group's customers in the query's order (ties broken by customer id, in the
 * same direction), starting after or before a boundary row: the row comparison
 * `(sort column, id) > (cursor)` makes every customer appear exactly once across pages.
 */
export async function loadSegmentCustomers(found: FoundGroup, query: ListQuery, pageSize: number = PAGE_SIZE): Promise<SegmentCustomersPage> {
  const column = SORT_COLUMN[query.sort];
  const backwards = query.before !== null;
  const cursor = query.after ?? query.before;
  // Reading backwards from a `before` cursor walks the order reversed, then flips the rows back.
  const ascending = (query.dir === "asc") !== backwards;
  const values: unknown[] = [];
  const conditions = [...groupConditions(found.shopId, found.group, values), ...filterConditions(query, values)];
  if (cursor) {
    const cast = SORT_CAST[query.sort];
    const v = param(values, cursor.value, (p) => `${p}::${cast}`);
    const id = param(values, cursor.customerId, (p) => `${p}::bigint`);
    conditions.push(`(${column}, "customerId") ${ascending ? ">" : "<"} (${v}, ${id})`);
  }
  const order = ascending ? "ASC" : "DESC";
  const limit = param(values, pageSize + 1, (p) => p);
  const countValues: unknown[] = [];
  const inGroup = groupConditions(found.shopId, found.group, countValues);
  const filtered = filterConditions(query, countValues);
  const [rows, counts] = await Promise.all([
    pool.query<PageRow>(
      `SELECT "customerId"::text AS id, segment, r, f, m, "churnProbability" AS churn, "predictedClv12m" AS clv,
              "monetaryMinor"::text AS spent, "recencyDays" AS recency, traits, holdout, ${column}::text AS sort_value
         FROM "CustomerScore" WHERE ${conditions.join(" AND ")}
        ORDER BY ${column} ${order}, "customerId" ${order} LIMIT ${limit}`,
      values,
    ),
    pool.query<{ total: number; matching: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${filtered.length ? filtered.join(" AND ") : "TRUE"})::int AS matching
         FROM "CustomerScore" WHERE ${inGroup.join(" AND ")}`,
      countValues,
    ),
  ]);
  const more = rows.rows.length > pageSize;
  const page = rows.rows.slice(0, pageSize);
  if (backwards) page.reverse();
  const customers = page.map(
    (r): SegmentCustomer => ({
      customerId: r.id,
      segment: r.segment,
      segmentName: SEGMENT_NAMES[r.segment as keyof typeof SEGMENT_NAMES] ?? r.segment,
      r: r.r,
      f: r.f,
      m: r.m,
      churnProbability: r.churn,
      predictedClv12m: r.clv,
      monetaryMinor: r.spent,
      recencyDays: r.recency,
      traits: r.traits,
      holdout: r.holdout,
    }),
  );
  const boundary = (r: PageRow | undefined): Cursor | null => (r ? { value: r.sort_value, customerId: r.id } : null);
  return {
    groupCustomers: counts.rows[0].total,
    matchingCustomers: counts.rows[0].matching,
    customers,
    hasNext: backwards ? true : more,
    hasPrevious: backwards ? more : query.after !== null,
    nextCursor: boundary(page.at(-1)),
    previousCursor: boundary(page[0]),
  };
}

// ---------------------------------------------------------------- export ----

interface ExportRow {
  id: string;
  segment: string;
  r: number;
  f: number;
  m: number;
  frequency: number;
  recency: number;
  spent: string;
  churn: number;
  churn_model: string;
  clv: number;
  next_order: string | null;
  traits: string[];
  holdout: boolean;
  scored_at: string;
}

export const EXPORT_BATCH = 2000;

/**
 * The group's customers (with the filters) in customer id order, `batchSize` at a time: each
 * batch is one keyset query after the last id, so a whole segment is read without holding it
 * in memory and without a connection or transaction held between batches. Stop early with
 * `return()`; the iterator holds nothing to release.
 */
export async function* readSegmentExport(found: FoundGroup, filters: ListFilters, batchSize: number = EXPORT_BATCH): AsyncGenerator<SegmentExportRow[]> {
  let after: string | null = null;
  for (;;) {
    const values: unknown[] = [];
    const conditions = [...groupConditions(found.shopId, found.group, values), ...filterConditions(filters, values)];
    if (after !== null) conditions.push(param(values, after, (p) => `"customerId" > ${p}::bigint`));
    const limit = param(values, batchSize, (p) => p);
    const { rows } = await pool.query<ExportRow>(
      `SELECT "customerId"::text AS id, segment, r, f, m, frequency, "recencyDays" AS recency, "monetaryMinor"::text AS spent,
              "churnProbability" AS churn, "churnModel" AS churn_model, "predictedClv12m" AS clv,
              to_char("expectedNextOrderAt", 'YYYY-MM-DD') AS next_order, traits, holdout,
              to_char("asOf", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS scored_at
         FROM "CustomerScore" WHERE ${conditions.join(" AND ")}
        ORDER BY "customerId" LIMIT ${limit}`,
      values,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      customerId: r.id,
      segment: r.segment,
      r: r.r,
      f: r.f,
      m: r.m,
      frequency: r.frequency,
      recencyDays: r.recency,
      monetaryMinor: r.spent,
      churnProbability: r.churn,
      churnModel: r.churn_model,
      predictedClv12m: r.clv,
      expectedNextOrderDate: r.next_order,
      traits: r.traits,
      holdout: r.holdout,
      scoredAt: r.scored_at,
    }));
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1].id;
  }
}
