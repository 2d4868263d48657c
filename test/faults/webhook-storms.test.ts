// Webhook storms (docs/faults.md, "Shopify faults and webhook storms"): the
// same live stream (orders, partial refunds, cancellations) played on three
// twins of one store — delivered cleanly, in a storm of duplicates and
// reordering, and in a storm that also drops deliveries. Shopify itself can
// drop a webhook; the app's path back is the reconciliation (`reconcile-all`
// every 10 minutes: `incremental-sync` re-reads what changed since the last
// good sync, then `recompute-shop`). Each storm twin's final state must equal
// the clean twin's, with nothing lost and no effect duplicated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder, emitAll, refundOrder } from "../simulator/store-events";
import { allowConsole } from "../support/console";
import { completedJobRun, eventually, startHarness, type Harness } from "../support/harness";
import type { FinalState } from "./final-state";
import {
  FULL,
  addTwin,
  enableFlow,
  finalStateOf,
  installAndSettle,
  judge,
  liveOrdersFor,
  playOrders,
  settle,
  shopDomain,
  eventCounts,
  type LiveOrder,
} from "./shopify-faults-twins";

const CUSTOMERS = FULL ? 600 : 80;
const LIVE_ORDERS = FULL ? 60 : 15;
const SETTLE_MS = FULL ? 300_000 : 150_000;

const CLEAN = shopDomain("ws-clean");
const STORM = shopDomain("ws-storm");
const DROPS = shopDomain("ws-drops");
const ALL = [CLEAN, STORM, DROPS];

// Live write-backs and reconciliation share the shop's bucket: a THROTTLED retry is logged.
allowConsole(/failed, will retry: .*THROTTLED/, "warn");

let h: Harness;
let orders: LiveOrder[];
const emittedWebhooks: Record<string, number> = {};

/**
 * The stream, in every twin at once, in two phases: the orders; then a partial
 * refund of every third and a cancellation of every fifth (the same amounts in
 * every twin). Each phase is applied before the next starts: what the app
 * makes of an order and its cancellation arriving together (one rescore, no
 * move) differs from an order scored before its cancellation came (a move and
 * a move back, each a Flow trigger), storm or not. Within a phase deliveries
 * are duplicated and shuffled, across customers and within one order's
 * refunds/create, orders/updated and orders/cancelled.
 */
async function playStream(domains: string[]): Promise<void> {
  const before = new Map(domains.map((d) => [d, h.sim.ctx.shops.get(d)!.orders.size]));
  for (const domain of domains) emittedWebhooks[domain] = playOrders(h, domain, orders);
  await settle(h, domains, SETTLE_MS);
  for (const domain of domains) {
    const shop = h.sim.ctx.shops.get(domain)!;
    const placed = [...shop.orders.values()].slice(before.get(domain));
    placed.forEach((order, i) => {
      const changed =
        i % 5 === 4 ? cancelOrder(h.sim.ctx, shop, order.id, { at: orders[i].at + 60_000 })
        : i % 3 === 2 ? refundOrder(h.sim.ctx, shop, order.id, { amountMinor: Math.floor(order.totalShopMinor / 4), at: orders[i].at + 30_000 })
        : null;
      if (!changed) return;
      emittedWebhooks[domain] += changed.webhooks.length;
      emitAll(h.sim.ctx, shop, changed.webhooks);
    });
  }
  await settle(h, domains, SETTLE_MS);
}

/** What `reconcile-all` does for a shop, then waits for it and the recompute it starts. */
async function reconcile(domain: string) {
  const started = new Date();
  await h.app.queue.enqueue("incremental-sync", { shop: domain });
  await eventually(() => completedJobRun(h, "incremental-sync", domain, started), SETTLE_MS, `incremental sync of ${domain}`);
}

/** The nightly refit (`recompute-all`) for a shop, and the write-back and Flow it starts. */
async function nightly(domain: string) {
  const started = new Date();
  await h.app.queue.enqueue("recompute-shop", { shop: domain, reason: "fault suite: nightly" });
  await eventually(() => completedJobRun(h, "recompute-shop", domain, started), SETTLE_MS, `recompute of ${domain}`);
}

let clean: FinalState;

beforeAll(async () => {
  h = await startHarness();
  const source = h.addStore({ domain: CLEAN, seed: 4242, customers: CUSTOMERS, years: 2, plan: "plus" }).shop;
  addTwin(h, source, STORM);
  addTwin(h, source, DROPS);
  h.startWorkers();
  await Promise.all(ALL.map((shop) => installAndSettle(h, shop, SETTLE_MS)));
  await settle(h, ALL, SETTLE_MS);
  for (const shop of ALL) await enableFlow(h, shop);
  orders = await liveOrdersFor(h, CLEAN, LIVE_ORDERS, Date.now());
  expect(orders.length).toBe(LIVE_ORDERS);

  // Clean delivery: each webhook once, in order (a timed-out delivery is retried, as Shopify does).
  h.emitter.setOptions({ duplicateRate: 0, reorderWindowMs: 0, dropRate: 0, retry: true, timeFactor: 0.0005, seed: 12 });
  // Half the deliveries twice, all of them shuffled within 800 ms; and the same with one in six never sent.
  h.emitter.setShopFaults(STORM, { duplicateRate: 0.5, reorderWindowMs: 800 });
  h.emitter.setShopFaults(DROPS, { duplicateRate: 0.5, reorderWindowMs: 800, dropRate: 1 / 6 });
  try {
    await playStream(ALL);
  } finally {
    h.emitter.setShopFaults(STORM, null);
    h.emitter.setShopFaults(DROPS, null);
  }
  // The ten-minute reconciliation runs for every shop.
  await Promise.all(ALL.map(reconcile));
  await settle(h, ALL, SETTLE_MS);
  clean = await finalStateOf(h, CLEAN);
}, FULL ? 900_000 : 300_000);

afterAll(async () => {
  await h?.close();
});

/** Differences that depend on the path, not on the data: when a change is learnt late, the history of moves differs. */
const HISTORY = /: (transitions|traitEvents|flowTriggers) clean|^(transitionFlow|traitEventFlow):/;

/**
 * A known gap (docs/faults.md): the reconciliation's order pages carry no line items,
 * so an order learnt only from it has no product-type spends and the customer's
 * category_specialist trait can differ from the clean twin's until the next full
 * backfill. Allowed only for customers whose orders/create was dropped.
 */
function productTypeGap(line: string, droppedOrderCustomers: Set<string>): boolean {
  const m = /^customer (\d+): (traits|appTags|tags|metafield \$app:rfm\.traits) clean (.*) faulted (.*)$/.exec(line);
  if (!m || !droppedOrderCustomers.has(m[1])) return false;
  const strip = (v: string) => v.replace(/,?\\?"(trait:)?category_specialist\\?"/g, "").replace(/\[,/, "[");
  return strip(m[3]) === strip(m[4]);
}

describe("webhook storms", () => {
  it("the storms really happened: duplicates, reordering and drops", () => {
    const copies = (domain: string) => h.emitter.emitted.filter((w) => w.shop === domain && w.copies > 1).length;
    expect(copies(CLEAN)).toBe(0);
    expect(copies(STORM)).toBeGreaterThan(0);
    expect(h.emitter.dropped.filter((w) => w.shop === DROPS).length).toBeGreaterThan(0);
    expect(h.emitter.dropped.filter((w) => w.shop !== DROPS).length).toBe(0);
  });

  it("duplicates and reordering: final state equals the clean twin's, nothing lost, nothing duplicated", async () => {
    // Everything Shopify sent the shop: the stream, and the customers/update echoes of the app's own tag writes.
    const counts = await eventCounts(h, STORM);
    expect(counts.sent).toBeGreaterThanOrEqual(emittedWebhooks[STORM]);
    const { figures, diff } = await judge(h, "webhook-storm-duplicates-reordered", clean, STORM, counts);
    expect(diff).toEqual([]);
    expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
  });

  it("drops too: after the reconciliation and the nightly refit of both, the final state equals the clean twin's", async () => {
    // Dropped webhooks never reach the app: they count as applied when the reconciliation stored their change.
    const counts = await eventCounts(h, DROPS);
    const dropped = h.emitter.dropped.filter((w) => w.shop === DROPS).length;
    expect(counts.sent + dropped).toBeGreaterThanOrEqual(emittedWebhooks[DROPS]);
    // The reconciliation found the dropped changes and refit the shop; the clean twin gets its nightly refit too.
    await Promise.all([nightly(CLEAN), nightly(DROPS)]);
    await settle(h, [CLEAN, DROPS], SETTLE_MS);
    const refitClean = await finalStateOf(h, CLEAN);
    const state = await finalStateOf(h, DROPS);
    const recovered = state.orders.missing === 0 && state.orders.customersOff === 0 ? dropped : 0;
    const { figures, diff } = await judge(h, "webhook-storm-with-drops", refitClean, DROPS, { sent: counts.sent + dropped, applied: counts.applied + recovered });
    // The history (which moves were made, so which Flow triggers fired) can differ: a change
    // learnt from the reconciliation is scored by the refit, not live.
    const droppedOrderCustomers = new Set(
      h.emitter.dropped
        .filter((w) => w.shop === DROPS && w.topic === "orders/create")
        .map((w) => String((w.payload as { customer?: { id?: number } } | undefined)?.customer?.id)),
    );
    const gap = diff.filter((line) => productTypeGap(line, droppedOrderCustomers));
    if (gap.length) console.log(`  known gap (product types of reconciled orders): ${gap.length} lines`);
    expect(diff.filter((line) => !HISTORY.test(line) && !gap.includes(line))).toEqual([]);
    expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
  });
});
