import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEGMENT_NAMES, type SegmentKey } from "../../app/domain/segment-map";
import { deleteCustomer, emitAll, placeOrder } from "../simulator/store-events";
import { completedJobRun, eventually, startHarness, waitForQueuesIdle, type Harness } from "../support/harness";
import { drainWebhookEvents } from "../support/compare";

const SHOP = `live-flow-${process.pid}.myshopify.com`;
let h: Harness;
let shopId: string;

const completedRun = (name: string, after: Date) => completedJobRun(h, name, SHOP, after);

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 31, customers: 500, years: 2 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => completedRun("write-back", started), 120_000, "initial write-back");
  shopId = (await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
  // The merchant turns on a workflow using our trigger: Flow calls the lifecycle callback.
  const body = JSON.stringify({ flow_trigger_definition_id: "1", has_enabled_flow: true, shop_id: 1, shopify_domain: SHOP, timestamp: new Date().toISOString() });
  const response = await fetch(`${h.appUrl}/flow/lifecycle`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": h.emitter.sign(body) },
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

const simCustomer = (id: bigint) => h.sim.ctx.shops.get(SHOP)!.customers.get(Number(id))!;

describe("live scoring in Shopify", () => {
  it("every scored customer carries exactly its segment tag", async () => {
    const scores = await h.app.db.prisma.customerScore.findMany({ where: { shopId } });
    expect(scores.length).toBeGreaterThan(100);
    for (const score of scores) {
      const appTags = simCustomer(score.customerId).tags.filter((t) => t.startsWith("rfm:") && t !== "rfm:holdout");
      expect(appTags).toEqual([`rfm:${score.segment}`]);
    }
  });

  it("a new order that wins back a Hibernating customer fires exactly one segment trigger and one 'recovered' trigger, and retags them", async () => {
    const before = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId, segment: "hibernating", frequency: 1 } });
    const customerId = Number(before.customerId);
    const triggersBefore = h.sim.ctx.flowTriggers.length;
    const mine = (handle: string) =>
      h.sim.ctx.flowTriggers.slice(triggersBefore).filter((t) => t.handle === handle && (t.payload as { customer_id: unknown }).customer_id == customerId);
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const placed = placeOrder(h.sim.ctx, shop, { customer: customerId, amountMinor: 9000 });
    const orderedAt = Date.now();
    emitAll(h.sim.ctx, shop, placed.webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);

    const after = await eventually(async () => {
      const s = await h.app.db.prisma.customerScore.findUniqueOrThrow({ where: { shopId_customerId: { shopId, customerId: before.customerId } } });
      return s.segment !== before.segment ? s : null;
    }, 20_000, "segment change");
    expect(after.traits).toContain("recovered");
    expect(after.recoveredAt).not.toBeNull();
    const [moved] = await eventually(async () => (mine("customer-segment-changed").length > 0 ? mine("customer-segment-changed") : null), 20_000, "segment Flow trigger");
    const [recovered] = await eventually(async () => (mine("customer-trait-gained").length > 0 ? mine("customer-trait-gained") : null), 20_000, "trait Flow trigger");
    const seconds = (Date.now() - orderedAt) / 1000;
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate would arrive by now
    expect(mine("customer-segment-changed")).toHaveLength(1);
    expect(mine("customer-trait-gained")).toHaveLength(1);
    expect(seconds).toBeLessThan(20);
    const payload = moved.payload as Record<string, unknown>;
    expect(payload["Previous segment"]).toBe(SEGMENT_NAMES.hibernating);
    expect(payload["New segment"]).toBe(SEGMENT_NAMES[after.segment as SegmentKey]);
    expect(Number(payload["Churn probability"])).toBeCloseTo(after.churnProbability, 4);
    expect(String(payload.Traits).split(", ")).toContain("recovered");
    expect(recovered.payload).toMatchObject({ Trait: "recovered", Segment: SEGMENT_NAMES[after.segment as SegmentKey] });

    await eventually(async () => simCustomer(before.customerId).tags.includes(`rfm:${after.segment}`), 20_000, "new tag in Shopify");
    expect(simCustomer(before.customerId).tags).not.toContain("rfm:hibernating");
    await eventually(async () => simCustomer(before.customerId).tags.includes("trait:recovered"), 20_000, "trait tag in Shopify");
    const traitsMetafield = simCustomer(before.customerId).metafields.find((m) => m.key === "traits");
    expect(JSON.parse(traitsMetafield!.value)).toContain("recovered");

    // A later recompute keeps the recovery (it holds 30 days) and fires nothing new for it.
    const started = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    await eventually(() => completedRun("recompute-shop", started), 60_000, "recompute");
    const kept = await h.app.db.prisma.customerScore.findUniqueOrThrow({ where: { shopId_customerId: { shopId, customerId: before.customerId } } });
    expect(kept.traits).toContain("recovered");
    expect(await h.app.db.prisma.traitEvent.count({ where: { shopId, customerId: before.customerId, trait: "recovered" } })).toBe(1);
  });

  it("a customer deleted in Shopify is dropped everywhere", async () => {
    const victim = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId } });
    const shop = h.sim.ctx.shops.get(SHOP)!;
    emitAll(h.sim.ctx, shop, deleteCustomer(h.sim.ctx, shop, Number(victim.customerId)).webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    expect(await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: victim.customerId } } })).toBeNull();
    const started = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    await eventually(() => completedRun("recompute-shop", started), 60_000, "recompute");
    expect(await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: victim.customerId } } })).toBeNull();
    const customer = await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id: victim.customerId } } });
    expect(customer.deletedAt).not.toBeNull();
  });

  it("a second recompute with no new data makes zero writes to Shopify", async () => {
    await waitForQueuesIdle(h); // earlier tests' write-backs have finished
    // A first recompute takes up what changed since the last one: earlier tests' orders, and the
    // customers whose whole-day recency ticked over while the last write-back was paced (it can
    // take tens of seconds at the standard plan's rate). The one after it has nothing new.
    const settling = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    await eventually(() => completedRun("write-back", settling), 90_000, "settling write-back");
    await waitForQueuesIdle(h);
    const started = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    await eventually(() => completedRun("recompute-shop", started), 60_000, "recompute");
    const writeBack = await eventually(() => completedRun("write-back", started), 60_000, "write-back");
    const stats = writeBack.stats as { customersChanged: number; tagCalls: number; metafieldCalls: number; bulkOperations: number };
    expect(stats.customersChanged).toBe(0);
    expect(stats.tagCalls + stats.metafieldCalls + stats.bulkOperations).toBe(0);
  });
});
