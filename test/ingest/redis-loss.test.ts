import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAll, placeOrder } from "../simulator/store-events";
import { eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents, expectOrdersMatchSimulator } from "../support/compare";
import { allowConsole } from "../support/console";

// A Redis database of its own, so wiping it cannot disturb other test files.
const REDIS_URL = "redis://127.0.0.1:6379/7";
const SHOP = `redis-loss-${process.pid}.myshopify.com`;
let h: Harness;
let redis: Redis;

beforeAll(async () => {
  process.env.REDIS_URL = REDIS_URL;
  redis = new Redis(REDIS_URL);
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 8, customers: 200, years: 1 });
  h.startWorkers();
  await h.install(SHOP);
  await eventually(async () => (await h.app.db.prisma.shop.findUnique({ where: { domain: SHOP } }))?.syncStatus === "completed", 60_000, "initial sync");
});

afterAll(async () => {
  await h?.close();
  await redis?.quit();
});

describe("losing Redis", () => {
  it("loses no webhook event: the sweep rebuilds the work from PostgreSQL", async () => {
    await h.stopWorkers();
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const customers = [...shop.customers.keys()];
    for (let i = 0; i < 40; i++) {
      const placed = placeOrder(h.sim.ctx, shop, { customer: customers[i % customers.length], amountMinor: 1000 + i });
      emitAll(h.sim.ctx, shop, placed.webhooks);
    }
    await h.emitter.flush();
    const pending = await h.app.db.prisma.webhookEvent.count({ where: { shopDomain: SHOP, status: "pending" } });
    expect(pending).toBeGreaterThanOrEqual(40); // stored and acknowledged, not yet processed

    await redis.flushdb(); // everything queued is gone
    expect(await redis.dbsize()).toBe(0);

    // ensureSchedules starts reconcile-all at once: it syncs every installed
    // shop in the shared test database, and the shops of other test files are
    // unknown to this file's simulator, so their syncs 404 and retry; the sweep also re-enqueues
    // their pending webhooks, whose product-type look-ups 404 the same way.
    allowConsole(/^job sync\/incremental-sync \S+ failed, will retry: Received an error response \(404 Not Found\) from Shopify/, "warn");
    allowConsole(/^job events\/apply-webhook \S+ failed, will retry: Received an error response \(404 Not Found\) from Shopify/, "warn");
    h.startWorkers();
    await h.app.queue.ensureSchedules(); // what the worker re-asserts every minute
    await h.app.queue.enqueue("sweep-events", { olderThanMs: 0 });
    await drainWebhookEvents(h, SHOP, 30_000);
    await expectOrdersMatchSimulator(h, SHOP);
  });
});
