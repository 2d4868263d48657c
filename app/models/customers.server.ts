// Customer rows hold ids and Shopify timestamps only: no names, emails or
// addresses. A deletion is a tombstone so late events cannot resurrect it.
import type pg from "pg";
import { pool, type Queryable } from "../db-pool.server";
import { prisma } from "../db.server";
import type { CustomerRecord } from "../domain/order-record";
import { SETTINGS_DEFAULTS } from "../domain/settings";
import { copyRows, copyText, ensureStage } from "./copy.server";

/**
 * Upserts customers. Where a record carries tags, the opt-out flag is set from them against the
 * shop's opt-out tag (case-insensitive, as Shopify compares tags); the tags themselves are not
 * stored. Records without tags leave the flag as it was. Every insert into "Customer" goes in
 * id order: a shop's customers and orders exports import side by side and webhooks arrive
 * meanwhile, and one lock order keeps their transactions from deadlocking.
 */
const UPSERT_CUSTOMERS_SQL = `with tag as (select lower(coalesce((select "optOutTag" from "ShopSettings" where "shopId" = $1), $6)) as opt_out)
     insert into "Customer" ("shopId", id, "shopifyCreatedAt", "shopifyUpdatedAt", "optedOut")
     select $1, u.id, u.created_at, u.updated_at,
            case when u.tags is null then null
                 else exists (select 1 from unnest(string_to_array(u.tags, E'\x1f')) t, tag where lower(trim(t)) = tag.opt_out) end
     from unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[], $5::text[]) as u(id, created_at, updated_at, tags)
     order by u.id
     on conflict ("shopId", id) do update set
        "shopifyCreatedAt" = coalesce(excluded."shopifyCreatedAt", "Customer"."shopifyCreatedAt"),
        "shopifyUpdatedAt" = greatest(excluded."shopifyUpdatedAt", "Customer"."shopifyUpdatedAt"),
        "optedOut" = coalesce(excluded."optedOut", "Customer"."optedOut")
     where "Customer"."deletedAt" is null`;

const upsertValues = (shopId: string, customers: CustomerRecord[]) => [
  shopId,
  customers.map((c) => c.id.toString()),
  customers.map((c) => c.createdAt?.toISOString() ?? null),
  customers.map((c) => c.updatedAt?.toISOString() ?? null),
  customers.map((c) => (c.tags ? c.tags.join("\x1f") : null)),
  SETTINGS_DEFAULTS.optOutTag,
];

export async function upsertCustomers(shopId: string, customers: CustomerRecord[], db: Queryable = pool): Promise<number> {
  if (customers.length === 0) return 0;
  const result = await db.query(UPSERT_CUSTOMERS_SQL, upsertValues(shopId, customers));
  return result.rowCount ?? 0;
}

const CUSTOMER_STAGE = "bulk_customer_stage";

/** A customer as a row of the staging table, in COPY's text format (tags joined by U+001F); a flat string (bulkOrderRowHead says why). */
export function bulkCustomerRow(c: CustomerRecord): string {
  return [c.id.toString(), c.createdAt ? c.createdAt.toISOString() : "\\N", c.updatedAt ? c.updatedAt.toISOString() : "\\N", copyText(c.tags ? c.tags.join("\x1f") : null)].join("\t");
}

/** Customers as rows of the staging table (bulkCustomerRow). */
export function bulkCustomerRows(customers: readonly CustomerRecord[]): string[] {
  return customers.map(bulkCustomerRow);
}

/**
 * Upserts a bulk import batch of customers (bulkCustomerRows) through COPY into a staging
 * table and one merge, with upsertCustomers' rules (opt-out flag from the tags, tombstones
 * kept), in id order like every insert into "Customer". Runs inside the batch's transaction.
 */
export async function copyBulkCustomers(shopId: string, rows: readonly string[], db: pg.PoolClient): Promise<number> {
  if (rows.length === 0) return 0;
  await ensureStage(db, CUSTOMER_STAGE, "id bigint, created_at timestamptz, updated_at timestamptz, tags text");
  await copyRows(db, CUSTOMER_STAGE, rows);
  const result = await db.query(
    `with tag as (select lower(coalesce((select "optOutTag" from "ShopSettings" where "shopId" = $1), $2)) as opt_out)
     insert into "Customer" ("shopId", id, "shopifyCreatedAt", "shopifyUpdatedAt", "optedOut")
     select $1, u.id, u.created_at, u.updated_at,
            case when u.tags is null then null
                 else exists (select 1 from unnest(string_to_array(u.tags, E'\x1f')) t, tag where lower(trim(t)) = tag.opt_out) end
     from ${CUSTOMER_STAGE} u
     order by u.id
     on conflict ("shopId", id) do update set
        "shopifyCreatedAt" = coalesce(excluded."shopifyCreatedAt", "Customer"."shopifyCreatedAt"),
        "shopifyUpdatedAt" = greatest(excluded."shopifyUpdatedAt", "Customer"."shopifyUpdatedAt"),
        "optedOut" = coalesce(excluded."optedOut", "Customer"."optedOut")
     where "Customer"."deletedAt" is null`,
    [shopId, SETTINGS_DEFAULTS.optOutTag],
  );
  return result.rowCount ?? 0;
}

/**
 * Upserts one customer (a webhook) and says whether its tags changed the opt-out flag,
 * in one statement: the CTE reads the row as it was before the upsert.
 */
export async function upsertCustomerReportingOptOut(shopId: string, customer: CustomerRecord): Promise<{ optOutChanged: boolean }> {
  const { rows } = await pool.query<{ changed: boolean }>(
    `with before as (select coalesce("optedOut", false) as opted_out from "Customer" where "shopId" = $1 and id = ($2::bigint[])[1]),
          upserted as (${UPSERT_CUSTOMERS_SQL} returning coalesce("optedOut", false) as opted_out)
     select coalesce((select opted_out from upserted), (select opted_out from before), false)
              is distinct from coalesce((select opted_out from before), false) as changed`,
    upsertValues(shopId, [customer]),
  );
  return { optOutChanged: rows[0]?.changed === true };
}

/** The tags the app last wrote on the customer (Customer.appTags). */
export async function customerAppTags(shopId: string, id: bigint): Promise<string[]> {
  const { rows } = await pool.query<{ appTags: string[] }>(`select "appTags" from "Customer" where "shopId" = $1 and id = $2`, [shopId, id.toString()]);
  return rows[0]?.appTags ?? [];
}

/** Customer ids referenced by orders but not yet stored (e.g. order webhook first). */
export async function ensureCustomersExist(shopId: string, ids: bigint[], db: Queryable = pool): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `insert into "Customer" ("shopId", id) select $1, id from unnest($2::bigint[]) as id order by id on conflict do nothing`,
    [shopId, ids.map(String)],
  );
}

/** customers/delete: tombstone the customer and drop their score. */
export async function markCustomerDeleted(shopId: string, id: bigint): Promise<void> {
  await prisma.$transaction([
    prisma.customer.upsert({
      where: { shopId_id: { shopId, id } },
      create: { shopId, id, deletedAt: new Date() },
      update: { deletedAt: new Date() },
    }),
    prisma.customerScore.deleteMany({ where: { shopId, customerId: id } }),
  ]);
}

/** customers/redact: remove everything the app holds about one customer. */
export async function redactCustomer(shopId: string, id: bigint, orderIds: bigint[]): Promise<void> {
  await prisma.$transaction([
    prisma.segmentTransition.deleteMany({ where: { shopId, customerId: id } }),
    prisma.traitEvent.deleteMany({ where: { shopId, customerId: id } }),
    prisma.dataRequest.deleteMany({ where: { shopId, customerId: id } }),
    prisma.customerScore.deleteMany({ where: { shopId, customerId: id } }),
    prisma.order.deleteMany({ where: { shopId, OR: [{ customerId: id }, { id: { in: orderIds } }] } }),
    prisma.customer.upsert({
      where: { shopId_id: { shopId, id } },
      create: { shopId, id, deletedAt: new Date() },
      update: { deletedAt: new Date(), appTags: [] },
    }),
  ]);
}
