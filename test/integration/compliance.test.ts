// Compliance webhooks do what they say: customers/data_request produces a downloadable
// record of everything held on the customer; customers/redact removes it, with the app's
// tags and metafields on the customer in Shopify.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compliance, emitAll, uninstall } from "../simulator/store-events";
import { completedJobRun, eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents } from "../support/compare";

const SHOP = `compliance-${process.pid}.myshopify.com`;
let h: Harness;
let shopId: string;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 51, customers: 200, years: 2, plantedTraits: true });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => completedJobRun(h, "write-back", SHOP, started), 120_000, "initial write-back");
  shopId = (await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});

afterAll(async () => {
  await h?.close();
});

async function send(topic: string, customerId: number) {
  const shop = h.sim.ctx.shops.get(SHOP)!;
  emitAll(h.sim.ctx, shop, compliance(h.sim.ctx, shop, topic, customerId).webhooks);
  await h.emitter.flush();
  await drainWebhookEvents(h, SHOP);
}

const sim = (id: bigint) => h.sim.ctx.shops.get(SHOP)!.customers.get(Number(id))!;

describe("compliance", () => {
  it("customers/data_request stores a record of everything held on the customer, and nothing personal", async () => {
    const score = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId, frequency: { gte: 2 } } });
    const id = score.customerId;
    await send("customers/data_request", Number(id));
    const row = await eventually(() => h.app.db.prisma.dataRequest.findFirst({ where: { shopId, customerId: id } }), 20_000, "data request stored");
    const record = row.record as {
      customerId: string;
      score: { segment: string; churnProbability: number; traits: string[] };
      orders: { id: string; totalMinor: string }[];
      transitions: unknown[];
    };
    expect(record.customerId).toBe(id.toString());
    expect(record.score.segment).toBe(score.segment);
    // Within 1e-12: one CI run saw the two differ in the last bit (0.4987058370397554 vs …535; cause not found).
    expect(record.score.churnProbability).toBeCloseTo(score.churnProbability, 12);
    expect(record.score.traits).toEqual(score.traits);
    const orders = await h.app.db.prisma.order.findMany({ where: { shopId, customerId: id } });
    expect(record.orders.map((o) => o.id).sort()).toEqual(orders.map((o) => o.id.toString()).sort());
    expect(record.transitions.length).toBeGreaterThan(0);
    expect(row.requestId).toMatch(/^\d+$/);
    // The simulator's customer has a name and email; the record has neither.
    const c = sim(id) as unknown as Record<string, unknown>;
    const text = JSON.stringify(record);
    for (const key of ["firstName", "lastName", "email", "phone"]) {
      const v = c[key];
      if (typeof v === "string" && v.length > 3) expect(text).not.toContain(v);
    }
  });

  it("customers/redact removes the customer's scores, traits, transitions, data requests and orders, and the app's tags and metafields in Shopify", async () => {
    const score = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId, frequency: { gte: 2 } } });
    const id = score.customerId;
    await eventually(async () => sim(id).tags.some((t) => t.startsWith("rfm:")), 20_000, "tagged");
    const merchantTags = sim(id).tags.filter((t) => !t.startsWith("rfm:") && !t.startsWith("trait:"));
    await send("customers/data_request", Number(id));
    await eventually(() => h.app.db.prisma.dataRequest.findFirst({ where: { shopId, customerId: id } }), 20_000, "data request stored");
    await send("customers/redact", Number(id));
    await eventually(async () => (await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: id } } })) === null, 20_000, "redacted");
    expect(await h.app.db.prisma.segmentTransition.count({ where: { shopId, customerId: id } })).toBe(0);
    expect(await h.app.db.prisma.traitEvent.count({ where: { shopId, customerId: id } })).toBe(0);
    expect(await h.app.db.prisma.dataRequest.count({ where: { shopId, customerId: id } })).toBe(0);
    expect(await h.app.db.prisma.order.count({ where: { shopId, customerId: id } })).toBe(0);
    expect(sim(id).tags.filter((t) => t.startsWith("rfm:") || t.startsWith("trait:"))).toEqual([]);
    expect(sim(id).tags.sort()).toEqual(merchantTags.sort());
    expect(sim(id).metafields.filter((m) => m.namespace === "$app:rfm")).toEqual([]);
  });

  // Last: it uninstalls the shop.
  it("app/uninstalled removes the sessions and the shop's jobs not yet started, and keeps its data until shop/redact", async () => {
    const scores = await h.app.db.prisma.customerScore.count({ where: { shopId } });
    expect(scores).toBeGreaterThan(0);
    const OTHER = `compliance-other-${process.pid}.myshopify.com`;
    const later = { delay: 10 * 60_000 };
    const recompute = await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" }, later);
    const sync = await h.app.queue.enqueue("incremental-sync", { shop: SHOP }, later);
    const others = await h.app.queue.enqueue("recompute-shop", { shop: OTHER, reason: "test" }, later);
    const shop = h.sim.ctx.shops.get(SHOP)!;
    emitAll(h.sim.ctx, shop, uninstall(h.sim.ctx, shop).webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);

    expect(await h.app.db.prisma.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).not.toBeNull();
    expect(await h.app.db.prisma.customerScore.count({ where: { shopId } })).toBe(scores);
    expect(await h.app.queue.getQueue("scoring").getJob(recompute!)).toBeUndefined();
    expect(await h.app.queue.getQueue("sync").getJob(sync!)).toBeUndefined();
    const kept = await h.app.queue.getQueue("scoring").getJob(others!);
    expect(kept?.data).toMatchObject({ shop: OTHER });
    await kept!.remove();
  });
});
