import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { factsFromGroupedOrders } from "../../app/domain/population-facts";
import { customerScoreAt } from "../../app/domain/score-shop";
import { rescoreWithChampion, scoreWithChampion } from "../../app/domain/score-with-champion";
import { orderNet } from "../simulator/generator";
import { emitAll, placeOrder } from "../simulator/store-events";
import { completedJobRun, eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents } from "../support/compare";

const SHOP = `recompute-${process.pid}.myshopify.com`;
let h: Harness;
let shopId: string;

const latestRun = (name: string, after: Date) => completedJobRun(h, name, SHOP, after);

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 21, customers: 800, years: 2 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => latestRun("recompute-shop", started), 90_000, "initial recompute");
  shopId = (await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});

afterAll(async () => {
  await h?.close();
});

describe("full recompute", () => {
  it("scores every customer exactly as the domain scorer does on Shopify's data", async () => {
    const scores = await h.app.db.prisma.customerScore.findMany({ where: { shopId } });
    const asOf = scores[0].asOf;
    const sim = h.sim.ctx.shops.get(SHOP)!;
    const byCustomer = new Map<string, { processedAt: string; amountMinor: number }[]>();
    for (const order of sim.orders.values()) {
      if (order.customerId === null || order.test || order.cancelledAt) continue;
      const list = byCustomer.get(String(order.customerId)) ?? [];
      list.push({ processedAt: order.processedAt, amountMinor: orderNet(order).netShopMinor });
      byCustomer.set(String(order.customerId), list);
    }
    // The same data grouped as the database returns it: customers by id, then orders by time.
    const customerIds = [...byCustomer.keys()].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0));
    const offsets = [0];
    const timesMs: number[] = [];
    const amountsMinor: number[] = [];
    for (const id of customerIds) {
      for (const o of byCustomer.get(id)!.sort((x, y) => Date.parse(x.processedAt) - Date.parse(y.processedAt))) {
        timesMs.push(Date.parse(o.processedAt));
        amountsMinor.push(o.amountMinor);
      }
      offsets.push(timesMs.length);
    }
    const grouped = { offsets, timesMs, amountsMinor };
    const { facts, customerIndex } = factsFromGroupedOrders(grouped, asOf);
    const { result, churn } = scoreWithChampion(facts, grouped, { asOf, horizonDays: 90 });
    expect(scores.length).toBe(facts.n);
    const ours = new Map(scores.map((s) => [s.customerId.toString(), s]));
    for (let i = 0; i < facts.n; i++) {
      const e = customerScoreAt(facts, result, i);
      const s = ours.get(customerIds[customerIndex[i]])!;
      expect({ r: s.r, f: s.f, m: s.m, segment: s.segment, frequency: s.frequency, churnModel: s.churnModel }).toEqual({
        r: e.r, f: e.f, m: e.m, segment: e.segment, frequency: e.frequency, churnModel: e.churnModel,
      });
      // The champion's fits are iterative (BFGS): summation order alone moves the last digits.
      expect(s.churnProbability).toBeCloseTo(e.churnProbability, 7);
    }
    const expected = { state: result.state, churn };
    const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(shop.modelKind).toBe(expected.state.model);
    const stored = shop.modelState as { churn: { champion: string; backtest: unknown[] }; churnModel: string };
    expect(stored.churn.champion).toBe(expected.churn.champion);
    expect(stored.churnModel).toBe(expected.state.churnModel);
    expect(stored.churn.backtest.length).toBeGreaterThanOrEqual(3);

    const snapshot = await h.app.db.prisma.segmentSnapshot.findMany({ where: { shopId } });
    expect(snapshot.reduce((sum, s) => sum + s.customers, 0)).toBe(scores.length);
    // First scores are recorded as transitions from no segment.
    expect(await h.app.db.prisma.segmentTransition.count({ where: { shopId, fromSegment: null } })).toBe(scores.length);
  });

  it("a second recompute with no new data records no transitions", async () => {
    const before = await h.app.db.prisma.segmentTransition.count({ where: { shopId } });
    const started = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    const run = await eventually(() => latestRun("recompute-shop", started), 60_000, "second recompute");
    expect((run.stats as { transitions: number }).transitions).toBe(0);
    expect(await h.app.db.prisma.segmentTransition.count({ where: { shopId } })).toBe(before);
  });

  it("a new order rescores that customer live", async () => {
    const sim = h.sim.ctx.shops.get(SHOP)!;
    const score = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId, frequency: 1 } });
    const placed = placeOrder(h.sim.ctx, sim, { customer: Number(score.customerId), amountMinor: 4200 });
    emitAll(h.sim.ctx, sim, placed.webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    const updated = await eventually(async () => {
      const s = await h.app.db.prisma.customerScore.findUniqueOrThrow({ where: { shopId_customerId: { shopId, customerId: score.customerId } } });
      return s.frequency === 2 ? s : null;
    }, 20_000, "live rescore");
    expect(updated.f).toBeGreaterThanOrEqual(2);
    expect(updated.recencyDays).toBe(0);
    expect(Number(updated.monetaryMinor)).toBe(Number(score.monetaryMinor) + 4200);
    // The live path applies the stored champion (no training): the same probability the domain gives from the stored state.
    const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const state = shop.modelState as unknown as Parameters<typeof rescoreWithChampion>[1] & { churn: Parameters<typeof rescoreWithChampion>[2] };
    const orders = [...sim.orders.values()]
      .filter((o) => o.customerId === Number(score.customerId) && !o.test && !o.cancelledAt)
      .map((o) => ({ processedAt: new Date(o.processedAt), amountMinor: orderNet(o).netShopMinor }));
    const expected = rescoreWithChampion(orders, state, state.churn, updated.asOf)!;
    expect(updated.churnModel).toBe(expected.churnModel);
    expect(updated.churnProbability).toBeCloseTo(expected.churnProbability, 9);
  });
});
