// Set-based order writes. Every upsert is guarded by Shopify's updated_at, so
// an older snapshot (a late webhook, a bulk file) never overwrites newer data,
// and replays are no-ops: the same events in any order converge.
import { prisma } from "../db.server";
import { inTransaction, pool, type Queryable } from "../db-pool.server";
import type { BulkLineItem, OrderRecord } from "../domain/order-record";

/**
 * Upserts orders. discountMinor and productTypeSpend are written when the record
 * carries them and kept as stored when it does not (a new row then gets 0 and no
 * types), so a source that lacks them (Admin API pages, bulk orders before the line
 * items merge) never erases what a webhook or the merge stored.
 */
export async function upsertOrders(shopId: string, orders: OrderRecord[], db: Queryable = pool): Promise<number> {
  // One statement per combination of known behaviour fields (each source has one).
  const groups = new Map<string, OrderRecord[]>();
  for (const order of orders) {
    const key = `${order.discountMinor !== undefined}|${order.productTypeSpend !== undefined}`;
    const group = groups.get(key);
    if (group) group.push(order);
    else groups.set(key, [order]);
  }
  let written = 0;
  for (const group of groups.values()) written += await upsertOrderGroup(shopId, group, db);
  return written;
}

async function upsertOrderGroup(shopId: string, orders: OrderRecord[], db: Queryable): Promise<number> {
  if (orders.length === 0) return 0;
  const withDiscount = orders[0].discountMinor !== undefined;
  const withTypes = orders[0].productTypeSpend !== undefined;
  const behaviourUpdates = [
    ...(withDiscount ? [`"discountMinor" = excluded."discountMinor"`] : []),
    ...(withTypes ? [`"productTypes" = excluded."productTypes"`, `"productTypeSpendMinor" = excluded."productTypeSpendMinor"`] : []),
  ];
  const result = await db.query(
    `insert into "Order" ("shopId", id, "customerId", "processedAt", "shopifyUpdatedAt", "cancelledAt", test,
        currency, "presentmentCurrency", "totalMinor", "refundedMinor", "discountCodes",
        "discountMinor", "productTypes", "productTypeSpendMinor")
     select $1, u.id, u.customer_id, u.processed_at, u.updated_at, u.cancelled_at, u.test,
        u.currency, u.presentment_currency, u.total_minor, u.refunded_minor,
        coalesce((select array_agg(c) from jsonb_array_elements_text(u.discount_codes) c), '{}'),
        u.discount_minor,
        coalesce((select array_agg(t order by k) from jsonb_array_elements_text(u.types -> 'types') with ordinality as e(t, k)), '{}'),
        coalesce((select array_agg(m::bigint order by k) from jsonb_array_elements_text(u.types -> 'spendMinor') with ordinality as e(m, k)), '{}')
     from unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::bool[],
        $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::jsonb[], $13::bigint[], $14::jsonb[])
       as u(id, customer_id, processed_at, updated_at, cancelled_at, test, currency, presentment_currency,
            total_minor, refunded_minor, discount_codes, discount_minor, types)
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
        "discountCodes" = excluded."discountCodes"${behaviourUpdates.map((u) => `,
        ${u}`).join("")}
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
      orders.map((o) => (o.discountMinor ?? 0n).toString()),
      orders.map((o) =>
        JSON.stringify({ types: o.productTypeSpend?.types ?? [], spendMinor: (o.productTypeSpend?.spendMinor ?? []).map(String) }),
      ),
    ],
  );
  return result.rowCount ?? 0;
}

/** Stage bulk line items (children may come before their order). */
export async function stageLineItems(shopId: string, items: BulkLineItem[], db: Queryable = pool): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `insert into "BulkLineItemStage" ("shopId", "lineItemId", "orderId", "productType", "productId", "spendMinor")
     select $1, u.line_item_id, u.order_id, u.product_type, u.product_id, u.spend_minor
     from unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[])
       as u(line_item_id, order_id, product_type, product_id, spend_minor)
     on conflict do nothing`,
    [
      shopId,
      items.map((i) => i.lineItemId.toString()),
      items.map((i) => i.orderId.toString()),
      items.map((i) => i.productType),
      items.map((i) => i.productId?.toString() ?? null),
      items.map((i) => i.spendMinor.toString()),
    ],
  );
}

/**
 * Merge the staged line items, set-based, in one transaction: each staged order gets
 * its distinct non-empty product types (sorted, "C" collation) and each type's summed
 * item spend; every staged product's type goes into ProductType (for webhook orders);
 * then the stage is cleared.
 */
export async function mergeStagedLineItems(shopId: string): Promise<number> {
  return inTransaction(async (db) => {
    const merged = await db.query(
      `update "Order" o set "productTypes" = s.types, "productTypeSpendMinor" = s.spends
       from (select "orderId",
                    coalesce(array_agg(type order by type collate "C") filter (where type <> ''), '{}') as types,
                    coalesce(array_agg(spend order by type collate "C") filter (where type <> ''), '{}') as spends
             from (select "orderId", "productType" as type, sum("spendMinor")::bigint as spend
                   from "BulkLineItemStage" where "shopId" = $1
                   group by "orderId", "productType") by_type
             group by "orderId") s
       where o."shopId" = $1 and o.id = s."orderId"`,
      [shopId],
    );
    await db.query(
      `insert into "ProductType" ("shopId", "productId", "productType", "updatedAt")
       select distinct on ("productId") $1, "productId", "productType", now()
       from "BulkLineItemStage" where "shopId" = $1 and "productId" is not null
       order by "productId"
       on conflict ("shopId", "productId") do update set "productType" = excluded."productType", "updatedAt" = excluded."updatedAt"`,
      [shopId],
    );
    await db.query(`delete from "BulkLineItemStage" where "shopId" = $1`, [shopId]);
    return merged.rowCount ?? 0;
  });
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
