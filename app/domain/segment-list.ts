// What a segment page lists and how (pure; the client bundle may use it): which
// group of customers a page key names (an RFM segment, a trait or a discovered
// segment), the sort keys, the churn bands, and the keyset cursor a page hands
// to the next one. The queries themselves are in app/models/segment-customers.server.ts.
import { SEGMENT_KEYS, type SegmentKey } from "./segment-map";
import { WRITABLE_TRAITS, type WritableTrait } from "./settings";

/** A group of customers with a page of its own. */
export type SegmentGroup = { kind: "segment"; segment: SegmentKey } | { kind: "trait"; trait: WritableTrait } | { kind: "cluster"; id: number };

const isSegment = (s: string): s is SegmentKey => (SEGMENT_KEYS as readonly string[]).includes(s);
export const isTrait = (s: string): s is WritableTrait => (WRITABLE_TRAITS as readonly string[]).includes(s);

/** `at_risk`, `trait:discount_seeker` or `cluster:3`; null for anything else. */
export function parseGroupKey(key: string | undefined): SegmentGroup | null {
  if (!key) return null;
  if (isSegment(key)) return { kind: "segment", segment: key };
  if (key.startsWith("trait:")) {
    const trait = key.slice("trait:".length);
    return isTrait(trait) ? { kind: "trait", trait } : null;
  }
  const cluster = /^cluster:(0|[1-9]\d{0,8})$/.exec(key);
  return cluster ? { kind: "cluster", id: Number(cluster[1]) } : null;
}

/** The page key of a group (inverse of parseGroupKey). */
export function groupKey(group: SegmentGroup): string {
  if (group.kind === "segment") return group.segment;
  if (group.kind === "trait") return `trait:${group.trait}`;
  return `cluster:${group.id}`;
}

/** Sortable columns, in the order the table shows them. */
export const SORT_KEYS = ["r", "f", "m", "churn", "clv", "spent", "recency"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";

/** Whole numbers (r, f, m, recency in days, spent in minor units) or floats (churn, clv). */
export const SORT_VALUE_KIND: Record<SortKey, "int" | "float"> = {
  r: "int",
  f: "int",
  m: "int",
  churn: "float",
  clv: "float",
  spent: "int",
  recency: "int",
};

/** Churn probability bands: [min, max), the last one closed at 1. */
export const CHURN_BANDS = {
  lt25: { label: "Below 25 %", min: 0, max: 0.25 },
  "25to50": { label: "25–50 %", min: 0.25, max: 0.5 },
  "50to75": { label: "50–75 %", min: 0.5, max: 0.75 },
  ge75: { label: "75 % and above", min: 0.75, max: null },
} as const;
export type ChurnBand = keyof typeof CHURN_BANDS;
const isChurnBand = (s: string): s is ChurnBand => Object.hasOwn(CHURN_BANDS, s);

export const PAGE_SIZE = 50;
export const DEFAULT_SORT: { sort: SortKey; dir: SortDirection } = { sort: "clv", dir: "desc" };

/** Where a page starts: after the last row of the previous page, or before the first row of the next one. */
export interface Cursor {
  /** The sort column's value of the boundary row, as PostgreSQL prints it (exact for floats too). */
  value: string;
  /** The boundary row's customer id: ties on the sort value are broken by it. */
  customerId: string;
}

export interface ListFilters {
  churn: ChurnBand | null;
  trait: WritableTrait | null;
}

export interface ListQuery extends ListFilters {
  sort: SortKey;
  dir: SortDirection;
  after: Cursor | null;
  before: Cursor | null;
}

const INT_VALUE = /^-?\d{1,19}$/;
const FLOAT_VALUE = /^(-?(\d+(\.\d+)?|\.\d+)(e[-+]?\d+)?|NaN|-?Infinity)$/i;

/** `<value>_<customer id>`: the search parameter form of a cursor. */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor.value}_${cursor.customerId}`;
}

export function decodeCursor(text: string, sort: SortKey): Cursor | null {
  const at = text.lastIndexOf("_");
  if (at <= 0) return null;
  const value = text.slice(0, at);
  const customerId = text.slice(at + 1);
  if (!/^\d{1,19}$/.test(customerId)) return null;
  if (!(SORT_VALUE_KIND[sort] === "int" ? INT_VALUE : FLOAT_VALUE).test(value)) return null;
  return { value, customerId };
}

/** The page's search parameters (sort, dir, churn, trait, after, before), or what is wrong with them. */
export function parseListQuery(params: URLSearchParams): { ok: true; query: ListQuery } | { ok: false; error: string } {
  const sort = params.get("sort") ?? DEFAULT_SORT.sort;
  if (!(SORT_KEYS as readonly string[]).includes(sort)) return { ok: false, error: `Unknown sort "${sort}"` };
  const dir = params.get("dir") ?? DEFAULT_SORT.dir;
  if (dir !== "asc" && dir !== "desc") return { ok: false, error: `Unknown sort direction "${dir}"` };
  const churn = params.get("churn") || null;
  if (churn !== null && !isChurnBand(churn)) return { ok: false, error: `Unknown churn band "${churn}"` };
  const trait = params.get("trait") || null;
  if (trait !== null && !isTrait(trait)) return { ok: false, error: `Unknown trait "${trait}"` };
  const cursor = (name: "after" | "before") => {
    const text = params.get(name);
    return text ? decodeCursor(text, sort as SortKey) : null;
  };
  const after = cursor("after");
  const before = cursor("before");
  if ((params.get("after") && !after) || (params.get("before") && !before)) return { ok: false, error: "Malformed page cursor" };
  if (after && before) return { ok: false, error: "A page has either an after or a before cursor, not both" };
  return { ok: true, query: { sort: sort as SortKey, dir, churn, trait, after, before } };
}

/** Search parameters for a list query (defaults left out), for links between pages. */
export function listSearch(q: Partial<ListQuery>): string {
  const p = new URLSearchParams();
  const sort = q.sort ?? DEFAULT_SORT.sort;
  const dir = q.dir ?? DEFAULT_SORT.dir;
  if (sort !== DEFAULT_SORT.sort || dir !== DEFAULT_SORT.dir) {
    p.set("sort", sort);
    p.set("dir", dir);
  }
  if (q.churn) p.set("churn", q.churn);
  if (q.trait) p.set("trait", q.trait);
  if (q.after) p.set("after", encodeCursor(q.after));
  if (q.before) p.set("before", encodeCursor(q.before));
  const s = p.toString();
  return s ? `?${s}` : "";
}
