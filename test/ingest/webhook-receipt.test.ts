// The webhook receipt's fast path (issue 13, item 5; ADR 0009 "Receipt at 1,000/s"):
// - the customers/update that Shopify sends for every tag the app writes carries no tags
//   (API 2025-01 and later): for a customer already stored it is recorded as skipped and
//   never enqueued, while the customer.tags_added/removed announcement beside it is applied;
//   an update for a customer not stored yet, or one that still carries tags, is applied;
// - events are stored in micro-batches: under hundreds of concurrent deliveries (with
//   redeliveries of the same webhook id in flight together, and one payload PostgreSQL
//   refuses) every 2xx has exactly one row, each webhook id is stored once, and the bad
//   payload fails alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAll, updateCustomer } from "../simulator/store-events";
import { orderPayload } from "../simulator/webhook-payloads";
import { eventually, startHarness, type Harness } from "../support/harness";

const SHOP = `receipt-${process.pid}.myshopify.com`;
/** The reason the model records for a skipped echo (app/models/webhook-events.server.ts), written out: the test's own oracle. */
const ECHO_REASON = "customers/update without tags for a customer already stored: nothing the app uses";
let h: Harness;
let shopId: string;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 29, customers: 40, years: 1 });
  h.startWorkers();
  await h.install(SHOP);
  await eventually(async () => (await h.app.db.prisma.shop.findUnique({ where: { domain: SHOP } }))?.syncStatus === "completed", 60_000, "initial sync");
  shopId = (await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id;
});

afterAll(async () => {
  await h?.close();
});

/** A delivery as Shopify makes it, signed by the simulator's emitter (independently of the app's verifier). */
function deliver(topic: string, body: string, webhookId: string = crypto.randomUUID()) {
  return fetch(`${h.appUrl}/webhooks/any`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": h.emitter.sign(body),
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-01",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  });
}

const event = (webhookId: string) => h.app.db.prisma.webhookEvent.findUnique({ where: { webhookId } });
const queuedJob = (eventId: bigint) => h.app.queue.getQueue("events").getJob(`webhook-${eventId}`);
const settled = (webhookId: string) =>
  eventually(
    async () => {
      const e = await event(webhookId);
      return e && e.status !== "pending" ? e : null;
    },
    20_000,
    `event ${webhookId} settled`,
  );

describe("the customers/update echo", () => {
  it("is recorded as skipped and never enqueued for a stored customer, and so is its tag announcement without the opt-out tag", async () => {
    const stored = await h.app.db.prisma.customer.findFirstOrThrow({ where: { shopId, shopifyCreatedAt: { not: null } } });
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const id = Number(stored.id);
    const sentBefore = h.emitter.getLog({ shop: SHOP }).length;
    emitAll(h.sim.ctx, shop, updateCustomer(h.sim.ctx, shop, id, { tags: [...shop.customers.get(id)!.tags, "rfm:test-echo"] }).webhooks);
    await h.emitter.flush();
    const sent = h.emitter.getLog({ shop: SHOP }).slice(sentBefore);
    const update = sent.find((a) => a.topic === "customers/update")!;
    const announcement = sent.find((a) => a.topic === "customer.tags_added")!;
    expect(update.status).toBe(200);
    expect(announcement.status).toBe(200);

    const echo = await event(update.webhookId);
    expect(echo).toMatchObject({ status: "skipped", error: ECHO_REASON, topic: "customers/update" });
    expect(echo!.processedAt).not.toBeNull();
    expect(await queuedJob(echo!.id)).toBeUndefined();
    // The announcement lists only the app's tag, not the opt-out tag: skipped at receipt too.
    const tagEcho = await event(announcement.webhookId);
    expect(tagEcho).toMatchObject({ status: "skipped", error: "not the opt-out tag", topic: "customer.tags_added" });
    expect(await queuedJob(tagEcho!.id)).toBeUndefined();
    // The customer row is as it was.
    const after = await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id: stored.id } } });
    expect(after.shopifyCreatedAt).toEqual(stored.shopifyCreatedAt);
    expect(after.optedOut).toBe(stored.optedOut);
  });

  it("a tag announcement that lists the opt-out tag (any case) is applied: the customer is opted out", async () => {
    const stored = await h.app.db.prisma.customer.findFirstOrThrow({ where: { shopId, shopifyCreatedAt: { not: null }, optedOut: { not: true } } });
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const id = Number(stored.id);
    const sentBefore = h.emitter.getLog({ shop: SHOP }).length;
    emitAll(h.sim.ctx, shop, updateCustomer(h.sim.ctx, shop, id, { tags: [...shop.customers.get(id)!.tags, "No-Profiling"] }).webhooks);
    await h.emitter.flush();
    const announcement = h.emitter.getLog({ shop: SHOP }).slice(sentBefore).find((a) => a.topic === "customer.tags_added")!;
    expect(await settled(announcement.webhookId)).toMatchObject({ status: "processed" });
    const after = await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id: stored.id } } });
    expect(after.optedOut).toBe(true);
  });

  it("is applied for a customer not stored yet: the creation time is stored", async () => {
    const id = 7_700_000_000 + (process.pid % 1000);
    const createdAt = "2026-03-04T05:06:07Z";
    const webhookId = crypto.randomUUID();
    const answer = await deliver("customers/update", JSON.stringify({ id, created_at: createdAt, updated_at: "2026-03-05T00:00:00Z" }), webhookId);
    expect(answer.status).toBe(200);
    expect(await settled(webhookId)).toMatchObject({ status: "processed" });
    const row = await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id: BigInt(id) } } });
    expect(row.shopifyCreatedAt?.toISOString()).toBe("2026-03-04T05:06:07.000Z");
  });

  it("is applied when the payload still carries tags (before API 2025-01): the opt-out tag counts", async () => {
    const stored = await h.app.db.prisma.customer.findFirstOrThrow({ where: { shopId, shopifyCreatedAt: { not: null }, optedOut: { not: true } }, orderBy: { id: "desc" } });
    const webhookId = crypto.randomUUID();
    const body = JSON.stringify({ id: Number(stored.id), created_at: stored.shopifyCreatedAt!.toISOString(), updated_at: new Date().toISOString(), tags: "vip, No-Profiling" });
    expect((await deliver("customers/update", body, webhookId)).status).toBe(200);
    expect(await settled(webhookId)).toMatchObject({ status: "processed" });
    expect((await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId, id: stored.id } } })).optedOut).toBe(true);
  });
});

describe("micro-batched receipt", () => {
  it("stores every acknowledged delivery exactly once under concurrency, redeliveries in flight included, and a refused payload fails alone", async () => {
    await h.stopWorkers(); // only the receipt is under test: events stay pending
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;
    const template = orderPayload(shop, order) as Record<string, unknown>;
    const prefix = `batch-${process.pid}`;
    const bodies = Array.from({ length: 240 }, (_, i) => {
      const id = 8_800_000_000 + i;
      return JSON.stringify({ ...template, id, admin_graphql_api_id: `gid://shopify/Order/${id}` });
    });
    // PostgreSQL's jsonb refuses \u0000 in a string: this delivery cannot be stored.
    const refused = JSON.stringify({ ...template, id: 8_899_999_999, discount_codes: [{ code: "bad\u0000code" }] });
    const deliveries = [
      ...bodies.map((body, i) => ({ webhookId: `${prefix}-${i}`, body })),
      // The first 60 delivered twice at the same moment (Shopify's retry racing the original).
      ...bodies.slice(0, 60).map((body, i) => ({ webhookId: `${prefix}-${i}`, body })),
      { webhookId: `${prefix}-refused`, body: refused },
    ];
    const answers = await Promise.all(deliveries.map((d) => deliver("orders/create", d.body, d.webhookId).then((r) => ({ ...d, status: r.status }))));

    const refusedAnswer = answers.find((a) => a.webhookId === `${prefix}-refused`)!;
    expect(refusedAnswer.status).toBe(500); // not acknowledged: Shopify delivers it again
    const others = answers.filter((a) => a !== refusedAnswer);
    expect(others.every((a) => a.status === 200)).toBe(true);

    const rows = await h.app.db.prisma.webhookEvent.findMany({ where: { webhookId: { startsWith: `${prefix}-` } }, select: { webhookId: true, status: true, payload: true } });
    expect(rows.length).toBe(240);
    expect(new Set(rows.map((r) => r.webhookId))).toEqual(new Set(bodies.map((_, i) => `${prefix}-${i}`)));
    expect(rows.every((r) => r.status === "pending")).toBe(true);
    // Each row holds its own delivery's order.
    for (const r of rows) expect(String((r.payload as { id: string }).id)).toBe(String(8_800_000_000 + Number(r.webhookId.slice(prefix.length + 1))));
  });
});
