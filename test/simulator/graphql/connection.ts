// Cursor connections (edges/nodes/pageInfo) over in-memory lists, with
// Shopify's argument rules: first or last required, at most 250 per page,
// opaque cursors of (id, sort value). Bulk exports take everything.
import { GraphQLError } from "graphql";
import type { Env } from "./env";

const MAX_PAGE = 250;

export type SortVal = string | number;
export interface Keyed<T> {
  item: T;
  id: number;
  v: SortVal;
}

function encodeCursor(id: number, v: SortVal): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: v })).toString("base64");
}
function decodeCursor(c: string): { id: number; v: SortVal } {
  try {
    const o = JSON.parse(Buffer.from(c, "base64").toString("utf8"));
    if (typeof o.last_id !== "number") throw new Error();
    return { id: o.last_id, v: o.last_value };
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
  }
}

function cmp(a: { v: SortVal; id: number }, b: { v: SortVal; id: number }): number {
  if (a.v < b.v) return -1;
  if (a.v > b.v) return 1;
  return a.id - b.id;
}

export interface ConnArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export function connection<T>(env: Pick<Env, "bulk">, args: ConnArgs, items: Keyed<T>[], view: (t: T) => unknown, maxPage = MAX_PAGE) {
  const dir = args.reverse ? -1 : 1;
  const sorted = [...items].sort((a, b) => dir * cmp(a, b));
  let slice = sorted;
  let hasNext = false;
  let hasPrev = false;
  if (!env.bulk) {
    if (args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    for (const [k, v] of [["first", args.first], ["last", args.last]] as const) {
      if (v != null && (v < 0 || v > maxPage)) throw new GraphQLError(`The ${k} argument must be between 0 and ${maxPage}.`, { extensions: { code: "BAD_REQUEST" } });
    }
    if (args.after) {
      const c = decodeCursor(args.after);
      const idx = slice.findIndex((x) => dir * cmp(x, c) > 0);
      hasPrev = idx !== 0;
      slice = idx < 0 ? [] : slice.slice(idx);
    }
    if (args.before) {
      const c = decodeCursor(args.before);
      const idx = slice.findIndex((x) => dir * cmp(x, c) >= 0);
      if (idx >= 0) {
        hasNext = true;
        slice = slice.slice(0, idx);
      }
    }
    if (args.first != null) {
      if (slice.length > args.first) hasNext = true;
      slice = slice.slice(0, args.first);
    }
    if (args.last != null) {
      if (slice.length > args.last) hasPrev = true;
      slice = slice.slice(Math.max(0, slice.length - args.last));
    }
  }
  if (env.bulk) return lazyConnection(slice, view);
  const edges = slice.map((x) => ({ cursor: encodeCursor(x.id, x.v), node: view(x.item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: hasPrev,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/**
 * A bulk export's connection: edges and nodes are built as they are iterated, so a
 * store of millions of orders is never held as views all at once.
 */
class LazyList<T, U> implements Iterable<U> {
  constructor(
    private readonly items: Keyed<T>[],
    private readonly make: (x: Keyed<T>) => U,
  ) {}
  get length(): number {
    return this.items.length;
  }
  *[Symbol.iterator](): Iterator<U> {
    for (const x of this.items) yield this.make(x);
  }
}

function lazyConnection<T>(slice: Keyed<T>[], view: (t: T) => unknown) {
  const first = slice[0];
  const last = slice[slice.length - 1];
  return {
    edges: new LazyList(slice, (x) => ({
      get cursor() {
        return encodeCursor(x.id, x.v);
      },
      node: view(x.item),
    })),
    nodes: new LazyList(slice, (x) => view(x.item)),
    pageInfo: {
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: first ? encodeCursor(first.id, first.v) : null,
      endCursor: last ? encodeCursor(last.id, last.v) : null,
    },
  };
}

/** The `*Count` fields: exact up to the limit (default 10,000), "at least" beyond. */
export function countOf(n: number, limit: number | null | undefined) {
  const lim = limit ?? 10000;
  return n > lim ? { count: lim, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
}
