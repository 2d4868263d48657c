// Product types by product id, for webhook line items: the REST order payload's
// line items carry product_id but no product type. Reading Product needs the
// read_products access scope.
import type { ShopifyAdminClient } from "./admin-client.server";
import { gidOf, legacyId } from "./gid";

/** Shopify's limit on ids in one nodes(ids:) query. */
const IDS_PER_QUERY = 250;

const PRODUCT_TYPES_QUERY = `#graphql
  query RfmProductTypes($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Product { id productType } }
  }`;

export interface ProductTypeOf {
  productId: bigint;
  /** "" when the product has no type. */
  productType: string;
}

/** The types of the products that exist; ids Shopify does not know (deleted products) are left out. */
export async function productTypes(client: ShopifyAdminClient, productIds: readonly bigint[]): Promise<ProductTypeOf[]> {
  const found: ProductTypeOf[] = [];
  for (let start = 0; start < productIds.length; start += IDS_PER_QUERY) {
    const ids = productIds.slice(start, start + IDS_PER_QUERY).map((id) => gidOf("Product", id));
    const data = await client.request(PRODUCT_TYPES_QUERY, { ids });
    for (const node of data.nodes) {
      if (node && "productType" in node) found.push({ productId: legacyId(node.id), productType: node.productType });
    }
  }
  return found;
}
