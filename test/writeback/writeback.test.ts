// Write-back through the simulator over HTTP with real PostgreSQL: tags,
// metafields, diff-only behaviour, bulk vs per-call, native segments, Flow.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEGMENT_KEYS, type SegmentKey } from "../../app/domain/segment-map";
import { isHoldout } from "../../app/domain/holdout";
import { eventually, startHarness, type Harness } from "../support/harness";
import { createShop, setScores, type ScoreInput } from "../support/shops";

const pid = process.pid;
const SHOP_A = `wb-a-${pid}.myshopify.com`;
const SHOP_B = `wb-b-${pid}.myshopify.com`;
const SHOP_C = `wb-c-${pid}.myshopify.com`;
const SHOP_FLOW = `wb-flow-${pid}.myshopify.com`;
const SHOP_NOFLOW = `wb-noflow-${pid}.myshopify.com`;
const SHOP_TRAITS = `wb-traits-${pid}.myshopify.com`;
const SHOP_PAGED = `wb-paged-${pid}.myshopify.com`;
const SHOP_ONEPAGE = `wb-onepage-${pid}.myshopify.com`;

let h: Harness;
/** The harness seen through the names these tests use. */
function testEnv(harness: Harness) {
  return {
    sim: harness.sim,
    prisma: harness.app.db.prisma,
    writeback: harness.app.writeBack,
    metafields: harness.app.metafields,
    flow: harness.app.flowTrigger,
    createShop: (domain: string, settings?: Parameters<typeof createShop>[2]) => createShop(harness, domain, settings),
    setScores: (domain: string, shopId: string, inputs: ScoreInput[], asOf?: Date) => setScores(harness, domain, shopId, inputs, asOf),
    client: (domain: string) => harness.app.shopify.adminClientFor(domain),
  };
}
let env: ReturnType<typeof testEnv>;
let shopAId: string;

const BASE_ID = 7_100_000_000;
function customers(n: number, shift = 0): ScoreInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: BASE_ID + i,
    segment: SEGMENT_KEYS[(i + shift) % SEGMENT_KEYS.length],
    r: 1 + (i % 5),
    f: 1 + ((i + 2) % 5),
    m: 1 + ((i + 4) % 5),
    churnProbability: (i % 100) / 100 + 0.001,
    churnModel: i % 2 === 0 ? "supervised" : "bgnbd",
    predictedClv12m: 10 + i * 1.5,
    expectedPurchases90d: (i % 7) / 3,
    merchantTags: i % 3 === 0 ? ["vip", "rfm:vip"] : i % 3 === 1 ? ["wholesale"] : [],
  }));
}

function simCustomer(shop: string, id: number) {
  return env.sim.ctx.shops.get(shop)!.customers.get(id)!;
}

/** What Shopify holds for these customers: tags and metafields, each sorted (to compare two shops' end states). */
function shopifyStateOf(shop: string, inputs: ScoreInput[]) {
  return inputs.map((x) => {
    const sc = simCustomer(shop, x.id);
    return { tags: [...sc.tags].sort(), mf: sc.metafields.map((m) => `${m.namespace}.${m.key}:${m.type}=${m.value}`).sort() };
  });
}

function appTagsOf(tags: string[]) {
  return tags.filter((t) => t.startsWith("rfm:") && t !== "rfm:vip");
}

beforeAll(async () => {
  h = await startHarness({}, { bulkRunMs: 20, bulkStartDelayMs: 5 }, { webhooks: false });
  env = testEnv(h);
});

afterAll(async () => {
  await h?.close();
});

describe("metafield definitions", () => {
  it("creates the eleven $app:rfm customer definitions once", async () => {
    await env.createShop(SHOP_A);
    const client = await env.client(SHOP_A);
    const first = await env.metafields.ensureMetafieldDefinitions(client);
    expect(first.created.sort()).toEqual([
      "churn_model",
      "churn_probability",
      "expected_next_order_date",
      "expected_purchases_90d",
      "f_score",
      "m_score",
      "predicted_clv_12m",
      "r_score",
      "scored_at",
      "segment",
      "traits",
    ]);
    const second = await env.metafields.ensureMetafieldDefinitions(client);
    expect(second.created).toEqual([]);
    const defs = env.sim.state.extras.get(SHOP_A)!.definitions;
    expect(defs.length).toBe(11);
    expect(new Set(defs.map((d) => d.namespace))).toEqual(new Set(["$app:rfm"]));
    expect(defs.find((d) => d.key === "segment")?.type).toBe("single_line_text_field");
    expect(defs.find((d) => d.key === "r_score")?.type).toBe("number_integer");
    expect(defs.find((d) => d.key === "churn_probability")?.type).toBe("number_decimal");
    expect(defs.find((d) => d.key === "churn_model")?.type).toBe("single_line_text_field");
    expect(defs.find((d) => d.key === "scored_at")?.type).toBe("date_time");
    expect(defs.find((d) => d.key === "traits")?.type).toBe("list.single_line_text_field");
    expect(defs.find((d) => d.key === "expected_next_order_date")?.type).toBe("date");
  });
});

describe("write-back per call", () => {
  const inputs = customers(40);

  it("gives every scored customer exactly the right tags and metafields, merchant tags untouched", async () => {
    const shop = await env.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    shopAId = shop.id;
    await env.setScores(SHOP_A, shop.id, inputs);
    const res = await env.writeback.writeBackShop(SHOP_A);
    expect(res.mode).toBe("per-call");
    expect(res.customersChanged).toBe(40);
    expect(res.customersWritten).toBe(40);
    expect(res.errors).toEqual([]);
    expect(res.tagCalls).toBe(40); // one tagsAdd each (nothing to remove yet)
    expect(res.metafieldCalls).toBe(Math.ceil(40 / Math.floor(25 / 9))); // 9 metafields each, whole customers per call of ≤ 25
    expect(res.bulkOperations).toBe(0);

    for (const c of inputs) {
      const sc = simCustomer(SHOP_A, c.id);
      const holdout = isHoldout(SHOP_A, c.id, 10);
      const want = [`rfm:${c.segment}`, ...(holdout ? ["rfm:holdout"] : [])];
      expect(appTagsOf(sc.tags).sort(), `tags of ${c.id}`).toEqual(want.sort());
      for (const t of c.merchantTags ?? []) expect(sc.tags).toContain(t);
      expect(sc.tags.length).toBe((c.merchantTags ?? []).length + want.length);
      const mf = Object.fromEntries(sc.metafields.filter((m) => m.namespace === "$app:rfm").map((m) => [m.key, m]));
      expect(mf.segment?.value).toBe(c.segment);
      expect(mf.r_score?.value).toBe(String(c.r));
      expect(mf.f_score?.value).toBe(String(c.f));
      expect(mf.m_score?.value).toBe(String(c.m));
      expect(mf.churn_probability?.value).toBe(c.churnProbability!.toFixed(4));
      expect(mf.churn_model?.value).toBe(c.churnModel ?? "bgnbd");
      expect(mf.predicted_clv_12m?.value).toBe(c.predictedClv12m!.toFixed(2));
      expect(mf.expected_purchases_90d?.value).toBe(c.expectedPurchases90d!.toFixed(4));
      expect(mf.scored_at?.value).toBe("2026-11-22T00:00:00Z");
      expect(mf.scored_at?.type).toBe("date_time");
      const row = await env.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId: shop.id, id: BigInt(c.id) } }, include: { score: true } });
      expect(row.appTags.sort()).toEqual(want.sort());
      expect(row.score?.writtenHash).toMatch(/^v1:/);
      expect(row.score?.writtenAt).toBeInstanceOf(Date);
      expect(row.score?.holdout).toBe(holdout);
    }
  });

  it("a second write-back with no changes makes zero Shopify requests", async () => {
    const client = await env.client(SHOP_A);
    // A recompute with no new data: same values, a later as-of.
    await env.setScores(SHOP_A, shopAId, inputs, new Date("2026-11-23T00:00:00Z"));
    const res = await env.writeback.writeBackShop(SHOP_A, { client });
    expect(res.customersChanged).toBe(0);
    expect(res.requests).toBe(0);
    expect(client.stats.requests).toBe(0);
    expect(res.tagCalls + res.metafieldCalls + res.bulkOperations).toBe(0);
  });

  it("a segment change replaces the tag (exactly one segment tag) and writes only that customer", async () => {
    const c = inputs.find((x) => x.segment === "champions" && (x.merchantTags ?? []).includes("rfm:vip"))!;
    const before = [...simCustomer(SHOP_A, c.id).tags];
    await env.setScores(SHOP_A, shopAId, [{ ...c, segment: "at_risk", r: 2 }]);
    const res = await env.writeback.writeBackShop(SHOP_A);
    expect(res.customersChanged).toBe(1);
    expect(res.tagCalls).toBe(2); // tagsRemove + tagsAdd
    expect(res.metafieldCalls).toBe(1);
    const after = simCustomer(SHOP_A, c.id).tags;
    const segTags = after.filter((t) => SEGMENT_KEYS.some((k) => t === `rfm:${k}`));
    expect(segTags).toEqual(["rfm:at_risk"]);
    expect(after).toContain("rfm:vip");
    expect(after).toContain("vip");
    expect(after.filter((t) => !t.startsWith("rfm:") || t === "rfm:vip")).toEqual(before.filter((t) => !t.startsWith("rfm:") || t === "rfm:vip"));
    expect(simCustomer(SHOP_A, c.id).metafields.find((m) => m.key === "segment")?.value).toBe("at_risk");
    expect(simCustomer(SHOP_A, c.id).metafields.find((m) => m.key === "r_score")?.value).toBe("2");
    inputs[inputs.indexOf(c)] = { ...c, segment: "at_risk", r: 2 };
  });

  it("customerIds limits the write-back to those customers", async () => {
    const [a, b] = [inputs[1], inputs[2]];
    await env.setScores(SHOP_A, shopAId, [{ ...a, churnProbability: 0.9 }, { ...b, churnProbability: 0.8 }]);
    const res = await env.writeback.writeBackShop(SHOP_A, { customerIds: [String(a.id)] });
    expect(res.customersChanged).toBe(1);
    expect(res.tagCalls).toBe(0);
    expect(res.metafieldCalls).toBe(1);
    expect(simCustomer(SHOP_A, a.id).metafields.find((m) => m.key === "churn_probability")?.value).toBe("0.9000");
    const rest = await env.writeback.writeBackShop(SHOP_A);
    expect(rest.customersChanged).toBe(1);
    inputs[1] = { ...a, churnProbability: 0.9 };
    inputs[2] = { ...b, churnProbability: 0.8 };
  });
});

describe("native segments", () => {
  it("creates one segment per key, never touches a merchant's segment, and counts match", async () => {
    const client = await env.client(SHOP_A);
    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { enabledTraits: [] } }); // trait segments: next test
    const merchant = await client.request<{ segmentCreate: { segment: { id: string; name: string; query: string } } }>(
      `mutation { segmentCreate(name: "RFM: Champions", query: "customer_tags CONTAINS 'vip'") { segment { id name query } userErrors { message } } }`,
    );
    const merchantId = merchant.segmentCreate.segment.id;
    const merchantBefore = { ...env.sim.state.extras.get(SHOP_A)!.segments.get(Number(merchantId.split("/").pop()))! };

    const first = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(first.created.length).toBe(10);
    expect(first.conflicts).toEqual([{ key: "champions", wanted: "RFM: Champions", used: "RFM: Champions (RFM app)" }]);
    const merchantAfter = env.sim.state.extras.get(SHOP_A)!.segments.get(Number(merchantId.split("/").pop()))!;
    expect(merchantAfter).toEqual(merchantBefore);

    const rows = await env.prisma.shopSegment.findMany({ where: { shopId: shopAId } });
    expect(rows.length).toBe(10);
    expect(rows.some((r) => r.shopifySegmentId === merchantId)).toBe(false);
    expect(env.sim.state.extras.get(SHOP_A)!.segments.size).toBe(11);

    const counts = await env.prisma.customerScore.groupBy({ by: ["segment"], where: { shopId: shopAId }, _count: true });
    const ours = new Map(counts.map((c) => [c.segment, c._count]));
    for (const row of rows) {
      const data = await client.request<{ customerSegmentMembers: { totalCount: number } }>(
        `query($id: ID!) { customerSegmentMembers(segmentId: $id, first: 1) { totalCount } }`,
        { id: row.shopifySegmentId },
      );
      expect(data.customerSegmentMembers.totalCount, row.segmentKey).toBe(ours.get(row.segmentKey) ?? 0);
      expect(row.query).toBe(`customer_tags CONTAINS 'rfm:${row.segmentKey}'`);
    }

    const second = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(second.mutations).toBe(0);
    expect(second.unchanged.length).toBe(10);
    expect(env.sim.state.extras.get(SHOP_A)!.segments.size).toBe(11);
  });

  it("renames and re-queries only its own segments when the prefix changes", async () => {
    const client = await env.client(SHOP_A);
    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { tagPrefix: "seg-" } });
    const res = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(res.updated.length).toBe(10);
    expect(res.created.length).toBe(0);
    const segs = [...env.sim.state.extras.get(SHOP_A)!.segments.values()];
    expect(segs.find((s) => s.name === "RFM: Champions")?.query).toBe("customer_tags CONTAINS 'vip'");
    expect(segs.filter((s) => s.query.startsWith("customer_tags CONTAINS 'seg-")).length).toBe(10);
    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { tagPrefix: "rfm:" } });
    const back = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(back.updated.length).toBe(10);
  });
});

describe("bulk mode", () => {
  it("produces the same end state as per-call mode", async () => {
    const inputs = customers(30, 3);
    const b = await env.createShop(SHOP_B, { holdoutPercent: 0 });
    const c = await env.createShop(SHOP_C, { holdoutPercent: 0 });
    await env.setScores(SHOP_B, b.shop.id, inputs);
    await env.setScores(SHOP_C, c.shop.id, inputs);
    const perCall = await env.writeback.writeBackShop(SHOP_B, { mode: "per-call" });
    const bulk = await env.writeback.writeBackShop(SHOP_C, { bulkThreshold: 5, pollMs: 20 });
    expect(perCall.mode).toBe("per-call");
    expect(bulk.mode).toBe("bulk");
    expect(bulk.bulkOperations).toBe(2); // tagsAdd + metafieldsSet (nothing to remove)
    expect(bulk.errors).toEqual([]);
    expect(bulk.customersWritten).toBe(30);
    expect(bulk.errors).toEqual([]);
    const ops = await env.prisma.writeBackOperation.findMany({ where: { shopId: c.shop.id } });
    expect(ops.length).toBe(2);
    expect(ops.every((o) => o.status === "completed" && o.finishedAt)).toBe(true);

    expect(shopifyStateOf(SHOP_C, inputs)).toEqual(shopifyStateOf(SHOP_B, inputs));

    // Segment change for everybody, in bulk: tagsRemove, tagsAdd and metafieldsSet runs.
    const changed = inputs.map((x) => ({ ...x, segment: SEGMENT_KEYS[(SEGMENT_KEYS.indexOf(x.segment) + 1) % SEGMENT_KEYS.length] as SegmentKey }));
    await env.setScores(SHOP_B, b.shop.id, changed);
    await env.setScores(SHOP_C, c.shop.id, changed);
    await env.writeback.writeBackShop(SHOP_B, { mode: "per-call" });
    const bulk2 = await env.writeback.writeBackShop(SHOP_C, { mode: "bulk", pollMs: 20 });
    expect(bulk2.bulkOperations).toBe(3);
    expect(shopifyStateOf(SHOP_C, inputs)).toEqual(shopifyStateOf(SHOP_B, inputs));
    for (const x of changed) expect(appTagsOf(simCustomer(SHOP_C, x.id).tags)).toEqual([`rfm:${x.segment}`]);

    const again = await env.writeback.writeBackShop(SHOP_C, { mode: "bulk" });
    expect(again.customersChanged).toBe(0);
    expect(again.requests).toBe(0);
  });
});

describe("a full write-back in pages", () => {
  it("writes every customer once, page by page, with the end state of one page", async () => {
    const inputs = customers(30, 5);
    const one = await env.createShop(SHOP_ONEPAGE, { holdoutPercent: 0 });
    const paged = await env.createShop(SHOP_PAGED, { holdoutPercent: 0 });
    await env.setScores(SHOP_ONEPAGE, one.shop.id, inputs);
    await env.setScores(SHOP_PAGED, paged.shop.id, inputs);
    const whole = await env.writeback.writeBackShop(SHOP_ONEPAGE, { bulkThreshold: 5, pollMs: 20 });
    // Pages of 7: 7, 7, 7, 7 and 2 customers; the four full pages go bulk (2 operations each), the last per call.
    const res = await env.writeback.writeBackShop(SHOP_PAGED, { bulkThreshold: 5, pollMs: 20, pageSize: 7 });
    expect(whole.bulkOperations).toBe(2);
    expect(res.bulkOperations).toBe(8);
    expect(res.customersConsidered).toBe(30);
    expect(res.customersWritten).toBe(30);
    expect(res.mode).toBe("bulk");
    expect(res.errors).toEqual([]);
    expect(shopifyStateOf(SHOP_PAGED, inputs)).toEqual(shopifyStateOf(SHOP_ONEPAGE, inputs));
    expect((await env.writeback.writeBackShop(SHOP_PAGED, { pageSize: 7 })).requests).toBe(0);
  });
});

describe("trait segments and tags", () => {
  it("keeps one native segment per enabled trait, deletes only its own when a trait is turned off", async () => {
    const client = await env.client(SHOP_A);
    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { enabledTraits: ["discount_seeker", "recovered"] } });
    const res = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(res.created.sort()).toEqual(["trait:discount_seeker", "trait:recovered"]);
    const segs = () => [...env.sim.state.extras.get(SHOP_A)!.segments.values()];
    expect(segs().find((s) => s.name === "RFM trait: Discount seeker")?.query).toBe("customer_tags CONTAINS 'trait:discount_seeker'");
    expect(segs().find((s) => s.name === "RFM trait: Recovered")?.query).toBe("customer_tags CONTAINS 'trait:recovered'");
    const total = segs().length;

    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { enabledTraits: ["discount_seeker"] } });
    const off = await env.writeback.writeNativeSegments(SHOP_A, { client });
    expect(off.deleted).toEqual(["trait:recovered"]);
    expect(segs().length).toBe(total - 1);
    expect(segs().some((s) => s.name === "RFM: Champions" && s.query === "customer_tags CONTAINS 'vip'")).toBe(true); // the merchant's, untouched
    await env.prisma.shopSettings.update({ where: { shopId: shopAId }, data: { enabledTraits: [] } });
    expect((await env.writeback.writeNativeSegments(SHOP_A, { client })).deleted).toEqual(["trait:discount_seeker"]);
  });

  it("writes trait tags and metafields diff-only, leaves the merchant's tags, and removes them when the trait goes", async () => {
    const { shop } = await env.createShop(SHOP_TRAITS, { enabledTraits: ["discount_seeker", "vip_at_risk"], holdoutPercent: 0 });
    await env.setScores(SHOP_TRAITS, shop.id, [
      { id: 7_300_000_001, segment: "at_risk", traits: ["discount_seeker", "one_and_done", "vip_at_risk"], expectedNextOrderAt: new Date("2026-12-14T00:00:00Z"), merchantTags: ["trait:vip", "wholesale"] },
    ]);
    const client = await env.client(SHOP_TRAITS);
    await env.writeback.writeBackShop(SHOP_TRAITS, { client });
    const sim = () => env.sim.ctx.shops.get(SHOP_TRAITS)!.customers.get(7_300_000_001)!;
    expect(sim().tags.sort()).toEqual(["rfm:at_risk", "trait:discount_seeker", "trait:vip", "trait:vip_at_risk", "wholesale"]);
    const mf = (key: string) => sim().metafields.find((m) => m.namespace === "$app:rfm" && m.key === key);
    expect(mf("traits")).toMatchObject({ type: "list.single_line_text_field", value: '["discount_seeker","vip_at_risk"]' });
    expect(mf("expected_next_order_date")).toMatchObject({ type: "date", value: "2026-12-14" });
    // Unchanged: zero requests.
    expect((await env.writeback.writeBackShop(SHOP_TRAITS, { client })).requests).toBe(0);

    // The traits go: only the app's trait tags are removed, the metafields deleted.
    await env.setScores(SHOP_TRAITS, shop.id, [{ id: 7_300_000_001, segment: "at_risk", traits: [] }]);
    const res = await env.writeback.writeBackShop(SHOP_TRAITS, { client });
    expect(res.errors).toEqual([]);
    expect(sim().tags.sort()).toEqual(["rfm:at_risk", "trait:vip", "wholesale"]);
    expect(mf("traits")).toBeUndefined();
    expect(mf("expected_next_order_date")).toBeUndefined();
    expect(mf("segment")?.value).toBe("at_risk");
    expect((await env.writeback.writeBackShop(SHOP_TRAITS, { client })).requests).toBe(0);
  });
});

describe("Flow trigger", () => {
  it("fires exactly once with the right payload when enabled", async () => {
    const { shop } = await env.createShop(SHOP_FLOW, { flowTriggerEnabled: true });
    await env.setScores(SHOP_FLOW, shop.id, [
      { id: 7_200_000_001, segment: "at_risk", churnProbability: 0.61234, predictedClv12m: 84.567, traits: ["discount_seeker", "vip_at_risk"], expectedNextOrderAt: new Date("2026-12-14T00:00:00Z") },
    ]);
    const t = await env.prisma.segmentTransition.create({
      data: { shopId: shop.id, customerId: 7_200_000_001n, fromSegment: "loyal_customers", toSegment: "at_risk", reason: {}, flowStatus: "pending" },
    });
    const before = env.sim.ctx.flowTriggers.length;
    const first = await env.flow.fireSegmentChanged(SHOP_FLOW, t.id.toString());
    expect(first.outcome).toBe("sent");
    const again = await env.flow.fireSegmentChanged(SHOP_FLOW, t.id.toString());
    expect(again.outcome).toBe("already-sent");
    // Concurrent retries serialize on the row: still exactly one.
    await Promise.all([env.flow.fireSegmentChanged(SHOP_FLOW, t.id), env.flow.fireSegmentChanged(SHOP_FLOW, t.id)]);
    const fired = env.sim.ctx.flowTriggers.slice(before).filter((x) => x.shop === SHOP_FLOW);
    expect(fired.length).toBe(1);
    expect(fired[0].handle).toBe("customer-segment-changed");
    expect(fired[0].payload).toEqual({
      customer_id: 7_200_000_001,
      "Previous segment": "Loyal Customers",
      "New segment": "At Risk",
      "Churn probability": 0.6123,
      "Predicted value": 84.57,
      Traits: "discount_seeker, vip_at_risk",
      "Expected next order date": "2026-12-14",
    });
    const row = await env.prisma.segmentTransition.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.flowStatus).toBe("sent");
  });

  it("a row left 'sending' by a worker that died is sent once its claim's lease ends (the retry waits, it does not complete)", async () => {
    const SHOP_TAKEOVER = `wb-takeover-${pid}.myshopify.com`;
    const { shop } = await env.createShop(SHOP_TAKEOVER, { flowTriggerEnabled: true });
    await env.setScores(SHOP_TAKEOVER, shop.id, [{ id: 7_200_000_003, segment: "at_risk" }]);
    // Claimed 5 minutes (the lease) minus 3 seconds ago by a worker that is gone.
    const t = await env.prisma.segmentTransition.create({
      data: { shopId: shop.id, customerId: 7_200_000_003n, fromSegment: "champions", toSegment: "at_risk", reason: {}, flowStatus: "sending", flowClaimedAt: new Date(Date.now() - 5 * 60_000 + 3000) },
    });
    h.startWorkers();
    try {
      await h.app.queue.enqueue("flow-trigger", { shop: SHOP_TAKEOVER, transitionId: t.id.toString() });
      const row = await eventually(async () => {
        const r = await env.prisma.segmentTransition.findUniqueOrThrow({ where: { id: t.id } });
        return r.flowStatus === "sent" ? r : null;
      }, 30_000, "taken over and sent");
      expect(row.flowStatus).toBe("sent");
      expect(env.sim.ctx.flowTriggers.filter((x) => x.shop === SHOP_TAKEOVER).map((x) => (x.payload as { customer_id: number }).customer_id)).toEqual([7_200_000_003]);
    } finally {
      await h.stopWorkers();
    }
  });

  it("does not fire when the shop has no enabled workflow", async () => {
    const { shop } = await env.createShop(SHOP_NOFLOW, { flowTriggerEnabled: false });
    await env.setScores(SHOP_NOFLOW, shop.id, [{ id: 7_200_000_002, segment: "champions" }]);
    const t = await env.prisma.segmentTransition.create({
      data: { shopId: shop.id, customerId: 7_200_000_002n, fromSegment: null, toSegment: "champions", reason: {}, flowStatus: "pending" },
    });
    const res = await env.flow.fireSegmentChanged(SHOP_NOFLOW, t.id);
    expect(res.outcome).toBe("disabled");
    expect(env.sim.ctx.flowTriggers.filter((x) => x.shop === SHOP_NOFLOW)).toEqual([]);
  });

  it("the lifecycle callback verifies the HMAC and records enable/disable", async () => {
    const { action } = await import("../../app/routes/flow.lifecycle");
    const send = async (body: object, secret = "local-dev-secret") => {
      const raw = JSON.stringify(body);
      const hmac = createHmac("sha256", secret).update(raw).digest("base64");
      return action({ request: new Request("http://app.local/flow/lifecycle", { method: "POST", body: raw, headers: { "x-shopify-hmac-sha256": hmac, "content-type": "application/json" } }), params: {}, context: {} });
    };
    const payload = { flow_trigger_definition_id: "customer-segment-changed", has_enabled_flow: true, shop_id: 1, shopify_domain: SHOP_NOFLOW, timestamp: "2026-11-22T10:00:00Z" };
    expect((await send(payload, "wrong-secret")).status).toBe(401);
    const settings = () => env.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_NOFLOW }, include: { settings: true } });
    expect((await settings()).settings?.flowTriggerEnabled).toBe(false);
    expect((await send(payload)).status).toBe(200);
    expect((await settings()).settings?.flowTriggerEnabled).toBe(true);
    expect((await send({ ...payload, has_enabled_flow: false })).status).toBe(200);
    expect((await settings()).settings?.flowTriggerEnabled).toBe(false);
  });
});
