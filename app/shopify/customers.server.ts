// A customer's current tags, read when Shopify announces a tag change
// (customer.tags_added / customer.tags_removed carry no full tag list the app
// relies on). The tags are returned for the opt-out check and never stored.
import type { ShopifyAdminClient } from "./admin-client.server";
import { gidOf } from "./gid";

const CUSTOMER_TAGS_QUERY = `#graphql
  query RfmCustomerTags($id: ID!) {
    customer(id: $id) { id tags }
  }`;

/** The customer's tags, or null when Shopify has no such customer (deleted). */
export async function fetchCustomerTags(client: ShopifyAdminClient, customerId: bigint): Promise<string[] | null> {
  const data = await client.request(CUSTOMER_TAGS_QUERY, { id: gidOf("Customer", customerId) }, 2);
  return data.customer ? [...data.customer.tags] : null;
}
