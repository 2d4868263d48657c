// App-owned customer metafield definitions ($app:rfm.*), created idempotently
// at install (and checked before each write-back).
//
// Namespace: "$app:rfm". Shopify turns "$app" into the app's reserved
// namespace "app--{api_client_id}--rfm", so only this app can write them;
// admin access MERCHANT_READ lets merchants see them (customer page, segment
// editor). Segment filtering: Shopify lets a customer segment filter on any
// customer metafield that HAS A DEFINITION and whose type is date/time,
// number, text or true/false, so the definition itself is what makes the
// fields usable as segment filters. The `adminFilterable` /
// `smartCollectionCondition` capabilities are about admin list filters and
// smart collections (products), not customer segments, so none are requested.
import type { ShopifyAdminClient } from "./admin-client.server";
import { ShopifyUserError } from "./admin-client.server";
import { paginate } from "./paginate.server";
import { METAFIELD_NAMESPACE, METAFIELD_TYPES, type MetafieldKey } from "../domain/writeback-plan";

export const METAFIELD_DEFINITIONS: { key: MetafieldKey; name: string; description: string }[] = [
  { key: "segment", name: "RFM segment", description: "RFM segment key, e.g. champions, at_risk" },
  { key: "r_score", name: "RFM recency score", description: "Recency score 1..5 (5 = most recent)" },
  { key: "f_score", name: "RFM frequency score", description: "Frequency score 1..5 (1 = bought once)" },
  { key: "m_score", name: "RFM monetary score", description: "Monetary score 1..5" },
  { key: "churn_probability", name: "Churn probability", description: "Probability of no purchase in the churn horizon (0..1)" },
  { key: "churn_model", name: "Churn model", description: "The model that produced the churn probability: bgnbd, supervised or heuristic" },
  { key: "predicted_clv_12m", name: "Predicted 12-month value", description: "Predicted customer value over the next 12 months, shop currency" },
  { key: "expected_purchases_90d", name: "Expected purchases (90 days)", description: "Expected number of purchases in the next 90 days" },
  { key: "traits", name: "Behavioural traits", description: "Trait keys, e.g. discount_seeker, due_to_reorder (absent when none)" },
  { key: "expected_next_order_date", name: "Expected next order date", description: "Last order day plus the customer's typical gap (absent with fewer than 2 orders)" },
  { key: "scored_at", name: "RFM scored at", description: "As-of time of the written scores" },
];

const DEFINITIONS_QUERY = `#graphql
  query RfmDefinitions($after: String, $namespace: String) {
    metafieldDefinitions(first: 50, after: $after, ownerType: CUSTOMER, namespace: $namespace) {
      nodes { id key type { name } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const DEFINITION_CREATE_MUTATION = `#graphql
  mutation RfmDefinitionCreate($definition: MetafieldDefinitionInput!) {
    metafieldDefinitionCreate(definition: $definition) {
      createdDefinition { id key }
      userErrors { field message code }
    }
  }`;

export interface EnsureDefinitionsResult {
  created: string[];
  existing: string[];
}

/** Create every missing definition; existing ones (same namespace and key) are left alone. */
export async function ensureMetafieldDefinitions(client: ShopifyAdminClient): Promise<EnsureDefinitionsResult> {
  const existing = new Set<string>();
  const pages = paginate(client, DEFINITIONS_QUERY, { namespace: METAFIELD_NAMESPACE }, (data) => data.metafieldDefinitions);
  for await (const definitions of pages) for (const d of definitions) existing.add(d.key);

  const created: string[] = [];
  for (const def of METAFIELD_DEFINITIONS) {
    if (existing.has(def.key)) continue;
    const data = await client.request(
      DEFINITION_CREATE_MUTATION,
      {
        definition: {
          name: def.name,
          namespace: METAFIELD_NAMESPACE,
          key: def.key,
          description: def.description,
          type: METAFIELD_TYPES[def.key],
          ownerType: "CUSTOMER",
          access: { admin: "MERCHANT_READ" },
        },
      },
      10,
    );
    const r = data.metafieldDefinitionCreate;
    if (!r) throw new Error("metafieldDefinitionCreate returned no payload");
    if (r.userErrors.some((e) => e.code === "TAKEN")) continue; // created concurrently
    if (r.userErrors.length || !r.createdDefinition) throw new ShopifyUserError("metafieldDefinitionCreate", r.userErrors);
    created.push(def.key);
  }
  return { created, existing: [...existing] };
}
