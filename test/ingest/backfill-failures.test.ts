import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "../support/harness";

let h: Harness;
const domain = (name: string) => `${name}-${process.pid}.myshopify.com`;

beforeAll(async () => {
  h = await startHarness();
  h.startWorkers();
});

afterAll(async () => {
  await h?.close();
});

async function finishedSync(shop: string) {
  return eventually(async () => {
    const row = await h.app.db.prisma.shop.findUnique({ where: { domain: shop } });
    return row && (row.syncStatus === "completed" || row.syncStatus === "failed") ? row : null;
  }, 60_000, `sync of ${shop}`);
}

describe("backfill outcomes", () => {
  it("ACCESS_DENIED fails the sync with the reason shown and no retry", async () => {
    const shop = domain("denied");
    h.addStore({ domain: shop, seed: 1, customers: 50, years: 1 });
    h.sim.ctx.hooks!.failNextBulkOperation(shop, "ACCESS_DENIED");
    h.sim.ctx.hooks!.failNextBulkOperation(shop, "ACCESS_DENIED");
    await h.install(shop);
    const row = await finishedSync(shop);
    expect(row.syncStatus).toBe("failed");
    expect(row.syncError).toContain("ACCESS_DENIED");
  });

  it("a transient FAILED export is restarted and the sync completes", async () => {
    const shop = domain("transient");
    h.addStore({ domain: shop, seed: 2, customers: 50, years: 1 });
    h.sim.ctx.hooks!.failNextBulkOperation(shop, "INTERNAL_SERVER_ERROR");
    await h.install(shop);
    const row = await finishedSync(shop);
    expect(row.syncStatus).toBe("completed");
    expect(row.syncError).toContain("restarted the export");
    const sim = h.sim.ctx.shops.get(shop)!;
    expect(await h.app.db.prisma.order.count({ where: { shopId: row.id } })).toBe(sim.orders.size);
  });

  it("without read_all_orders the shop is flagged and only the visible 60 days are stored", async () => {
    const shop = domain("limited");
    const { shop: sim } = h.addStore({
      domain: shop,
      seed: 3,
      customers: 200,
      years: 2,
      grantedScopes: ["read_customers", "write_customers", "read_orders", "read_products"],
    });
    await h.install(shop);
    const row = await finishedSync(shop);
    expect(row.historyLimited).toBe(true);
    const cutoff = Date.now() - 60 * 86_400_000;
    const visible = [...sim.orders.values()].filter((o) => Date.parse(o.processedAt) >= cutoff).length;
    expect(visible).toBeLessThan(sim.orders.size);
    expect(await h.app.db.prisma.order.count({ where: { shopId: row.id } })).toBe(visible);
    const { loadDashboard } = await import("../../app/models/dashboard.server");
    expect((await loadDashboard(shop)).shop?.historyLimited).toBe(true);
  });
});

