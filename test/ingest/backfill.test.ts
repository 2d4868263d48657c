import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerStats } from "../simulator/generator";
import { eventually, startHarness, type Harness } from "../support/harness";

const SHOP = `backfill-${process.pid}.myshopify.com`;
let h: Harness;

async function shopRow() {
  return h.app.db.prisma.shop.findUnique({ where: { domain: SHOP } });
}

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 7, customers: 600, years: 2 });
  h.startWorkers();
});

afterAll(async () => {
  await h?.close();
});

describe("install and backfill", () => {
  it("installs through token exchange and imports every customer and order exactly", async () => {
    await h.install(SHOP);
    const session = await h.app.db.prisma.session.findFirst({ where: { shop: SHOP, isOnline: false } });
    expect(session?.accessToken).toBeTruthy();

    const shop = await eventually(async () => {
      const row = await shopRow();
      return row?.syncStatus === "completed" || row?.syncStatus === "failed" ? row : null;
    }, 60_000, "sync to finish");
    expect(shop.syncError ?? null).toBeNull();
    expect(shop.syncStatus).toBe("completed");

    const { countedTotalsByCustomer } = await import("../../app/models/orders.server");
    const ours = new Map((await countedTotalsByCustomer(shop.id)).map((t) => [Number(t.customerId), t]));
    const theirs = customerStats(h.sim.ctx.shops.get(SHOP)!);
    expect(theirs.size).toBeGreaterThan(100);
    expect(ours.size).toBe(theirs.size);
    for (const [id, stats] of theirs) {
      expect(ours.get(id)?.countedOrders, `orders of customer ${id}`).toBe(stats.countedOrders);
      expect(Number(ours.get(id)?.netMinor), `net total of customer ${id}`).toBe(stats.netMinor);
    }

    const simShop = h.sim.ctx.shops.get(SHOP)!;
    expect(await h.app.db.prisma.order.count({ where: { shopId: shop.id } })).toBe(simShop.orders.size);
    expect(await h.app.db.prisma.customer.count({ where: { shopId: shop.id } })).toBe(simShop.customers.size);
    // Product types from line items (children joined by __parentId) arrived.
    const withTypes = await h.app.db.prisma.order.count({ where: { shopId: shop.id, NOT: { productTypes: { isEmpty: true } } } });
    expect(withTypes).toBeGreaterThan(simShop.orders.size * 0.9);
    expect(shop.syncRowsDone).toBe(shop.syncRowsTotal);
  });

  it("stores each order's discount total and item spend per product type, and every product's type", async () => {
    const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const simShop = h.sim.ctx.shops.get(SHOP)!;
    const rows = await h.app.db.prisma.order.findMany({
      where: { shopId: shop.id },
      select: { id: true, discountMinor: true, productTypes: true, productTypeSpendMinor: true },
    });
    const ours = new Map(rows.map((r) => [Number(r.id), r]));
    let discounted = 0;
    let untypedLines = 0;
    let mismatches = 0;
    for (const order of simShop.orders.values()) {
      // Independent oracle: the simulator's own lines; original total = net line total + its discount.
      const byType = new Map<string, number>();
      let discount = 0;
      for (const li of order.lineItems) {
        discount += li.discountMinor ?? 0;
        if (!li.productType) {
          untypedLines++;
          continue;
        }
        byType.set(li.productType, (byType.get(li.productType) ?? 0) + li.shopMinor + (li.discountMinor ?? 0));
      }
      if (discount > 0) discounted++;
      const types = [...byType.keys()].sort();
      const expected = { discountMinor: discount, productTypes: types, productTypeSpendMinor: types.map((t) => byType.get(t)) };
      const row = ours.get(order.id);
      const actual = row && { discountMinor: Number(row.discountMinor), productTypes: row.productTypes, productTypeSpendMinor: row.productTypeSpendMinor.map(Number) };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches++;
        if (mismatches <= 3) expect(actual, `order ${order.id}`).toEqual(expected);
      }
    }
    expect(mismatches).toBe(0);
    expect(discounted).toBeGreaterThan(10);
    expect(untypedLines).toBeGreaterThan(0); // custom items (no product) were left out

    const products = new Map<number, string>();
    for (const order of simShop.orders.values()) for (const li of order.lineItems) if (li.productId !== null) products.set(li.productId, li.productType ?? "");
    const stored = await h.app.db.prisma.productType.findMany({ where: { shopId: shop.id } });
    expect(new Map(stored.map((p) => [Number(p.productId), p.productType]))).toEqual(products);
    expect(await h.app.db.prisma.bulkLineItemStage.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
