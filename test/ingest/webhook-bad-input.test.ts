// Bad input through the real webhook route (issue 12, item 4; docs/bad-input.md): every case
// gets a clear HTTP answer or a recorded safe skip, never a crash, and the database is
// unchanged or changed exactly as expected. Already covered elsewhere: bad HMAC and tampered
// bodies (webhook-security, routes/callbacks), a body over the limit (webhook-security), one
// malformed JSON body and one schema failure (webhook-security, routes/callbacks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeOrder } from "../simulator/store-events";
import { customersDataRequestPayload, customersRedactPayload, orderPayload } from "../simulator/webhook-payloads";
import { eventually, startHarness, waitForQueuesIdle, type Harness } from "../support/harness";

const SHOP = `bad-input-${process.pid}.myshopify.com`;
const GONE = `bad-input-gone-${process.pid}.myshopify.com`;
const NEVER = `bad-input-never-${process.pid}.myshopify.com`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 41, customers: 15, years: 1 });
  h.addStore({ domain: GONE, seed: 42, customers: 8, years: 1 });
  h.startWorkers();
  for (const shop of [SHOP, GONE]) await h.install(shop);
  await eventually(async () => {
    const rows = await h.app.db.prisma.shop.findMany({ where: { domain: { in: [SHOP, GONE] } } });
    return rows.length === 2 && rows.every((r) => r.syncStatus === "completed");
  }, 60_000, "initial syncs");
  await waitForQueuesIdle(h);
});

afterAll(async () => {
  await h?.close();
});

type Json = Record<string, unknown>;

const HEADERS = ["X-Shopify-Topic", "X-Shopify-Hmac-Sha256", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"] as const;

/** A signed delivery to the route, as Shopify sends it; `omit` drops headers, `headers` overrides them. */
async function deliver(topic: string, body: string, options: { shop?: string; omit?: string[]; headers?: Record<string, string> } = {}) {
  const webhookId = options.headers?.["X-Shopify-Webhook-Id"] ?? crypto.randomUUID();
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Hmac-Sha256": h.emitter.sign(body),
    "X-Shopify-Shop-Domain": options.shop ?? SHOP,
    "X-Shopify-API-Version": "2026-01",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": crypto.randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    ...options.headers,
  };
  for (const name of options.omit ?? []) delete headers[name];
  const response = await fetch(`${h.appUrl}/webhooks/${topic.split("/")[0] || "x"}`, { method: "POST", body, headers });
  return { status: response.status, text: await response.text(), webhookId };
}

const storedEvent = (webhookId: string) => h.app.db.prisma.webhookEvent.findUnique({ where: { webhookId } });
const eventCount = (shop: string) => h.app.db.prisma.webhookEvent.count({ where: { shopDomain: shop } });

/** The stored event once the worker has finished with it. */
function settled(webhookId: string) {
  return eventually(async () => {
    const event = await storedEvent(webhookId);
    return event && event.status !== "pending" ? event : null;
  }, 20_000, `event ${webhookId} settled`);
}

/** What bad input must not change: the shop's orders and customers as stored (not the scores, which recomputes own). */
async function snapshot(domain: string) {
  const shop = await h.app.db.prisma.shop.findUnique({ where: { domain } });
  if (!shop) return null;
  const [orders, customers] = await Promise.all([
    h.app.db.prisma.order.findMany({
      where: { shopId: shop.id },
      orderBy: { id: "asc" },
      select: { id: true, customerId: true, processedAt: true, shopifyUpdatedAt: true, cancelledAt: true, currency: true, totalMinor: true, refundedMinor: true, discountMinor: true },
    }),
    h.app.db.prisma.customer.findMany({
      where: { shopId: shop.id },
      orderBy: { id: "asc" },
      // Not shopifyUpdatedAt: the app's own tag writes echo back as customers/update.
      select: { id: true, shopifyCreatedAt: true, deletedAt: true, optedOut: true },
    }),
  ]);
  return { installed: shop.uninstalledAt === null, syncStatus: shop.syncStatus, orders, customers };
}

const simShop = (domain: string) => h.sim.ctx.shops.get(domain)!;
const someCustomer = (domain: string) => [...simShop(domain).customers.keys()][0];

/** A well-formed order payload for an order Shopify (the simulator) has; `at` defaults to now. */
function newOrder(domain: string, customer: number | null, amountMinor: number) {
  const placed = placeOrder(h.sim.ctx, simShop(domain), { customer, amountMinor });
  return { order: placed.order, payload: orderPayload(simShop(domain), placed.order) as Json };
}

/** The payload with a value set at a path (objects along it must exist). */
function withValue(payload: Json, path: string, value: unknown): Json {
  const copy = structuredClone(payload);
  const keys = path.split(".");
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return copy;
}

/** Delivers a body that must be refused with 400 and recorded as rejected; the database stays as it was. */
async function expectRejected(topic: string, body: string, error: RegExp, shop = SHOP) {
  const before = await snapshot(shop);
  const answer = await deliver(topic, body, { shop });
  expect(answer.status, `${topic} ${body.slice(0, 80)}`).toBe(400);
  expect(answer.text).toMatch(error);
  const event = await storedEvent(answer.webhookId);
  expect(event).toMatchObject({ status: "rejected", payload: null });
  expect(event!.error).toMatch(error);
  // Nothing was enqueued for it, so nothing changes later either.
  expect(await h.app.queue.getQueue("events").getJob(`webhook-${event!.id}`)).toBeUndefined();
  expect(await snapshot(shop)).toEqual(before);
}

describe("webhook bad input, end to end", () => {
  it("missing headers: 400 for each required header, nothing stored", async () => {
    const { payload } = newOrder(SHOP, someCustomer(SHOP), 1500);
    const body = JSON.stringify(payload);
    const before = await snapshot(SHOP);
    const events = await eventCount(SHOP);
    for (const name of HEADERS) {
      const answer = await deliver("orders/create", body, { omit: [name] });
      expect(answer.status, name).toBe(400);
      expect(await storedEvent(answer.webhookId)).toBeNull();
    }
    expect(await eventCount(SHOP)).toBe(events);
    expect(await snapshot(SHOP)).toEqual(before);
  });

  it("malformed JSON and non-object bodies: 400, recorded as rejected, nothing applied", async () => {
    for (const body of ["{", '{"id": 1,', "[1, 2", "nul", "\u0000"]) await expectRejected("orders/create", body, /JSON/);
    // An empty body is refused by the library before anything is stored.
    const empty = await deliver("orders/create", "");
    expect(empty.status).toBe(400);
    expect(await storedEvent(empty.webhookId)).toBeNull();
    for (const body of ["null", "42", '"an order"', "[]", "true"]) await expectRejected("orders/create", body, /orders\/create payload invalid at \(root\)/);
  });

  it("unknown topics: 400 'unsupported topic', recorded as rejected", async () => {
    const body = JSON.stringify({ id: 1 });
    for (const topic of ["products/create", "orders/edited", "constructor", "__proto__", "toString", "carts/update"]) {
      // The library reports the topic as PRODUCTS_CREATE: it is recorded lower-cased, "/" as "_".
      await expectRejected(topic, body, new RegExp(`^unsupported topic ${topic.toLowerCase().replace("/", "_")}$`));
    }
  });

  it("an unknown shop: 200, then a recorded skip; no shop, order or customer is created", async () => {
    const { payload } = newOrder(SHOP, someCustomer(SHOP), 2200);
    const answer = await deliver("orders/create", JSON.stringify(payload), { shop: NEVER });
    expect(answer.status).toBe(200);
    const event = await settled(answer.webhookId);
    expect(event).toMatchObject({ status: "skipped", error: "unknown shop" });
    expect(await snapshot(NEVER)).toBeNull();
    expect(await h.app.db.prisma.order.count({ where: { id: BigInt(payload.id as number), shop: { domain: NEVER } } })).toBe(0);
  });

  it("an uninstalled shop: orders are skipped and recorded; compliance requests still complete", async () => {
    const uninstalled = await deliver("app/uninstalled", JSON.stringify({ id: 1, myshopify_domain: GONE, email: "owner@example.com" }), { shop: GONE });
    expect(uninstalled.status).toBe(200);
    expect(await settled(uninstalled.webhookId)).toMatchObject({ status: "processed" });
    const before = await snapshot(GONE);
    expect(before?.installed).toBe(false);
    expect(await h.app.db.prisma.session.count({ where: { shop: GONE } })).toBe(0);

    // A customer the app tagged in Shopify (which an installed shop would untag on redact).
    const tagged = await h.app.db.prisma.customer.findFirstOrThrow({ where: { shop: { domain: GONE }, NOT: { appTags: { isEmpty: true } } }, orderBy: { id: "asc" } });
    const customer = Number(tagged.id);
    const { payload } = newOrder(GONE, customer, 4100);
    for (const topic of ["orders/create", "orders/updated"]) {
      const answer = await deliver(topic, JSON.stringify(payload), { shop: GONE });
      expect(answer.status).toBe(200);
      expect(await settled(answer.webhookId)).toMatchObject({ status: "skipped", error: "shop uninstalled" });
    }
    expect(await snapshot(GONE)).toEqual(before);

    // Shopify sends data requests and redactions after an uninstall too: they must not be stuck
    // behind the missing session (the app's tags in Shopify can no longer be removed then).
    const request = await deliver("customers/data_request", JSON.stringify(customersDataRequestPayload(simShop(GONE), customer, [], 9001)), { shop: GONE });
    expect(request.status).toBe(200);
    expect(await settled(request.webhookId)).toMatchObject({ status: "processed" });
    const shopRow = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: GONE } });
    expect(await h.app.db.prisma.dataRequest.count({ where: { shopId: shopRow.id, customerId: BigInt(customer) } })).toBe(1);
    // The customer carries the app's tags in Shopify, which an installed shop would remove first.
    const stored = await h.app.db.prisma.customer.findUniqueOrThrow({ where: { shopId_id: { shopId: shopRow.id, id: BigInt(customer) } } });
    expect(stored.appTags.length).toBeGreaterThan(0);
    const redact = await deliver("customers/redact", JSON.stringify(customersRedactPayload(simShop(GONE), customer, [])), { shop: GONE });
    expect(redact.status).toBe(200);
    expect(await settled(redact.webhookId)).toMatchObject({ status: "processed" });
    expect(await h.app.db.prisma.customerScore.count({ where: { shopId: shopRow.id, customerId: BigInt(customer) } })).toBe(0);
    expect(await h.app.db.prisma.dataRequest.count({ where: { shopId: shopRow.id, customerId: BigInt(customer) } })).toBe(0);
  });

  it("an order without a customer (guest checkout) is stored with no customer, and nothing else changes", async () => {
    const before = await snapshot(SHOP);
    const { order, payload } = newOrder(SHOP, null, 3333);
    expect(payload.customer).toBeNull();
    const answer = await deliver("orders/create", JSON.stringify(payload));
    expect(answer.status).toBe(200);
    expect(await settled(answer.webhookId)).toMatchObject({ status: "processed", error: null });
    const after = await snapshot(SHOP);
    expect(after!.customers).toEqual(before!.customers);
    expect(after!.orders.filter((o) => o.id !== BigInt(order.id))).toEqual(before!.orders);
    expect(after!.orders.find((o) => o.id === BigInt(order.id))).toMatchObject({ customerId: null, totalMinor: 3333n, refundedMinor: 0n });
  });

  it("a zero total is a real order (stored at 0); negative or inexact amounts are refused", async () => {
    const customer = someCustomer(SHOP);
    const before = await snapshot(SHOP);
    const { order, payload } = newOrder(SHOP, customer, 0);
    const answer = await deliver("orders/create", JSON.stringify(payload));
    expect(answer.status).toBe(200);
    expect(await settled(answer.webhookId)).toMatchObject({ status: "processed" });
    const after = await snapshot(SHOP);
    expect(after!.orders.filter((o) => o.id !== BigInt(order.id))).toEqual(before!.orders);
    expect(after!.orders.find((o) => o.id === BigInt(order.id))).toMatchObject({ customerId: BigInt(customer), totalMinor: 0n, refundedMinor: 0n });

    const other = newOrder(SHOP, customer, 1250).payload;
    await expectRejected("orders/create", JSON.stringify(withValue(other, "total_price_set.shop_money.amount", "-12.50")), /total_price_set\.shop_money\.amount: negative amount -12\.50/);
    await expectRejected("orders/create", JSON.stringify(withValue(other, "current_total_price_set.shop_money.amount", "-0.01")), /current_total_price_set\.shop_money\.amount: negative amount/);
    await expectRejected("orders/create", JSON.stringify(withValue(other, "total_discounts_set.shop_money.amount", "-1.00")), /total_discounts_set\.shop_money\.amount: negative amount/);
    await expectRejected("orders/create", JSON.stringify(withValue(other, "total_price_set.shop_money.amount", "12.345")), /more than 2 decimal places/);
    await expectRejected("orders/create", JSON.stringify(withValue(other, "total_price_set.shop_money.amount", "1e3")), /expected a decimal amount/);
    await expectRejected("orders/create", JSON.stringify(withValue(other, "total_price_set.shop_money.amount", "900719925474099.20")), /out of range/);
  });

  it("unknown currencies are refused", async () => {
    const payload = newOrder(SHOP, someCustomer(SHOP), 990).payload;
    await expectRejected("orders/create", JSON.stringify({ ...payload, currency: "ZZZ" }), /currency: unknown currency "ZZZ"/);
    await expectRejected("orders/create", JSON.stringify({ ...payload, currency: "usd" }), /currency: unknown currency "usd"/);
    await expectRejected("orders/create", JSON.stringify({ ...payload, presentment_currency: "DOLLARS" }), /presentment_currency: unknown currency/);
    await expectRejected("orders/create", JSON.stringify(withValue(payload, "total_price_set.shop_money.currency_code", "XBT")), /total_price_set\.shop_money\.currency_code: unknown currency "XBT"/);
  });

  it("far-future dates are refused; ids that cannot be stored exactly are refused", async () => {
    const payload = newOrder(SHOP, someCustomer(SHOP), 1875).payload;
    const in2Days = new Date(Date.now() + 2 * 86_400_000).toISOString();
    for (const field of ["created_at", "updated_at", "processed_at"]) {
      await expectRejected("orders/create", JSON.stringify({ ...payload, [field]: in2Days }), new RegExp(`${field}: .* more than a day after the webhook was received`));
    }
    await expectRejected("orders/updated", JSON.stringify({ ...payload, updated_at: "2999-01-01T00:00:00Z" }), /updated_at: 2999-01-01T00:00:00Z is more than a day/);
    await expectRejected("customers/update", JSON.stringify({ id: someCustomer(SHOP), updated_at: "2999-01-01T00:00:00Z" }), /customers\/update payload invalid at updated_at/);
    await expectRejected("orders/create", JSON.stringify({ ...payload, id: "99999999999999999999" }), /payload invalid at id/);
    await expectRejected("orders/create", JSON.stringify({ ...payload, id: 1e21 }), /payload invalid at id/);
    await expectRejected("customers/delete", JSON.stringify({ id: -5 }), /payload invalid at id/);
  });

  it("duplicate deliveries: one event per webhook id, one order however often it arrives", async () => {
    const customer = someCustomer(SHOP);
    const before = await snapshot(SHOP);
    const { order, payload } = newOrder(SHOP, customer, 4321);
    const body = JSON.stringify(payload);
    const webhookId = crypto.randomUUID();
    // The same delivery three times at once (Shopify retrying a slow answer), then the same
    // event under a new webhook id.
    const answers = await Promise.all([1, 2, 3].map(() => deliver("orders/create", body, { headers: { "X-Shopify-Webhook-Id": webhookId } })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await h.app.db.prisma.webhookEvent.count({ where: { webhookId } })).toBe(1);
    const again = await deliver("orders/create", body);
    expect(again.status).toBe(200);
    for (const id of [webhookId, again.webhookId]) expect(await settled(id)).toMatchObject({ status: "processed" });
    await waitForQueuesIdle(h);
    const after = await snapshot(SHOP);
    expect(after!.customers).toEqual(before!.customers);
    expect(after!.orders.filter((o) => o.id !== BigInt(order.id))).toEqual(before!.orders);
    expect(after!.orders.filter((o) => o.id === BigInt(order.id))).toEqual([expect.objectContaining({ customerId: BigInt(customer), totalMinor: 4321n })]);
  });
});
