// The one cursor loop for Admin API connections.
import type { ShopifyAdminClient } from "./admin-client.server";
import type { AdminQueries, AdminResult, AdminVariables } from "./admin-operations";

/** A connection as a paginated document selects it: `nodes` and `pageInfo { hasNextPage endCursor }`. */
export interface ConnectionPage<N> {
  nodes: N[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** A generated query document with an `$after` variable (the cursor paginate() supplies). */
export type PaginatedQuery = {
  [D in keyof AdminQueries]: "after" extends keyof AdminQueries[D]["variables"] ? D : never;
}[keyof AdminQueries];

export interface PaginateOptions {
  /** Expected cost of one page, for the client's pacing (default: the last request's cost). */
  expectedCost?: number;
}

/**
 * Pages through a connection: runs `query` with `variables` and `after: null`,
 * yields the page's nodes (an empty first page too), then follows
 * `pageInfo.endCursor` while `pageInfo.hasNextPage`. `query` is a generated
 * `#graphql` query that declares `$after: String` and selects
 * `nodes { ... } pageInfo { hasNextPage endCursor }` on the connection;
 * `select` picks that connection out of the result. Each page is one
 * `client.request` (paced, THROTTLED retried).
 *
 * @example
 * const SEGMENTS_QUERY = `#graphql
 *   query RfmSegments($after: String) {
 *     segments(first: 250, after: $after) {
 *       nodes { id name query }
 *       pageInfo { hasNextPage endCursor }
 *     }
 *   }`;
 *
 * for await (const segments of paginate(client, SEGMENTS_QUERY, {}, (data) => data.segments)) {
 *   for (const segment of segments) names.push(segment.name); // typed from the document
 * }
 */
export async function* paginate<D extends PaginatedQuery, N>(
  client: ShopifyAdminClient,
  query: D,
  variables: Omit<AdminVariables<D>, "after">,
  select: (data: AdminResult<D>) => ConnectionPage<N>,
  options: PaginateOptions = {},
): AsyncGenerator<N[], void, undefined> {
  let after: string | null = null;
  do {
    const data: AdminResult<D> = await client.request<AdminResult<D>>(query, { ...variables, after }, options.expectedCost);
    const connection = select(data);
    yield connection.nodes;
    after = connection.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null;
  } while (after);
}
