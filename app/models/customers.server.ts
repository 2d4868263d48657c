// Customer rows hold ids and Shopify timestamps only: no names, emails or
// addresses. A deletion is a tombstone so late events cannot resurrect it.
import { pool, type Queryable } from "../db-pool.server";
import { prisma } from "../db.server";
import type { CustomerRecord } from "../domain/order-record";

export async function upsertCustomers(shopId: string, customers: CustomerRecord[], db: Queryable = pool): Promise<number> {
  if (customers.length === 0) return 0;
  const result = await db.query(
    `insert into "Customer" ("shopId", id, "shopifyCreatedAt", "shopifyUpdatedAt")
     select $1, u.id, u.created_at, u.updated_at
     from unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[]) as u(id, created_at, updated_at)
     on conflict ("shopId", id) do update set
        "shopifyCreatedAt" = coalesce(excluded."shopifyCreatedAt", "Customer"."shopifyCreatedAt"),
        "shopifyUpdatedAt" = greatest(excluded."shopifyUpdatedAt", "Customer"."shopifyUpdatedAt")
     where "Customer"."deletedAt" is null`,
    [
      shopId,
      customers.map((c) => c.id.toString()),
      customers.map((c) => c.createdAt?.toISOString() ?? null),
      customers.map((c) => c.updatedAt?.toISOString() ?? null),
    ],
  );
  return result.rowCount ?? 0;
}

/** Customer ids referenced by orders but not yet stored (e.g. order webhook first). */
export async function ensureCustomersExist(shopId: string, ids: bigint[], db: Queryable = pool): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `insert into "Customer" ("shopId", id) select $1, unnest($2::bigint[]) on conflict do nothing`,
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
    prisma.customerScore.deleteMany({ where: { shopId, customerId: id } }),
    prisma.order.deleteMany({ where: { shopId, OR: [{ customerId: id }, { id: { in: orderIds } }] } }),
    prisma.customer.upsert({
      where: { shopId_id: { shopId, id } },
      create: { shopId, id, deletedAt: new Date() },
      update: { deletedAt: new Date(), appTags: [] },
    }),
  ]);
}
