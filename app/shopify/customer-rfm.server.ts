// Shopify's own RFM group of customers (Customer.statistics.rfmGroup, Admin API 2025-04 and
// later, read_customers), for the model-quality page's comparison with the app's segments.
// Read on demand for a sample of customers and never stored.
import type { ShopifyAdminClient } from "./admin-client.server";
import { gidOf, legacyId } from "./gid";

/** Shopify's limit on ids in one nodes(ids:) query. */
export const RFM_IDS_PER_QUERY = 250;

const RFM_GROUPS_QUERY = `#graphql
  query RfmCustomerRfmGroups($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Customer { id statistics { rfmGroup } } }
  }`;

export interface CustomerRfmGroupOf {
  customerId: bigint;
  /** Shopify's CustomerRfmGroup (CHAMPIONS, LOYAL, …), null when Shopify has none for the customer. */
  rfmGroup: string | null;
}

/** The RFM group of each customer Shopify knows (deleted customers are left out). */
export async function customerRfmGroups(client: ShopifyAdminClient, customerIds: readonly bigint[]): Promise<CustomerRfmGroupOf[]> {
  const found: CustomerRfmGroupOf[] = [];
  for (let start = 0; start < customerIds.length; start += RFM_IDS_PER_QUERY) {
    const ids = customerIds.slice(start, start + RFM_IDS_PER_QUERY).map((id) => gidOf("Customer", id));
    const data = await client.request(RFM_GROUPS_QUERY, { ids });
    for (const node of data.nodes) {
      if (node && "statistics" in node) found.push({ customerId: legacyId(node.id), rfmGroup: node.statistics.rfmGroup ?? null });
    }
  }
  return found;
}
