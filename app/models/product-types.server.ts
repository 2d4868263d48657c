// Product id → product type per shop (merchant catalogue data, nothing personal):
// filled by the bulk import (each batch's products; staged line items' in
// mergeStagedLineItems) and by Admin API look-ups, read to type webhook line items, which carry product_id only.
import { pool, type Queryable } from "../db-pool.server";

/** The stored types of these products ("" = the product has no type); unknown ids are absent. */
export async function loadProductTypes(shopId: string, productIds: readonly bigint[], db: Queryable = pool): Promise<Map<bigint, string>> {
  if (productIds.length === 0) return new Map();
  const result = await db.query<[string, string]>({
    text: `select "productId"::text, "productType" from "ProductType" where "shopId" = $1 and "productId" = any($2::bigint[])`,
    values: [shopId, productIds.map(String)],
    rowMode: "array",
  });
  return new Map(result.rows.map(([id, type]) => [BigInt(id), type]));
}

/** Records products' types (a product's type can change: the newest wins). */
export async function upsertProductTypes(
  shopId: string,
  products: readonly { productId: bigint; productType: string }[],
  db: Queryable = pool,
): Promise<void> {
  if (products.length === 0) return;
  await db.query(
    `insert into "ProductType" ("shopId", "productId", "productType", "updatedAt")
     select distinct on (u.product_id) $1, u.product_id, u.product_type, now()
     from unnest($2::bigint[], $3::text[]) as u(product_id, product_type)
     order by u.product_id
     on conflict ("shopId", "productId") do update set "productType" = excluded."productType", "updatedAt" = excluded."updatedAt"`,
    [shopId, products.map((p) => p.productId.toString()), products.map((p) => p.productType)],
  );
}
