import { describe, expect, it } from "vitest";
import { generateStore } from "./generator";
import { LiveTraffic, startLiveTraffic } from "./live-traffic";

describe("live traffic", () => {
  it("places orders at the rate, bounded by maxOrders, emitting webhooks", async () => {
    const { shop } = generateStore({ domain: "live.myshopify.com", seed: 1, customers: 300, asOf: "2026-11-22T00:00:00Z" });
    const topics: string[] = [];
    const ctx = { now: () => new Date(), emitWebhook: (_d: string, t: string) => void topics.push(t) };
    const before = shop.orders.size;
    const run = startLiveTraffic(ctx, shop, { rate: 500, seconds: 5, maxOrders: 150, seed: 2, refundShare: 0.1, cancelShare: 0.05 });
    const stats = await run.done;
    expect(stats.ordersPlaced).toBe(150);
    expect(stats.errors).toBe(0);
    expect(shop.orders.size).toBe(before + 150);
    expect(topics.filter((t) => t === "orders/create")).toHaveLength(150);
    expect(stats.newCustomers).toBeGreaterThan(0);
    expect(stats.refunds + stats.cancellations).toBeGreaterThan(0);
    expect(topics).toContain("customers/create");
  });

  it("stops on time and on stop()", async () => {
    const { shop } = generateStore({ domain: "live2.myshopify.com", seed: 1, customers: 50, asOf: "2026-11-22T00:00:00Z" });
    const ctx = { now: () => new Date() };
    const t0 = Date.now();
    const s = await startLiveTraffic(ctx, shop, { rate: 20, seconds: 0.3 }).done;
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.ordersPlaced).toBeLessThanOrEqual(7);
    const run = startLiveTraffic(ctx, shop, { rate: 5, seconds: 100 });
    expect(run.stop().running).toBe(false);
    expect(() => new LiveTraffic(ctx, shop, { rate: 0, seconds: 1 })).toThrow(RangeError);
    expect(() => new LiveTraffic(ctx, shop, { rate: 1, seconds: 1e6 })).toThrow(RangeError);
  });
});
