import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder, emitAll, placeOrder, refundOrder } from "../simulator/store-events";
import { createRng } from "../support/random";
import { eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents, expectOrdersMatchSimulator } from "../support/compare";
import { allowConsole } from "../support/console";

const SHOP = `converge-${process.pid}.myshopify.com`;
// The reconciliation and the live write-backs share the standard plan's 100 points/s:
// a write-back can run out of THROTTLED retries and is retried by BullMQ (logged).
allowConsole(/job writeback\/write-back \S+ failed, will retry: .*THROTTLED/, "warn");
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 11, customers: 300, years: 2 });
  h.startWorkers();
  await h.install(SHOP);
  await eventually(async () => {
    const row = await h.app.db.prisma.shop.findUnique({ where: { domain: SHOP } });
    return row?.syncStatus === "completed";
  }, 60_000, "initial sync");
});

afterAll(async () => {
  await h?.close();
});

/** A live stream of orders, refunds and cancellations on the simulated shop. */
function playStream(events: number, seed: number) {
  const shop = h.sim.ctx.shops.get(SHOP)!;
  const rng = createRng(seed);
  const customers = [...shop.customers.keys()];
  const placed: number[] = [];
  for (let i = 0; i < events; i++) {
    const roll = rng();
    if (roll < 0.6 || placed.length < 5) {
      const customer = rng() < 0.1 ? "new" : customers[Math.floor(rng() * customers.length)];
      const result = placeOrder(h.sim.ctx, shop, { customer, amountMinor: 1000 + Math.floor(rng() * 20000) });
      placed.push(result.order.id);
      emitAll(h.sim.ctx, shop, result.webhooks);
    } else {
      const orderId = placed[Math.floor(rng() * placed.length)];
      const order = shop.orders.get(orderId)!;
      if (order.cancelledAt) continue;
      const result = roll < 0.85
        ? refundOrder(h.sim.ctx, shop, orderId, { amountMinor: Math.max(1, Math.floor(order.totalShopMinor / 4)) })
        : cancelOrder(h.sim.ctx, shop, orderId, {});
      emitAll(h.sim.ctx, shop, result.webhooks);
    }
  }
}

describe("webhook stream", () => {
  it("converges to Shopify's state under duplicates, reordering and drops, after reconciliation", async () => {
    h.emitter.setOptions({ duplicateRate: 0.3, reorderWindowMs: 300, dropRate: 0.1, seed: 5 });
    playStream(150, 99);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);

    const dropped = h.emitter.dropped.length;
    expect(dropped).toBeGreaterThan(0); // the fault injection really dropped some
    // Every acknowledged delivery is stored, once per webhook id, however often it came.
    const attempts = h.emitter.getLog({ shop: SHOP });
    const acknowledged = new Set(attempts.filter((a) => a.ok).map((a) => a.webhookId));
    const attempted = new Set(attempts.map((a) => a.webhookId));
    expect(attempts.length).toBeGreaterThan(attempted.size); // duplicates really happened
    const storedIds = new Set(
      (await h.app.db.prisma.webhookEvent.findMany({ where: { shopDomain: SHOP }, select: { webhookId: true } })).map((e) => e.webhookId),
    );
    for (const id of acknowledged) expect(storedIds.has(id)).toBe(true);
    // The app's tag writes go on while the events drain, and Shopify echoes each one: an echo
    // stored after the log was read is logged once its answer is back, so read the log again.
    await h.emitter.flush();
    const attemptedByNow = new Set(h.emitter.getLog({ shop: SHOP }).map((a) => a.webhookId));
    for (const id of storedIds) expect(attemptedByNow.has(id)).toBe(true);

    // Reconciliation catches what the drops lost.
    const run = await h.app.queue.enqueue("incremental-sync", { shop: SHOP });
    await eventually(
      () => h.app.db.prisma.jobRun.findFirst({ where: { name: "incremental-sync", shopDomain: SHOP, jobId: run, status: "completed" } }),
      120_000,
      "incremental sync (paced by the standard plan's 100 points/s)",
    );
    await expectOrdersMatchSimulator(h, SHOP);
  });

  it("applies a clean stream exactly without reconciliation", async () => {
    // Clean = nothing dropped; Shopify still retries a delivery that timed out.
    h.emitter.setOptions({ duplicateRate: 0, reorderWindowMs: 0, dropRate: 0, retry: true, timeFactor: 0.0005 });
    playStream(60, 123);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    await expectOrdersMatchSimulator(h, SHOP);
  });

  it("an older orders/updated never overwrites newer data", async () => {
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const customer = [...shop.customers.keys()][0];
    const placed = placeOrder(h.sim.ctx, shop, { customer, amountMinor: 5000 });
    const refund = refundOrder(h.sim.ctx, shop, placed.order.id, { amountMinor: 1000 });
    // Deliver the newest state first, then the stale creation event.
    emitAll(h.sim.ctx, shop, refund.webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    emitAll(h.sim.ctx, shop, placed.webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    const dbShop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const row = await h.app.db.prisma.order.findUniqueOrThrow({ where: { shopId_id: { shopId: dbShop.id, id: BigInt(placed.order.id) } } });
    expect(Number(row.totalMinor - row.refundedMinor)).toBe(4000);
  });
});
