// Shopify misbehaving (docs/faults.md, "Shopify faults and webhook storms"):
// 5xx answers, requests that are never answered, answers that come late,
// THROTTLED storms and an expired bulk result URL, injected per shop by the
// simulator (test/simulator/faults.ts) during backfill, write-back and Flow
// delivery. Four twins of one store run in one harness: one clean, one per
// phase under faults; each faulted twin's final state (database and Shopify:
// tags, metafields, segments, Flow triggers) must equal the clean twin's,
// with nothing lost and no effect duplicated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultsOf, type FaultInjector } from "../simulator/faults";
import { allowConsole } from "../support/console";
import { startHarness, type Harness } from "../support/harness";
import type { FinalState } from "./final-state";
import {
  FULL,
  addTwin,
  enableFlow,
  finalStateOf,
  installAndSettle,
  judge,
  liveOrdersFor,
  onceWhen,
  playOrders,
  settle,
  shopDomain,
  eventCounts,
} from "./shopify-faults-twins";

// A request with no answer is abandoned after this long (SHOPIFY_REQUEST_TIMEOUT_MS,
// 30 s in production); read by app/env.server.ts when the harness loads the app.
const REQUEST_TIMEOUT_MS = 1_500;
process.env.SHOPIFY_REQUEST_TIMEOUT_MS = String(REQUEST_TIMEOUT_MS);

const CUSTOMERS = FULL ? 700 : 100; // 700: the first write-back goes through a bulk mutation (> 500 writes)
const LIVE_ORDERS = FULL ? 40 : 12;
const SETTLE_MS = FULL ? 300_000 : 150_000;

const CLEAN = shopDomain("sf-clean");
const BACKFILL = shopDomain("sf-backfill");
const WRITEBACK = shopDomain("sf-writeback");
const FLOW = shopDomain("sf-flow");
const ALL = [CLEAN, BACKFILL, WRITEBACK, FLOW];

// What the app logs while it rides the faults out (retries are the point).
allowConsole(/failed, will retry|Shopify internal error|THROTTLED|aborted due to timeout|Http request error|bulk result/i, "warn");

let h: Harness;
let faults: FaultInjector;
let clean: FinalState;
const sent: Record<string, number> = {};

beforeAll(async () => {
  h = await startHarness();
  faults = faultsOf(h.sim.state);
  const source = h.addStore({ domain: CLEAN, seed: 1205, customers: CUSTOMERS, years: 2, plan: "plus" }).shop;
  for (const twin of [BACKFILL, WRITEBACK, FLOW]) addTwin(h, source, twin);

  // Backfill: the bulk export refused twice, its poll never answered once and answered
  // after the client gave up once, the result download failing and then found expired,
  // metafield definitions refused once, and a THROTTLED storm when it starts.
  faults.failNext(BACKFILL, { status: 503, match: "bulkOperationRunQuery", count: 2 });
  faults.failNext(BACKFILL, { status: 500, match: "metafieldDefinitionCreate", count: 1 });
  faults.hangNext(BACKFILL, { match: /bulkOperation\s*\(/, count: 1 });
  // An answer that comes after the client gave up (a read: nothing happens twice).
  faults.lateNext(BACKFILL, { match: /bulkOperation\s*\(/, count: 1, delayMs: REQUEST_TIMEOUT_MS * 2 });
  faults.failNext(BACKFILL, { status: 502, target: "bulk-file", count: 1 });
  faults.expireNextDownload(BACKFILL, { count: 1 });

  // Write-back: tags and metafields refused, one tag write never answered, slow
  // answers inside the client's timeout, segment creation refused, and one batch
  // refused longer than the client's own retries last.
  faults.failNext(WRITEBACK, { status: 503, match: "tagsAdd", count: 3 });
  faults.failNext(WRITEBACK, { status: 500, match: "metafieldsSet", count: 2 });
  faults.hangNext(WRITEBACK, { match: "tagsAdd", count: 1 });
  faults.lateNext(WRITEBACK, { match: "metafieldsSet", count: 2, delayMs: REQUEST_TIMEOUT_MS / 3 });
  faults.failNext(WRITEBACK, { status: 504, match: "segmentCreate", count: 1 });
  // A ten-second outage for one batch of customers: more 503s in a row than the client
  // retries (per-call writes name their customers; in the full run the first write-back
  // is a bulk mutation, so the outage meets a live write-back instead, below).
  const outage = (customerId: number | null) => faults.failNext(WRITEBACK, { status: 503, match: `gid://shopify/Customer/${customerId}"`, count: 7 });
  if (!FULL) outage([...source.orders.values()].find((o) => o.customerId !== null && !o.test && !o.cancelledAt)!.customerId);
  if (FULL) {
    // More than 500 writes go through a bulk mutation: its upload target and its start refused once.
    faults.failNext(WRITEBACK, { status: 503, match: "stagedUploadsCreate", count: 1 });
    faults.failNext(WRITEBACK, { status: 503, match: "bulkOperationRunMutation", count: 1 });
  }

  h.startWorkers();
  // The backfill twin's storm starts with its first refused export.
  const stopBackfillStorm = onceWhen(
    () => faults.hits.some((x) => x.shop === BACKFILL),
    () => faults.throttleStorm(BACKFILL, { durationMs: 2_000 }),
  );
  // The write-back twin's storm starts with its first write (after its backfill).
  const stopStorm = onceWhen(
    () => faults.hits.some((x) => x.shop === WRITEBACK && /tags|metafields|stagedUploads/.test(x.what)),
    () => faults.throttleStorm(WRITEBACK, { durationMs: 3_000 }),
  );
  try {
    await Promise.all(ALL.map((shop) => installAndSettle(h, shop, SETTLE_MS)));
  } finally {
    stopBackfillStorm();
    stopStorm();
  }
  await settle(h, ALL, SETTLE_MS);

  // Flow: every twin turns the triggers on, then the same customers buy again in each.
  for (const shop of ALL) await enableFlow(h, shop);
  faults.failNext(FLOW, { status: 503, match: "flowTriggerReceive", count: 2 });
  faults.failNext(FLOW, { status: 500, match: "flowTriggerReceive", count: 1 });
  faults.hangNext(FLOW, { match: "flowTriggerReceive", count: 1 });
  faults.lateNext(FLOW, { match: "flowTriggerReceive", count: 2, delayMs: REQUEST_TIMEOUT_MS / 3 });
  faults.failNext(FLOW, { status: 502, match: "tagsAdd", count: 1 });
  const orders = await liveOrdersFor(h, CLEAN, LIVE_ORDERS, Date.now());
  expect(orders.length).toBe(LIVE_ORDERS);
  if (FULL) outage(orders[0].customerId);
  // The Flow twin's storm starts with its first trigger.
  const stopFlowStorm = onceWhen(
    () => faults.hits.some((x) => x.shop === FLOW && x.what === "flowTriggerReceive"),
    () => faults.throttleStorm(FLOW, { durationMs: 2_000 }),
  );
  for (const shop of ALL) sent[shop] = playOrders(h, shop, orders);
  try {
    await settle(h, ALL, SETTLE_MS);
  } finally {
    stopFlowStorm();
  }
  clean = await finalStateOf(h, CLEAN);
}, FULL ? 900_000 : 300_000);

afterAll(async () => {
  await h?.close();
});

/** The faults armed for a shop were all met (else the scenario proved nothing). */
function expectFaultsMet(shop: string, kinds: string[]) {
  expect(faults.describeRemaining(shop), `${shop}: armed faults never met`).toEqual([]);
  const met = new Set(faults.hits.filter((x) => x.shop === shop).map((x) => x.kind));
  for (const k of kinds) expect(met, `${shop}: no ${k} fault was met`).toContain(k);
}

describe("Shopify faults", () => {
  it("the clean twin is a real oracle: scored, tagged, segmented and Flow-triggered, with no effect duplicated", () => {
    const scored = Object.values(clean.customers).filter((c) => c.segment !== null);
    expect(scored.length).toBeGreaterThan(CUSTOMERS / 3);
    for (const c of scored) expect(c.tags.filter((t) => t.startsWith("rfm:") && t !== "rfm:holdout")).toEqual([`rfm:${c.segment}`]);
    expect(clean.segments.length).toBeGreaterThan(0);
    expect(clean.transitionFlow.sent ?? 0).toBeGreaterThan(0);
    expect(clean.duplicated).toMatchObject({ flowTriggers: 0, tagWrites: 0, metafieldWrites: 0 });
    expect(clean.flowLost).toBe(0);
  });

  for (const [name, shop, kinds] of [
    ["backfill under 5xx, a hung poll, a poll answered too late, an expired result URL and a THROTTLED storm", BACKFILL, ["fail", "hang", "late", "expire", "throttled"]],
    ["write-back under 5xx, a hung tag write, slow answers and a THROTTLED storm", WRITEBACK, ["fail", "hang", "late", "throttled"]],
    ["Flow delivery under 5xx, a hung trigger, slow answers and a THROTTLED storm", FLOW, ["fail", "hang", "late", "throttled"]],
  ] as const) {
    it(`${name}: final state equals the clean twin's, nothing lost, nothing duplicated`, async () => {
      expectFaultsMet(shop, [...kinds]);
      const counts = await eventCounts(h, shop);
      expect(counts.sent).toBeGreaterThanOrEqual(sent[shop]);
      const { figures, diff } = await judge(h, name.split(" under")[0].replace(/ /g, "-").toLowerCase(), clean, shop, counts);
      expect(diff).toEqual([]);
      expect(figures.lost).toBe(0);
      expect(figures.duplicated).toBe(0);
    });
  }
});
