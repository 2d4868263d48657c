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
});
