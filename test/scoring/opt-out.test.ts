// Profiling opt-out: a customer the merchant tags "no-profiling" is, within seconds, not
// scored, carries none of the app's tags or metafields and is in none of its segments or
// Flow payloads; removing the tag brings the customer back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAll, placeOrder, updateCustomer } from "../simulator/store-events";
import { completedJobRun, eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents } from "../support/compare";

const SHOP = `opt-out-${process.pid}.myshopify.com`;
let h: Harness;
let shopId: string;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 41, customers: 300, years: 2 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => completedJobRun(h, "write-back", SHOP, started), 120_000, "initial write-back");
  shopId = (await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
  await h.app.db.prisma.shopSettings.update({ where: { shopId }, data: { flowTriggerEnabled: true } });
});

afterAll(async () => {
  await h?.close();
});

const sim = (id: bigint) => h.sim.ctx.shops.get(SHOP)!.customers.get(Number(id))!;
const appTags = (id: bigint) => sim(id).tags.filter((t) => t.startsWith("rfm:") || t.startsWith("trait:"));
const appMetafields = (id: bigint) => sim(id).metafields.filter((m) => m.namespace === "$app:rfm");

async function setTags(id: bigint, tags: string[]) {
  const shop = h.sim.ctx.shops.get(SHOP)!;
  emitAll(h.sim.ctx, shop, updateCustomer(h.sim.ctx, shop, Number(id), { tags }).webhooks);
  await h.emitter.flush();
  await drainWebhookEvents(h, SHOP);
}

describe("profiling opt-out", () => {
  it("takes a tagged customer out of everything within seconds, keeps the merchant's tags, and a later order fires no Flow", async () => {
    const victim = await h.app.db.prisma.customerScore.findFirstOrThrow({ where: { shopId, frequency: { gte: 2 } } });
    const id = victim.customerId;
    await eventually(async () => appTags(id).length > 0 && appMetafields(id).length > 0, 20_000, "app tags and metafields written");
    const merchantTags = sim(id).tags.filter((t) => !t.startsWith("rfm:") && !t.startsWith("trait:"));
    const started = Date.now();
    await setTags(id, [...sim(id).tags, "No-Profiling"]); // Shopify compares tags case-insensitively

    await eventually(async () => (await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: id } } })) === null, 20_000, "score dropped");
    await eventually(async () => appTags(id).length === 0 && appMetafields(id).length === 0, 20_000, "app tags and metafields removed");
    expect((Date.now() - started) / 1000).toBeLessThan(20);
    expect(sim(id).tags.sort()).toEqual([...merchantTags, "No-Profiling"].sort());
    expect((await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id } } })).optedOut).toBe(true);

    // A new order from an opted-out customer scores nothing and reaches no Flow payload.
    const triggersBefore = h.sim.ctx.flowTriggers.length;
    const shop = h.sim.ctx.shops.get(SHOP)!;
    emitAll(h.sim.ctx, shop, placeOrder(h.sim.ctx, shop, { customer: Number(id), amountMinor: 5000 }).webhooks);
    await h.emitter.flush();
    await drainWebhookEvents(h, SHOP);
    const recompute = new Date();
    await h.app.queue.enqueue("recompute-shop", { shop: SHOP, reason: "test" });
    await eventually(() => completedJobRun(h, "recompute-shop", SHOP, recompute), 60_000, "recompute");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: id } } })).toBeNull();
    const payloads = h.sim.ctx.flowTriggers.slice(triggersBefore).map((t) => t.payload as { customer_id: unknown });
    expect(payloads.some((p) => p.customer_id == Number(id))).toBe(false);
    expect(appTags(id)).toEqual([]);

    // Back in: the tag goes, the customer is scored and tagged again.
    await setTags(id, sim(id).tags.filter((t) => t.toLowerCase() !== "no-profiling"));
    await eventually(async () => (await h.app.db.prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId, customerId: id } } })) !== null, 20_000, "scored again");
    await eventually(async () => appTags(id).some((t) => t.startsWith("rfm:")), 20_000, "segment tag back");
  });

  it("ignores the announcements of the app's own tag writes (recorded as skipped at receipt: no job, no Admin API look-up)", async () => {
    const events = await h.app.db.prisma.webhookEvent.findMany({ where: { shopDomain: SHOP, topic: "customer.tags_added" }, take: 200 });
    const ownWrites = events.filter((e) => !JSON.stringify(e.payload).toLowerCase().includes("no-profiling"));
    expect(ownWrites.length).toBeGreaterThan(0);
    expect(ownWrites.every((e) => e.status === "skipped" && e.error === "not the opt-out tag")).toBe(true);
  });
});
