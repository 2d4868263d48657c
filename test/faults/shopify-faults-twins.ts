// Twin shops for the Shopify-fault and webhook-storm scenarios: one store
// generated once, cloned under other domains (same customer and order ids),
// all installed in one in-process harness (same process, same clock). One
// twin runs clean; the others run under faults; their final states
// (test/faults/final-state.ts) must be equal.
import { expect } from "vitest";
import { emptyShop } from "../simulator/generator";
import type { SimShop } from "../simulator/model";
import { emitAll, placeOrder } from "../simulator/store-events";
import { drainWebhookEvents } from "../support/compare";
import { completedJobRun, eventually, waitForQueuesIdle, type Harness } from "../support/harness";
import { diffFinalStates, readFinalState, scenarioFigures, scenarioLine, type FinalState, type ScenarioFigures } from "./final-state";

/** FAULTS_FULL=1 (npm run test:faults): the full run; unset (the main suite): a reduced one. */
export const FULL = process.env.FAULTS_FULL === "1";

export const shopDomain = (name: string) => `${name}-${process.pid}.myshopify.com`;

/** A copy of `source`'s customers and orders (same ids) under another domain. */
export function addTwin(h: Harness, source: SimShop, domain: string): SimShop {
  const twin: SimShop = {
    ...emptyShop({ domain, currency: source.currency, plan: source.plan, grantedScopes: source.grantedScopes }),
    customers: structuredClone(source.customers),
    orders: structuredClone(source.orders),
  };
  h.sim.ctx.shops.set(domain, twin);
  return twin;
}

/**
 * Installs a shop as the admin does and waits for its first write-back (backfill, scoring, tags, segments).
 *
 * The holdout group is a hash of domain and customer id (app/domain/holdout.ts), so twins
 * under different domains would hold out different customers (and so differ in tags and
 * Flow triggers by design): the merchant's setting is 0 % for every twin, stored before
 * the install (the install's upsert keeps an existing shop's settings).
 */
export async function installAndSettle(h: Harness, shop: string, timeoutMs: number): Promise<void> {
  await h.app.db.prisma.shop.create({ data: { domain: shop, grantedScopes: "", settings: { create: { holdoutPercent: 0 } } } });
  const started = new Date();
  await h.install(shop);
  await eventually(() => completedJobRun(h, "write-back", shop, started), timeoutMs, `first write-back of ${shop}`);
}

/** The merchant turns on a workflow using the app's triggers: Flow calls the lifecycle callback. */
export async function enableFlow(h: Harness, shop: string): Promise<void> {
  const body = JSON.stringify({ flow_trigger_definition_id: "1", has_enabled_flow: true, shop_id: 1, shopify_domain: shop, timestamp: new Date().toISOString() });
  const response = await fetch(`${h.appUrl}/flow/lifecycle`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": h.emitter.sign(body) },
  });
  expect(response.status).toBe(200);
}

/** One live order for each customer, the same in every shop (amount, lines, products, time). */
export interface LiveOrder {
  customerId: number;
  amountMinor: number;
  at: number;
  seed: string;
}

/**
 * Customers whose next order moves them (a lapsed or fading customer buying again):
 * taken from the clean shop's scores, the same ids in every twin.
 */
export async function liveOrdersFor(h: Harness, cleanShop: string, count: number, at: number): Promise<LiveOrder[]> {
  const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: cleanShop } });
  const movers = await h.app.db.prisma.customerScore.findMany({
    where: { shopId: shop.id, segment: { in: ["hibernating", "at_risk", "about_to_sleep", "cant_lose", "need_attention", "lost"] } },
    orderBy: { customerId: "asc" },
    take: count,
  });
  return movers.map((m, i) => ({ customerId: Number(m.customerId), amountMinor: 6000 + 500 * (i % 7), at, seed: `live-${i}` }));
}

/** Places the orders in one shop and hands its webhooks to the emitter; returns how many webhooks were emitted. */
export function playOrders(h: Harness, domain: string, orders: LiveOrder[]): number {
  const shop = h.sim.ctx.shops.get(domain)!;
  let webhooks = 0;
  for (const o of orders) {
    const placed = placeOrder(h.sim.ctx, shop, { customer: o.customerId, amountMinor: o.amountMinor, at: o.at, seed: o.seed, lineItems: 1 });
    webhooks += placed.webhooks.length;
    emitAll(h.sim.ctx, shop, placed.webhooks);
  }
  return webhooks;
}

/** Calls `start` once, as soon as `seen` is true (polled every 50 ms); returns a stop function. */
export function onceWhen(seen: () => boolean, start: () => void): () => void {
  const timer = setInterval(() => {
    if (!seen()) return;
    clearInterval(timer);
    start();
  }, 50);
  return () => clearInterval(timer);
}

/** Waits until deliveries, stored events and every queue are done. */
export async function settle(h: Harness, shops: string[], timeoutMs: number): Promise<void> {
  await h.emitter.flush();
  for (const shop of shops) await drainWebhookEvents(h, shop, timeoutMs);
  await waitForQueuesIdle(h, timeoutMs);
}

/**
 * The per-customer Flow trigger counts with their keys sorted: the twins receive
 * the same triggers, not necessarily in the same order (final-state.ts compares
 * them as JSON, where key order counts).
 */
function canonicalFlow(state: FinalState): FinalState {
  const customers = Object.fromEntries(
    Object.entries(state.customers).map(([id, c]) => [id, { ...c, flowTriggers: Object.fromEntries(Object.entries(c.flowTriggers).sort(([a], [b]) => a.localeCompare(b))) }]),
  );
  return { ...state, customers };
}

export async function finalStateOf(h: Harness, shop: string): Promise<FinalState> {
  return readFinalState({ simUrl: h.sim.url, shop, db: h.app.pool.pool });
}

/**
 * Compares a faulted twin with the clean one, prints the scenario line and
 * returns its figures and the differences (empty when equal).
 */
export async function judge(
  h: Harness,
  name: string,
  clean: FinalState,
  faultedShop: string,
  counted: { sent: number; applied: number },
): Promise<{ figures: ScenarioFigures; diff: string[]; state: FinalState }> {
  const state = await finalStateOf(h, faultedShop);
  const figures = scenarioFigures(state, counted);
  const diff = diffFinalStates(canonicalFlow(clean), canonicalFlow(state));
  console.log(scenarioLine(name, figures));
  if (state.duplicated.examples.length) console.log(`  duplicated: ${state.duplicated.examples.join(" | ")}`);
  if (diff.length) console.log(`  differences from the clean twin:\n    ${diff.join("\n    ")}`);
  return { figures, diff, state };
}

/**
 * Events of a twin, counted as final-state.ts's other scenarios count them: sent = the
 * store's orders (what the backfill exports) plus the webhooks the simulator delivered
 * for the shop (unique ids, bulk_operations/finish left out: a signal, not a store
 * event; the customers/update echoes of the app's own tag writes included); applied =
 * the orders stored plus those webhooks stored and processed, or recorded as a safe
 * skip (an echo).
 */
export async function eventCounts(h: Harness, shop: string): Promise<{ sent: number; applied: number }> {
  const ids = [...new Set(h.emitter.getLog({ shop }).filter((a) => a.topic !== "bulk_operations/finish").map((a) => a.webhookId))];
  const applied = await h.app.db.prisma.webhookEvent.count({ where: { shopDomain: shop, webhookId: { in: ids }, status: { in: ["processed", "skipped"] } } });
  const dbShop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  const stored = await h.app.db.prisma.order.count({ where: { shopId: dbShop.id } });
  return { sent: h.sim.ctx.shops.get(shop)!.orders.size + ids.length, applied: stored + applied };
}
