// The one gateway to the Admin GraphQL API for background work. It paces
// itself from `throttleStatus` and retries THROTTLED responses after the wait
// the bucket needs, so a job never fails because Shopify throttled it.
import { GraphqlQueryError, HttpRequestError, HttpRetriableError } from "@shopify/shopify-api";
import type { AdminDocument, AdminResult, AdminVariables } from "./admin-operations";
import { requestedCostOf, throttleStatusOf, waitBeforeRequestMs, type ThrottleStatus } from "./throttle-pacing";
import { sleep } from "./wait";
import { adminApiMetrics } from "../metrics.server";

const MAX_THROTTLE_RETRIES = 50;
const MAX_TRANSIENT_RETRIES = 4;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class ShopifyUserError extends Error {
  constructor(
    readonly operation: string,
    readonly userErrors: { field?: string[] | null; message: string; code?: string | null }[],
  ) {
    super(`${operation}: ${userErrors.map((e) => `${(e.field ?? []).join(".")} ${e.message}`.trim()).join("; ")}`);
  }
}

export class ShopNotInstalledError extends Error {
  name = "ShopNotInstalledError";
}

/** Shopify refused the shop's refresh token: nothing works until the merchant opens the app. */
export class ShopReauthRequiredError extends Error {
  name = "ShopReauthRequiredError";
}

interface GraphqlBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[] | { graphQLErrors?: { message: string; extensions?: { code?: string } }[] };
  extensions?: unknown;
}

function graphQLErrorsOf(body: GraphqlBody): { message: string; extensions?: { code?: string } }[] {
  if (!body.errors) return [];
  return Array.isArray(body.errors) ? body.errors : (body.errors.graphQLErrors ?? []);
}


export interface AdminRequestStats {
  requests: number;
  throttledResponses: number;
  waitedMs: number;
  /** Sum of the points Shopify charged (extensions.cost.actualQueryCost). */
  costCharged: number;
}

/**
 * The arguments after a generated document: its variables (optional when it
 * has no required variable), then the expected cost.
 */
export type AdminRequestArgs<D extends AdminDocument> = Partial<AdminVariables<D>> extends AdminVariables<D>
  ? [variables?: AdminVariables<D>, expectedCost?: number]
  : [variables: AdminVariables<D>, expectedCost?: number];

/** A query string that is not a generated document (those take the typed overload). */
type UntypedDocument<S extends string> = S extends AdminDocument ? never : S;

export class ShopifyAdminClient {
  private status: ThrottleStatus | undefined;
  private statusAt = 0;
  private lastCost = 10;
  readonly stats: AdminRequestStats = { requests: 0, throttledResponses: 0, waitedMs: 0, costCharged: 0 };

  private readonly timeoutMs: number;

  constructor(
    readonly shop: string,
    private readonly graphql: GraphqlFunction,
    /** timeoutMs: a request without an answer by then is abandoned and retried (a hung connection never blocks a job). */
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Last throttle status Shopify reported (for pacing and benchmarks). */
  get throttleStatus(): ThrottleStatus | undefined {
    return this.status;
  }

  /**
   * Runs one operation and returns its `data`.
   *
   * A `#graphql` document from app/shopify/ (after `npm run graphql:codegen`)
   * is typed from app/types/admin.generated.d.ts: its variables are checked
   * and the result inferred.
   *
   *     const data = await client.request(ORDER_QUERY, { id }); // data.order: typed
   *
   * Any other string (e.g. a mutation assembled at run time) is untyped: give
   * the result type explicitly, `client.request<{ ... }>(query, variables)`.
   */
  request<D extends AdminDocument>(query: D, ...args: AdminRequestArgs<D>): Promise<AdminResult<D>>;
  request<T = unknown, S extends string = string>(query: UntypedDocument<S>, variables?: Record<string, unknown>, expectedCost?: number): Promise<T>;
  async request(query: string, variables?: Record<string, unknown>, expectedCost?: number): Promise<unknown> {
    let throttled = 0;
    let transient = 0;
    for (;;) {
      const cost = expectedCost ?? this.lastCost;
      const wait = waitBeforeRequestMs(this.status, cost, Date.now() - this.statusAt);
      if (wait > 0) {
        this.stats.waitedMs += wait;
        adminApiMetrics.waited(wait);
        await sleep(wait);
      }
      this.stats.requests++;
      adminApiMetrics.request();
      let body: GraphqlBody;
      try {
        body = (await (await this.graphql(query, { variables, signal: AbortSignal.timeout(this.timeoutMs) })).json()) as GraphqlBody;
      } catch (error) {
        if (error instanceof GraphqlQueryError) {
          body = error.body as GraphqlBody;
        } else if (transient < MAX_TRANSIENT_RETRIES && isTransient(error)) {
          transient++;
          await sleep(250 * 2 ** transient);
          continue;
        } else {
          throw error;
        }
      }
      this.remember(body.extensions);
      const errors = graphQLErrorsOf(body);
      if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
        this.stats.throttledResponses++;
        adminApiMetrics.throttled();
        if (++throttled > MAX_THROTTLE_RETRIES) throw new Error(`${this.shop}: still THROTTLED after ${throttled} retries`);
        if (!this.status) await sleep(1000);
        continue;
      }
      if (errors.length > 0) throw new Error(`${this.shop}: GraphQL error: ${errors.map((e) => e.message).join("; ")}`);
      return body.data;
    }
  }

  private remember(extensions: unknown): void {
    const status = throttleStatusOf(extensions);
    if (status) {
      this.status = status;
      this.statusAt = Date.now();
    }
    this.lastCost = requestedCostOf(extensions) ?? this.lastCost;
    const actual = (extensions as { cost?: { actualQueryCost?: number | null } } | undefined)?.cost?.actualQueryCost;
    if (typeof actual === "number") this.stats.costCharged += actual;
  }
}

/**
 * Worth another try: any 5xx or 429 (the library's HttpRetriableError), and no
 * answer at all (HttpRequestError: connection reset or refused, or our own
 * timeout). Anything else (401, 403, 404, a GraphQL error) is not.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof HttpRetriableError || error instanceof HttpRequestError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /ECONNRESET|ETIMEDOUT|socket hang up|fetch failed|aborted due to timeout|50[0234]/.test(message);
}

/** The library's admin GraphQL function (from an admin context on the shop's session). */
export type GraphqlFunction = (query: string, options: { variables?: Record<string, unknown>; signal?: AbortSignal }) => Promise<Response>;
