// Set-based order writes. Every upsert is guarded by Shopify's updated_at, so
// an older snapshot (a late webhook, a bulk file) never overwrites newer data,
// and replays are no-ops: the same events in any order converge.
import { prisma } from "../db.server";
import type pg from "pg";
import { inTransaction, pool, type Queryable } from "../db-pool.server";
import { copyArray, copyRows, copyText, ensureStage } from "./copy.server";
import type { BulkLineItem, OrderRecord, ProductTypeSpend } from "../domain/order-record";

/** The columns every order upsert inserts, in this order. */
const ORDER_COLUMNS = `"shopId", id, "customerId", "processedAt", "shopifyUpdatedAt", "cancelledAt", test,
        currency, "presentmentCurrency", "totalMinor", "refundedMinor", "discountCodes",
        "discountMinor", "productTypes", "productTypeSpendMinor"`;

/** Replaced on every upsert; discountMinor and the product types only when the source carries them. */
const ORDER_UPDATED_COLUMNS = ["customerId", "processedAt", "shopifyUpdatedAt", "cancelledAt", "test", "currency", "presentmentCurrency", "totalMinor", "refundedMinor", "discountCodes"];

/**
 * The one conflict clause of the order upserts (webhooks, Admin API pages, the bulk import):
 * a snapshot replaces the stored row when its Shopify updated_at is the same or newer.
 */
function orderUpsertConflict(carries: { discount: boolean; types: boolean }): string {
  const columns = [
    ...ORDER_UPDATED_COLUMNS,
    ...(carries.discount ? ["discountMinor"] : []),
    ...(carries.types ? ["productTypes", "productTypeSpendMinor"] : []),
  ];
  return `on conflict ("shopId", id) do update set
        ${columns.map((c) => `"${c}" = excluded."${c}"`).join(",\n        ")}
     where "Order"."shopifyUpdatedAt" <= excluded."shopifyUpdatedAt"`;
}

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
  const carries = { discount: orders[0].discountMinor !== undefined, types: orders[0].productTypeSpend !== undefined };
  const result = await db.query(
    `insert into "Order" (${ORDER_COLUMNS})
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
     ${orderUpsertConflict(carries)}`,
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

const ORDER_STAGE = "bulk_order_stage";
const ORDER_STAGE_COLUMNS = `id bigint, customer_id bigint, processed_at timestamptz, updated_at timestamptz, cancelled_at timestamptz,
  test boolean, currency text, presentment_currency text, total_minor bigint, refunded_minor bigint, discount_codes text[],
  discount_minor bigint, product_types text[], product_type_spend bigint[]`;

/**
 * An order's row of the staging table in COPY's text format up to its product types: formatted
 * as soon as the bulk import reads the order (a string is all it keeps while the order's line
 * items come in, instead of the record's dates and bigints), completed by bulkOrderRow. Joined
 * from an array: a flat string of about 130 bytes, where a template literal keeps a tree of its
 * pieces (about 680 bytes an order, measured), which the young-generation GC copies and promotes.
 */
export function bulkOrderRowHead(o: OrderRecord): string {
  return [
    o.id.toString(),
    o.customerId === null ? "\\N" : o.customerId.toString(),
    o.processedAt.toISOString(),
    o.updatedAt.toISOString(),
    o.cancelledAt ? o.cancelledAt.toISOString() : "\\N",
    o.test ? "t" : "f",
    copyText(o.currency),
    copyText(o.presentmentCurrency),
    o.totalMinor.toString(),
    o.refundedMinor.toString(),
    copyArray(o.discountCodes),
    (o.discountMinor ?? 0n).toString(),
  ].join("\t");
}

/** An order's full staging row: its head and its item spend per product type. */
export function bulkOrderRow(head: string, spend: ProductTypeSpend | undefined): string {
  return `${head}\t${copyArray(spend?.types ?? [])}\t${copyArray(spend?.spendMinor ?? [])}`;
}

/** Orders as rows of the staging table, in COPY's text format (built before the batch's transaction). */
export function bulkOrderRows(orders: readonly OrderRecord[]): string[] {
  return orders.map((o) => bulkOrderRow(bulkOrderRowHead(o), o.productTypeSpend));
}

/**
 * Upserts a bulk import batch of orders (bulkOrderRows) through COPY into a staging table and
 * one merge, with the same updated_at guard as upsertOrders. Each order carries its discount
 * and its item spend per product type (resolved from its line items as the batch was read);
 * the customers the orders name are created when not stored yet (in id order, like every
 * insert into "Customer"). Runs inside the batch's transaction.
 */
export async function copyBulkOrders(shopId: string, rows: readonly string[], db: pg.PoolClient): Promise<number> {
  if (rows.length === 0) return 0;
  await ensureStage(db, ORDER_STAGE, ORDER_STAGE_COLUMNS);
  await copyRows(db, ORDER_STAGE, rows);
  await db.query(
    `insert into "Customer" ("shopId", id)
     select distinct $1, customer_id from ${ORDER_STAGE} where customer_id is not null order by customer_id
     on conflict do nothing`,
    [shopId],
  );
  const result = await db.query(
    `insert into "Order" (${ORDER_COLUMNS})
     select $1, id, customer_id, processed_at, updated_at, cancelled_at, test, currency, presentment_currency,
        total_minor, refunded_minor, discount_codes, discount_minor, product_types, product_type_spend
     from ${ORDER_STAGE}
     ${orderUpsertConflict({ discount: true, types: true })}`,
    [shopId],
  );
  return result.rowCount ?? 0;
}

const LINE_STAGE = "bulk_line_item_stage";

/** Line items as rows of the staging table, in COPY's text format. */
export function lineItemRows(items: readonly BulkLineItem[]): string[] {
  return items.map((i) => [i.lineItemId.toString(), i.orderId.toString(), copyText(i.productType), i.productId?.toString() ?? "\\N", i.spendMinor.toString()].join("\t"));
}

/**
 * Stages bulk line items (lineItemRows) read after their order's batch was written (or before
 * their order), for mergeStagedLineItems at the end of the import. A line staged twice (a
 * resumed import reads it again) is kept once.
 */
export async function stageLineItems(shopId: string, rows: readonly string[], db: pg.PoolClient): Promise<void> {
  if (rows.length === 0) return;
  await ensureStage(db, LINE_STAGE, "line_item_id bigint, order_id bigint, product_type text, product_id bigint, spend_minor bigint");
  await copyRows(db, LINE_STAGE, rows);
  await db.query(
    `insert into "BulkLineItemStage" ("shopId", "lineItemId", "orderId", "productType", "productId", "spendMinor")
     select $1, line_item_id, order_id, product_type, product_id, spend_minor from ${LINE_STAGE}
     on conflict do nothing`,
    [shopId],
  );
}

/** Drops a shop's staged line items (an import that starts from its first line). */
export async function clearStagedLineItems(shopId: string): Promise<void> {
  await pool.query(`delete from "BulkLineItemStage" where "shopId" = $1`, [shopId]);
}

/**
 * Merges the staged line items into their orders, set-based, in one transaction: each staged
 * line's spend is added to its order's spend per product type (the types resolved when the
 * order was written stay, new types join in "C" order; untyped lines add nothing); every staged
 * product's type goes into ProductType (for webhook orders); then the stage is cleared.
 */
export async function mergeStagedLineItems(shopId: string): Promise<number> {
  return inTransaction(async (db) => {
    const merged = await db.query(
      `with staged as (
         select "orderId", "productType" as type, sum("spendMinor")::bigint as spend
         from "BulkLineItemStage" where "shopId" = $1 and "productType" <> ''
         group by "orderId", "productType"),
       combined as (
         select e."orderId", e.type, sum(e.spend)::bigint as spend
         from (select "orderId", type, spend from staged
               union all
               select o.id, t.type, t.spend
               from "Order" o cross join unnest(o."productTypes", o."productTypeSpendMinor") as t(type, spend)
               where o."shopId" = $1 and o.id in (select "orderId" from staged)) e
         group by e."orderId", e.type)
       update "Order" o set "productTypes" = s.types, "productTypeSpendMinor" = s.spends
       from (select "orderId", array_agg(type order by type collate "C") as types, array_agg(spend order by type collate "C") as spends
             from combined group by "orderId") s
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
