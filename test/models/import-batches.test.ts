// commitImportBatch (COPY into staging tables, one merge per table) and
// mergeStagedLineItems against real PostgreSQL, with hand-written values read
// back: text that COPY and array literals must escape, the updated_at guard,
// opt-out tags, line items staged twice, and the end-of-import merge adding
// late line items to the types an order was written with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrderRecord } from "../../app/domain/order-record";
import { startHarness, type Harness } from "../support/harness";
import { createShop } from "../support/shops";

const SHOP = `import-batches-${process.pid}.myshopify.com`;
const T0 = Date.parse("2026-06-01T10:00:00Z");
const HOUR = 3_600_000;
const ODD = ['tab\there', 'quote"s', "back\\slash", "comma,brace{}", "new\nline", "ünïcode €", "NULL", ""];

let h: Harness;
let shopId: string;
let batches: typeof import("../../app/models/import-batches.server");
let orders: typeof import("../../app/models/orders.server");

function order(id: number, customerId: number | null, updatedHours: number, extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: BigInt(id),
    customerId: customerId === null ? null : BigInt(customerId),
    processedAt: new Date(T0),
    updatedAt: new Date(T0 + updatedHours * HOUR),
    cancelledAt: null,
    test: false,
    currency: "USD",
    presentmentCurrency: null,
    totalMinor: 1000n,
    refundedMinor: 0n,
    discountCodes: [],
    discountMinor: 0n,
    productTypeSpend: { types: [], spendMinor: [] },
    ...extra,
  };
}

const state = (linesDone: number) => ({ status: "importing" as const, restarts: 0, linesDone, objectCount: 100, bulkOperationId: "gid://shopify/BulkOperation/1" });
const batch = (b: Partial<Parameters<typeof batches.commitImportBatch>[2]>, linesDone = 1) => ({
  customers: [],
  orders: [],
  lineItems: [],
  products: [],
  exportState: state(linesDone),
  ...b,
});

async function orderRow(id: number) {
  return h.app.db.prisma.order.findUniqueOrThrow({ where: { shopId_id: { shopId, id: BigInt(id) } } });
}

beforeAll(async () => {
  h = await startHarness({}, {}, { webhooks: false });
  batches = await import("../../app/models/import-batches.server");
  orders = await import("../../app/models/orders.server");
  shopId = (await createShop(h, SHOP)).shop.id;
});
afterAll(async () => h?.close());

describe("bulk import batches through COPY", () => {
  it("stores text that needs escaping exactly, types in order, and the batch's checkpoint", async () => {
    await batches.commitImportBatch(
      shopId,
      "orders",
      batch(
        {
          orders: [
            order(1, 501, 0, {
              discountCodes: ODD,
              discountMinor: 250n,
              currency: "EUR",
              presentmentCurrency: "JPY",
              cancelledAt: new Date(T0 + 5 * HOUR),
              test: true,
              refundedMinor: 300n,
              productTypeSpend: { types: ["Apparel", "Beauty"], spendMinor: [700n, 9_007_199_254_740_993n] },
            }),
            order(2, null, 0),
          ],
          products: [{ productId: 9001n, productType: 'Odd "type"\t\\' }],
        },
        42,
      ),
    );
    const one = await orderRow(1);
    expect(one.discountCodes).toEqual(ODD);
    expect(one).toMatchObject({ customerId: 501n, currency: "EUR", presentmentCurrency: "JPY", test: true, totalMinor: 1000n, refundedMinor: 300n, discountMinor: 250n });
    expect(one.cancelledAt).toEqual(new Date(T0 + 5 * HOUR));
    expect(one.productTypes).toEqual(["Apparel", "Beauty"]);
    expect(one.productTypeSpendMinor).toEqual([700n, 9_007_199_254_740_993n]);
    expect((await orderRow(2)).customerId).toBeNull();
    // The order's customer exists (as ensureCustomersExist makes it); a guest order makes none.
    expect(await h.app.db.prisma.customer.count({ where: { shopId } })).toBe(1);
    const type = await h.app.db.prisma.productType.findUniqueOrThrow({ where: { shopId_productId: { shopId, productId: 9001n } } });
    expect(type.productType).toBe('Odd "type"\t\\');
    const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect((shop.syncState as { exports: { orders: { linesDone: number } } }).exports.orders.linesDone).toBe(42);
  });

  it("keeps the newer row: an older snapshot changes nothing, a newer one replaces it", async () => {
    await batches.commitImportBatch(shopId, "orders", batch({ orders: [order(1, 501, -1, { totalMinor: 1n, discountCodes: ["OLD"] })] }));
    expect((await orderRow(1)).totalMinor).toBe(1000n);
    await batches.commitImportBatch(shopId, "orders", batch({ orders: [order(1, 502, 1, { totalMinor: 2000n })] }));
    const row = await orderRow(1);
    expect(row).toMatchObject({ totalMinor: 2000n, customerId: 502n, discountCodes: [], productTypes: [] });
  });

  it("sets the opt-out flag from the tags (case-insensitive) and keeps a tombstone", async () => {
    const created = new Date(T0);
    await h.app.db.prisma.customer.create({ data: { shopId, id: 777n, deletedAt: new Date(T0) } });
    await batches.commitImportBatch(
      shopId,
      "customers",
      batch({
        customers: [
          { id: 601n, createdAt: created, updatedAt: created, tags: ["vip", " No-Profiling ", "tab\tx"] },
          { id: 602n, createdAt: created, updatedAt: null, tags: ["vip"] },
          { id: 603n, createdAt: null, updatedAt: null, tags: null },
          { id: 777n, createdAt: created, updatedAt: created, tags: ["no-profiling"] },
        ],
      }),
    );
    const rows = await h.app.db.prisma.customer.findMany({ where: { shopId, id: { in: [601n, 602n, 603n, 777n] } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.optedOut, r.shopifyCreatedAt?.getTime() ?? null])).toEqual([
      [601n, true, T0],
      [602n, false, T0],
      [603n, null, null],
      [777n, null, null],
    ]);
  });

  it("merges late line items into the types the order was written with, once even if staged twice", async () => {
    await batches.commitImportBatch(
      shopId,
      "orders",
      batch({ orders: [order(10, 501, 0, { productTypeSpend: { types: ["Beauty", "Home"], spendMinor: [100n, 50n] } }), order(11, 501, 0)] }),
    );
    const late = [
      { lineItemId: 1001n, orderId: 10n, productId: 9001n, productType: "Apparel", spendMinor: 30n },
      { lineItemId: 1002n, orderId: 10n, productId: 9002n, productType: "Beauty", spendMinor: 5n },
      { lineItemId: 1003n, orderId: 10n, productId: 9003n, productType: "", spendMinor: 999n },
      { lineItemId: 1004n, orderId: 11n, productId: 9002n, productType: "Beauty", spendMinor: 7n },
    ];
    await batches.commitImportBatch(shopId, "orders", batch({ lineItems: late }));
    await batches.commitImportBatch(shopId, "orders", batch({ lineItems: late.slice(0, 2) })); // a resumed import reads them again
    expect(await orders.mergeStagedLineItems(shopId)).toBe(2);
    const ten = await orderRow(10);
    expect(ten.productTypes).toEqual(["Apparel", "Beauty", "Home"]);
    expect(ten.productTypeSpendMinor).toEqual([30n, 105n, 50n]);
    const eleven = await orderRow(11);
    expect([eleven.productTypes, eleven.productTypeSpendMinor]).toEqual([["Beauty"], [7n]]);
    expect(await h.app.db.prisma.bulkLineItemStage.count({ where: { shopId } })).toBe(0);
    const untyped = await h.app.db.prisma.productType.findUniqueOrThrow({ where: { shopId_productId: { shopId, productId: 9003n } } });
    expect(untyped.productType).toBe("");
  });

  it("two imports inserting the same customers in opposite orders both commit (no deadlock)", async () => {
    // The customers and the orders exports of a shop import side by side. The first holds
    // customer 901 and then wants 903; the second is handed 903 before 901. Taken in file order,
    // the second would hold 903 while it waits for 901: a deadlock, one of them failed.
    const { inTransaction, pool } = await import("../../app/db-pool.server");
    const customers = await import("../../app/models/customers.server");
    const rows = (ids: number[]) => customers.bulkCustomerRows(ids.map((id) => ({ id: BigInt(id), createdAt: new Date(T0), updatedAt: new Date(T0) })));
    let firstHolds!: () => void;
    const held = new Promise<void>((resolve) => (firstHolds = resolve));
    const lockWaits = async () =>
      Number((await pool.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n);
    const first = inTransaction(async (db) => {
      await customers.copyBulkCustomers(shopId, rows([901, 902]), db);
      firstHolds();
      for (let tries = 0; (await lockWaits()) === 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 20));
      await customers.copyBulkCustomers(shopId, rows([903]), db);
    });
    const second = held.then(() => inTransaction((db) => customers.copyBulkCustomers(shopId, rows([903, 901]), db)));
    await expect(Promise.all([first, second])).resolves.toBeDefined();
    const stored = await h.app.db.prisma.customer.findMany({ where: { shopId, id: { in: [901n, 902n, 903n] } }, select: { id: true } });
    expect(stored.map((c) => c.id).sort()).toEqual([901n, 902n, 903n]);
  });

  it("after a big import the orders and customers are vacuumed and analyzed (PostgreSQL's own statistics say when)", async () => {
    const before = new Date(Date.now() - 1000);
    await batches.vacuumImportedTables();
    const { rows } = await h.app.pool.pool.query<{ relname: string; last_vacuum: Date | null; last_analyze: Date | null }>(
      `select relname, last_vacuum, last_analyze from pg_stat_user_tables where relname in ('Order', 'Customer') order by relname`,
    );
    expect(rows.map((r) => r.relname)).toEqual(["Customer", "Order"]);
    for (const r of rows) {
      expect(r.last_vacuum!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(r.last_analyze!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    }
  });
});
