// Seeds a recompute benchmark shop straight in PostgreSQL (generate_series, one
// connection, seeded random()): the recompute reads only the stored customers and
// orders, so how they got there does not matter to what it measures, and a
// 1,000,000-customer / ~5,000,000-order shop is written in minutes where a
// simulator backfill of that size takes far longer.
//
// Distributions (per customer): a first order uniformly in the last 730 days;
// 40% stay active until today, the others stop at a uniform point of their
// lifetime; 1 + floor(Exp(mean 4.5)) orders (mean ≈ 5, a long tail) at uniform
// times of that active span; totals log-normal around 40.00 (σ 0.6); 20% of
// orders with a discount code, 3% partly refunded, 2% cancelled, 0.5% test;
// one or two of 12 product types per order (5% untyped), spend split by type.
// 0.3% of customers deleted, 0.5% opted out.
import type pg from "pg";

export interface SeedOptions {
  shop: string;
  customers: number;
  /** random() seed in [-1, 1]. */
  seed?: number;
  /** The day the orders end (the recompute's asOf is now()). */
  until?: Date;
  /** Shop.id (default bench<customers>). */
  shopId?: string;
  /** Customer ids are idBase + 1 … idBase + customers (default 7,000,000,000,000). */
  idBase?: number;
  /** ANALYZE the tables after seeding (default true); a caller seeding many shops analyzes once at the end. */
  analyze?: boolean;
}

const TYPES = ["Shoes", "Shirts", "Hats", "Bags", "Socks", "Jackets", "Pants", "Dresses", "Belts", "Scarves", "Gloves", "Watches"];

/** Creates the shop (fresh: the database must not hold it yet) with its customers and orders; returns the shop id and counts. */
export async function seedRecomputeShop(db: pg.ClientBase, o: SeedOptions): Promise<{ shopId: string; customers: number; orders: number }> {
  const shopId = o.shopId ?? `bench${o.customers}`;
  const idBase = o.idBase ?? 7_000_000_000_000;
  const until = o.until ?? new Date();
  await db.query("set synchronous_commit = off");
  await db.query("set max_parallel_workers_per_gather = 0");
  await db.query("select setseed($1)", [o.seed ?? 0.42]);
  await db.query(
    `insert into "Shop" (id, domain, currency, "grantedScopes", "syncStatus", "syncCompletedAt") values ($1, $2, 'USD', 'read_all_orders', 'completed', now())`,
    [shopId, o.shop],
  );
  await db.query(
    `create temp table seed_customer as
       select g as n, $3::bigint + g as id,
              $2::timestamp - (random() * 730) * interval '1 day' as born,
              random() as active_draw, random() as span_draw,
              1 + floor(-ln(1 - random()) * 4.5)::int as k,
              random() as deleted_draw, random() as opted_draw
       from generate_series(1, $1::int) g`,
    [o.customers, until, idBase],
  );
  await db.query(
    `insert into "Customer" ("shopId", id, "shopifyCreatedAt", "shopifyUpdatedAt", "deletedAt", "optedOut")
     select $1, id, born, born, case when deleted_draw < 0.003 then $2::timestamp end,
            case when opted_draw < 0.005 then true when opted_draw < 0.5 then false end
     from seed_customer`,
    [shopId, until],
  );
  const orders = await db.query(
    `insert into "Order" ("shopId", id, "customerId", "processedAt", "shopifyUpdatedAt", "cancelledAt", test, currency,
                          "totalMinor", "refundedMinor", "discountCodes", "discountMinor", "productTypes", "productTypeSpendMinor")
     select $1, c.id * 1000 + t.i, c.id, t.at, t.at,
            case when t.d_cancel < 0.02 then t.at + interval '1 day' end, t.d_cancel between 0.02 and 0.025, 'USD',
            t.total, case when t.d_refund < 0.03 then t.total / 3 else 0 end,
            case when t.d_disc < 0.2 then array['SAVE10'] else array[]::text[] end,
            case when t.d_disc < 0.2 then t.total / 10 else 0 end,
            case when t.d_type < 0.05 then array[]::text[]
                 when t.d_type < 0.6 then array[($3::text[])[t.t1]]
                 else array[($3::text[])[least(t.t1, t.t2)], ($3::text[])[greatest(t.t1, t.t2)]] end,
            case when t.d_type < 0.05 then array[]::bigint[]
                 when t.d_type < 0.6 then array[t.total]
                 else array[t.total - t.total / 3, t.total / 3] end
     from seed_customer c
     cross join lateral (
       select i, case when i = 1 then c.born
                   else c.born + random() * (case when c.active_draw < 0.4 then $2::timestamp - c.born else (c.span_draw * ($2::timestamp - c.born)) end)
              end as at,
              greatest(100, round(exp(ln(4000) + 0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::bigint as total,
              random() as d_cancel, random() as d_refund, random() as d_disc, random() as d_type,
              1 + floor(random() * 12)::int as t1,
              1 + floor(random() * 12)::int as t2
       from generate_series(1, c.k) i
     ) t`,
    [shopId, until, TYPES],
  );
  await db.query("drop table seed_customer");
  // Two types drawn equal would repeat one name; keep the stored shape (distinct, sorted).
  await db.query(
    `update "Order" set "productTypes" = array["productTypes"[1]], "productTypeSpendMinor" = array["totalMinor"]
     where "shopId" = $1 and cardinality("productTypes") = 2 and "productTypes"[1] = "productTypes"[2]`,
    [shopId],
  );
  if (o.analyze !== false) {
    await db.query("analyze \"Order\"");
    await db.query("analyze \"Customer\"");
  }
  return { shopId, customers: o.customers, orders: orders.rowCount ?? 0 };
}
