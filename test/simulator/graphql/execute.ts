// Executes one Admin GraphQL request the way Shopify answers it: parse,
// validate, static cost, leaky-bucket admission, execute, refund, and an
// `extensions.cost` block on every response.
import { execute, parse, validate, GraphQLError, type DocumentNode } from "graphql";
import type { SimShop } from "../model";
import { MAX_QUERY_COST } from "../throttle";
import { actualCost, CostError, operationOf, requestedCost } from "./cost";
import { createRoot } from "./resolvers";
import { adminSchema } from "./schema";
import type { GraphqlResult, ServerState } from "../state";

export interface GraphqlBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

function errJson(e: GraphQLError) {
  return e.toJSON();
}

/** Execute without throttling (bulk operations, internal use). */
export async function executeUnthrottled(
  state: ServerState,
  shop: SimShop,
  doc: DocumentNode,
  variables: Record<string, unknown>,
  opts: { bulk: boolean; operationName?: string | null },
): Promise<GraphqlResult> {
  const schema = adminSchema();
  const root = createRoot({ state, shop, bulk: opts.bulk });
  const res = await execute({ schema, document: doc, rootValue: root, variableValues: variables, operationName: opts.operationName ?? undefined });
  const out: GraphqlResult = { data: res.data ?? null };
  if (res.errors?.length) out.errors = res.errors.map(errJson);
  return out;
}

export async function runAdminGraphql(state: ServerState, shop: SimShop, appKey: string, body: GraphqlBody): Promise<GraphqlResult> {
  const schema = adminSchema();
  if (!body.query || typeof body.query !== "string") {
    return { errors: [{ message: "No query string was present" }] };
  }
  let doc: DocumentNode;
  try {
    doc = parse(body.query);
  } catch (e) {
    return { errors: [errJson(e as GraphQLError)] };
  }
  const validation = validate(schema, doc);
  if (validation.length) return { errors: validation.map(errJson) };
  const op = operationOf(doc, body.operationName);
  if (!op) return { errors: [{ message: body.operationName ? `No operation named "${body.operationName}"` : "An operation name is required" }] };
  const variables = body.variables ?? {};

  let requested: number;
  try {
    requested = requestedCost(schema, doc, op, variables);
  } catch (e) {
    if (e instanceof CostError) return { errors: [{ message: e.message, extensions: { code: "BAD_REQUEST" } }] };
    throw e;
  }
  const bucket = state.throttle.bucket(appKey, shop.domain, shop.plan);
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
            "cost of a query is calculated.\n\n" +
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
            "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST },
        },
      ],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
    };
  }
  if (!bucket.take(requested)) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
    };
  }
  const res = await executeUnthrottled(state, shop, doc, variables, { bulk: false, operationName: body.operationName });
  const actual = Math.min(requested, actualCost(schema, doc, op, variables, res.data as Record<string, unknown>));
  bucket.refund(requested - actual);
  res.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } };
  return res;
}
