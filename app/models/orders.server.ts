// Set-based order writes. Every upsert is guarded by Shopify's updated_at, so
// an older snapshot (a late webhook, a bulk file) never overwrites newer data,
// and replays are no-ops: the same events in any order converge.
import { prisma } from "../db.server";
import { pool, type Queryable } from "../db-pool.server";
import type { OrderRecord } from "../domain/order-record";

export async function upsertOrders(shopId: string, orders: OrderRecord[], db: Queryable = pool): Promise<number> {
  if (orders.length === 0) return 0;
  const result = await db.query(
    `insert into "Order" ("shopId", id, "customerId", "processedAt", "shopifyUpdatedAt", "cancelledAt", test,
        currency, "presentmentCurrency", "totalMinor", "refundedMinor", "discountCodes")
     select $1, u.id, u.customer_id, u.processed_at, u.updated_at, u.cancelled_at, u.test,
        u.currency, u.presentment_currency, u.total_minor, u.refunded_minor,
        coalesce((select array_agg(c) from jsonb_array_elements_text(u.discount_codes) c), '{}')
     from unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::bool[],
        $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::jsonb[])
       as u(id, customer_id, processed_at, updated_at, cancelled_at, test, currency, presentment_currency,
            total_minor, refunded_minor, discount_codes)
     on conflict ("shopId", id) do update set
        "customerId" = excluded."customerId",
        "processedAt" = excluded."processedAt",
        "shopifyUpdatedAt" = excluded."shopifyUpdatedAt",
        "cancelledAt" = excluded."cancelledAt",
        test = excluded.test,
        currency = excluded.currency,
        "presentmentCurrency" = excluded."presentmentCurrency",
        "totalMinor" = excluded."totalMinor",
        "refundedMinor" = excluded."refundedMinor",
        "discountCodes" = excluded."discountCodes"
     where "Order"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt"`,
    [
      shopId,
      orders.map((o) => o.id.toString()),
      orders.map((o) => o.customerId?.toString() ?? null),
      orders.map((o) => o.processedAt.toISOString()),
      orders.map((o) => o.updatedAt.toISOString()),
      orders.map((o) => o.cancelledAt?.toISOString() ?? null),
      orders.map((o) => o.test),
      orders.map((o) => o.currency),
      orders.map((o) => o.presentmentCurrency),
      orders.map((o) => o.totalMinor.toString()),
      orders.map((o) => o.refundedMinor.toString()),
      orders.map((o) => JSON.stringify(o.discountCodes)),
    ],
  );
  return result.rowCount ?? 0;
}

/** Stage bulk line items (children may come before their order). */
export async function stageLineItems(
  shopId: string,
  items: { lineItemId: bigint; orderId: bigint; productType: string }[],
  db: Queryable = pool,
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `insert into "BulkLineItemStage" ("shopId", "lineItemId", "orderId", "productType")
     select $1, u.line_item_id, u.order_id, u.product_type
     from unnest($2::bigint[], $3::bigint[], $4::text[]) as u(line_item_id, order_id, product_type)
     on conflict do nothing`,
    [
      shopId,
      items.map((i) => i.lineItemId.toString()),
      items.map((i) => i.orderId.toString()),
      items.map((i) => i.productType),
    ],
  );
}

/** Merge staged product types into orders, then clear the stage. */
export async function mergeStagedLineItems(shopId: string): Promise<number> {
  const merged = await pool.query(
    `update "Order" o set "productTypes" = s.types
     from (select "orderId", array_agg(distinct "productType" order by "productType") as types
           from "BulkLineItemStage" where "shopId" = $1 group by "orderId") s
     where o."shopId" = $1 and o.id = s."orderId"`,
    [shopId],
  );
  await pool.query(`delete from "BulkLineItemStage" where "shopId" = $1`, [shopId]);
  return merged.rowCount ?? 0;
}

export interface CustomerOrderTotals {
  customerId: bigint;
  countedOrders: number;
  netMinor: bigint;
}

/** Counted orders (not test, not cancelled) and net totals per customer. */
export async function countedTotalsByCustomer(shopId: string): Promise<CustomerOrderTotals[]> {
  const result = await pool.query<{ customer_id: string; orders: string; net: string }>(
    `select o."customerId" as customer_id, count(*) as orders, sum(o."totalMinor" - o."refundedMinor") as net
     from "Order" o join "Customer" c on c."shopId" = o."shopId" and c.id = o."customerId"
     where o."shopId" = $1 and not o.test and o."cancelledAt" is null and c."deletedAt" is null
     group by o."customerId"`,
    [shopId],
  );
  return result.rows.map((r) => ({ customerId: BigInt(r.customer_id), countedOrders: Number(r.orders), netMinor: BigInt(r.net) }));
}

/** The customer an order currently belongs to (null: guest order or unknown order). */
export async function customerOfOrder(shopId: string, orderId: bigint): Promise<bigint | null> {
  const order = await prisma.order.findUnique({ where: { shopId_id: { shopId, id: orderId } }, select: { customerId: true } });
  return order?.customerId ?? null;
}
