// /_sim/* JSON control API of the simulator, for tests, the demo and
// benchmarks running in another process. Bodies are validated with zod;
// bad input → 400 with a message naming the field.
//
//   POST /_sim/shops                                   create (generate | cdnow | empty)
//   GET  /_sim/shops                                   list summaries
//   GET  /_sim/shops/{domain}                          summary
//   GET  /_sim/shops/{domain}/truth                    ground truth (generated shops)
//   GET  /_sim/shops/{domain}/personal-data            every customer's and guest buyer's personal data (privacy scan)
//   GET  /_sim/shops/{domain}/stats[?perCustomer=1]    counts (+ per-customer counted orders / net minor)
//   GET  /_sim/shops/{domain}/stats/customers          same per-customer rows as NDJSON (streamed)
//   POST /_sim/shops/{domain}/orders                   place an order
//   POST /_sim/shops/{domain}/orders/{id}/cancel|refund|update
//   GET  /_sim/shops/{domain}/orders/{id}              order (model form)
//   POST /_sim/shops/{domain}/customers                create a customer
//   GET  /_sim/shops/{domain}/customers                every customer's tags and metafields (fault suite)
//   GET  /_sim/shops/{domain}/customers/{id}           tags, metafields (write-back checks)
//   GET  /_sim/shops/{domain}/segments                 the shop's customer segments (name, query)
//   POST /_sim/shops/{domain}/customers/{id}/update|delete
//   POST /_sim/shops/{domain}/uninstall | /reinstall
//   POST /_sim/shops/{domain}/compliance/{topic}       customers/data_request | customers/redact | shop/redact
//   POST /_sim/shops/{domain}/live                     {rate, seconds, maxOrders?, wait?}
//   GET  /_sim/shops/{domain}/live                     stats of the current/last run
//   POST /_sim/shops/{domain}/live/stop
//   GET  /_sim/webhooks/log[?topic&shop&webhookId&sinceSeq&payloads=1]
//   POST /_sim/webhooks/options                        fault/delivery options
//   POST /_sim/webhooks/flush                          wait until all deliveries (incl. retries) are done
//   POST /_sim/webhooks/clear                          forget the log
//   POST /_sim/webhooks/emit                           {shop, topic, payload} raw emission
//   GET  /_sim/flow-triggers[?shop=]
//   GET  /_sim/customer-writes[?shop=]                 every customer write (tags, metafields) and what of it was redundant
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { SimulatorContext } from "./context";
import type { SimOrder, SimShop } from "./model";
import { importCdnow } from "./cdnow-import";
import { customerStats, emptyShop, generateStore, orderNet, truthFor } from "./generator";
import { parseMinor } from "./money";
import { personalDataOf } from "./personal-data";
import { createRouter, type Route } from "./router";
import { startLiveTraffic, LIVE_MAX_RATE, LIVE_MAX_SECONDS, type LiveTraffic } from "./live-traffic";
import {
  cancelOrder,
  compliance,
  createCustomer,
  deleteCustomer,
  emitAll,
  placeOrder,
  refundOrder,
  reinstall,
  SimEventError,
  uninstall,
  updateCustomer,
  updateOrder,
  type PendingWebhook,
} from "./store-events";
import { attachWebhookEmitter, emitterFor, type WebhookEmitter } from "./webhook-emitter";

class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

const plan = z.enum(["standard", "advanced", "plus", "enterprise"]);
const time = z.union([z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO date-time"), z.number()]);
const amount = z.union([z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a decimal string like "12.34"'), z.number().nonnegative()]);
const domainRe = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const createShopSchema = z
  .object({
    domain: z.string().regex(domainRe, "must look like name.myshopify.com"),
    name: z.string().optional(),
    plan: plan.optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    grantedScopes: z.array(z.string()).optional(),
    replace: z.boolean().optional(),
    generate: z
      .object({
        seed: z.union([z.string(), z.number()]),
        customers: z.number().int().min(0).max(4_000_000),
        years: z.number().positive().max(20).optional(),
        asOf: time.optional(),
        horizonDays: z.number().int().positive().max(3650).optional(),
        params: z
          .object({
            r: z.number().positive(),
            alpha: z.number().positive(),
            a: z.number().positive(),
            b: z.number().positive(),
            p: z.number().positive(),
            q: z.number().positive(),
            gamma: z.number().positive(),
          })
          .partial()
          .optional(),
        behaviour: z.enum(["btyd", "replenishment", "seasonal", "discount_bursts"]).optional(),
        /** Discount seekers and category specialists planted with the truth (generator.ts). */
        plantedTraits: z.boolean().optional(),
        /** Names, emails, phones and addresses on customers and guest buyers (personal-data.ts). */
        personalData: z.boolean().optional(),
        noOrderCustomerShare: z.number().min(0).max(1).optional(),
        guestOrderShare: z.number().min(0).max(1).optional(),
        testOrderShare: z.number().min(0).max(1).optional(),
        cancelShare: z.number().min(0).max(1).optional(),
        refundShare: z.number().min(0).max(1).optional(),
        fullRefundShare: z.number().min(0).max(1).optional(),
        discountShare: z.number().min(0).max(1).optional(),
        foreignCurrencyShare: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    cdnow: z.union([z.boolean(), z.object({ asOf: time.optional(), path: z.string().optional() }).strict()]).optional(),
    /** A copy of an existing shop's customers and orders (same ids) under the new domain: a twin for a clean run. */
    cloneOf: z.string().regex(domainRe).optional(),
  })
  .strict()
  .refine((v) => [v.generate, v.cdnow, v.cloneOf].filter(Boolean).length <= 1, "give at most one of generate, cdnow and cloneOf");

const placeOrderSchema = z
  .object({
    customerId: z.number().int().positive().optional(),
    newCustomer: z.boolean().optional(),
    guest: z.boolean().optional(),
    amount: amount.optional(),
    amountMinor: z.number().int().nonnegative().optional(),
    at: time.optional(),
    presentmentCurrency: z.string().regex(/^[A-Z]{3}$/).optional(),
    discountCode: z.string().min(1).optional(),
    test: z.boolean().optional(),
    lineItems: z.number().int().min(1).max(5).optional(),
  })
  .strict()
  .refine((v) => [v.customerId !== undefined, !!v.newCustomer, !!v.guest].filter(Boolean).length === 1, {
    message: "give exactly one of customerId, newCustomer: true, guest: true",
  })
  .refine((v) => !(v.amount !== undefined && v.amountMinor !== undefined), "give amount or amountMinor, not both");

const cancelSchema = z.object({ reason: z.string().optional(), refund: z.boolean().optional(), at: time.optional() }).strict();
const refundSchema = z
  .object({
    full: z.boolean().optional(),
    amount: amount.optional(),
    amountMinor: z.number().int().positive().optional(),
    lineItemIds: z.array(z.number().int().positive()).min(1).optional(),
    at: time.optional(),
  })
  .strict()
  .refine((v) => [!!v.full, v.amount !== undefined, v.amountMinor !== undefined, !!v.lineItemIds].filter(Boolean).length === 1, {
    message: "give exactly one of full: true, amount, amountMinor, lineItemIds",
  });
const atSchema = z.object({ at: time.optional() }).strict();
const customerCreateSchema = z.object({ at: time.optional(), tags: z.array(z.string()).optional() }).strict();
const customerUpdateSchema = z.object({ at: time.optional(), tags: z.array(z.string()).optional() }).strict();
const complianceSchema = z.object({ customerId: z.number().int().positive().optional() }).strict();
const liveSchema = z
  .object({
    rate: z.number().positive().max(LIVE_MAX_RATE),
    seconds: z.number().positive().max(LIVE_MAX_SECONDS),
    maxOrders: z.number().int().positive().optional(),
    newCustomerShare: z.number().min(0).max(1).optional(),
    guestShare: z.number().min(0).max(1).optional(),
    refundShare: z.number().min(0).max(1).optional(),
    cancelShare: z.number().min(0).max(1).optional(),
    seed: z.union([z.string(), z.number()]).optional(),
    wait: z.boolean().optional(),
  })
  .strict();
const webhookOptionsSchema = z
  .object({
    appUrl: z.string().url().optional(),
    duplicateRate: z.number().min(0).max(1).optional(),
    reorderWindowMs: z.number().min(0).max(600_000).optional(),
    dropRate: z.number().min(0).max(1).optional(),
    retry: z.boolean().optional(),
    maxRetries: z.number().int().min(0).max(8).optional(),
    timeFactor: z.number().min(0).max(1).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    timeoutMs: z.number().int().min(1).max(60_000).optional(),
    seed: z.union([z.string(), z.number()]).optional(),
  })
  .strict();
const emitSchema = z.object({ shop: z.string().min(1), topic: z.string().min(1), payload: z.unknown() }).strict();
const flushSchema = z.object({ timeoutMs: z.number().int().positive().max(600_000).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
    throw new HttpError(400, `invalid request body: ${msg}`);
  }
  return r.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 10 * 1024 * 1024) throw new HttpError(413, "body larger than 10 MB");
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const toMinor = (a: string | number) => (typeof a === "number" ? Math.round(a * 100) : parseMinor(a));

function getEmitter(ctx: SimulatorContext): WebhookEmitter {
  return emitterFor(ctx) ?? attachWebhookEmitter(ctx);
}

const liveRuns = new WeakMap<SimulatorContext, Map<string, LiveTraffic>>();
function runsOf(ctx: SimulatorContext) {
  let m = liveRuns.get(ctx);
  if (!m) liveRuns.set(ctx, (m = new Map()));
  return m;
}

/** Stop all live traffic runs of a context (e.g. on server shutdown). */
export function stopAllLiveTraffic(ctx: SimulatorContext): void {
  for (const r of runsOf(ctx).values()) r.stop();
}

export function shopSummary(shop: SimShop) {
  let counted = 0,
    guests = 0,
    tests = 0,
    cancelled = 0,
    refunded = 0,
    deleted = 0;
  for (const o of shop.orders.values()) {
    if (o.customerId === null) guests++;
    if (o.test) tests++;
    if (o.cancelledAt) cancelled++;
    if (o.refunds.length) refunded++;
    if (!o.test && !o.cancelledAt) counted++;
  }
  for (const c of shop.customers.values()) if (c.deleted) deleted++;
  const truth = truthFor(shop);
  return {
    domain: shop.domain,
    name: shop.name,
    id: shop.id ?? null,
    plan: shop.plan,
    currency: shop.currency,
    grantedScopes: shop.grantedScopes,
    uninstalledAt: shop.uninstalledAt ?? null,
    customers: shop.customers.size - deleted,
    deletedCustomers: deleted,
    orders: shop.orders.size,
    countedOrders: counted,
    guestOrders: guests,
    testOrders: tests,
    cancelledOrders: cancelled,
    refundedOrders: refunded,
    hasTruth: !!truth,
    asOf: truth?.asOf ?? null,
  };
}

function orderView(o: SimOrder) {
  const net = orderNet(o);
  return { ...o, counted: net.counted, netShopMinor: net.netShopMinor };
}

function getShop(ctx: SimulatorContext, domain: string): SimShop {
  const s = ctx.shops.get(domain);
  if (!s) throw new HttpError(404, `shop ${domain} not found`);
  return s;
}

function idParam(s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new HttpError(400, `${what} id must be numeric, got ${JSON.stringify(s)}`);
  return Number(s);
}

function emitted(ctx: SimulatorContext, shop: SimShop, webhooks: PendingWebhook[]) {
  if (emitterFor(ctx) === undefined) getEmitter(ctx);
  emitAll(ctx, shop, webhooks);
  return webhooks.map((w) => w.topic);
}

/** Handle one /_sim/* request. Always answers (404 for unknown routes); resolves once the response is complete. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext): Promise<void> {
  try {
    await route(req, res, ctx);
  } catch (e) {
    if (e instanceof HttpError || e instanceof SimEventError) return send(res, e.status, { error: e.message });
    if (e instanceof RangeError) return send(res, 400, { error: e.message });
    send(res, 500, { error: (e as Error).message ?? String(e) });
  }
}

interface ControlCall {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: SimulatorContext;
  method: string;
  url: URL;
  /** Parsed JSON of a POST/PUT body (read before routing, so bad JSON is a 400 on any route). */
  body: unknown;
  query: URLSearchParams;
  params: Record<string, string>;
}
type ControlHandler = (call: ControlCall) => unknown;
type ShopHandler = (call: ControlCall, shop: SimShop) => unknown;

const noSuchRoute = ({ method, url }: ControlCall) => new HttpError(404, `no such control route: ${method} ${url.pathname}`);

/** A route under /_sim/shops/{domain}: an unknown shop is a 404 naming the shop. */
const forShop =
  (handler: ShopHandler): ControlHandler =>
  (call) =>
    handler(call, getShop(call.ctx, call.params.domain));

// ---------------------------------------------------------------- shops ----

function createShop({ ctx, res, body }: ControlCall) {
  const b = parse(createShopSchema, body);
  if (ctx.shops.has(b.domain) && !b.replace) throw new HttpError(409, `shop ${b.domain} exists (pass replace: true)`);
  let shop: SimShop;
  if (b.generate) {
    shop = generateStore({
      ...b.generate,
      domain: b.domain,
      name: b.name,
      plan: b.plan,
      currency: b.currency,
      grantedScopes: b.grantedScopes,
      asOf: b.generate.asOf ?? ctx.now(),
    }).shop;
  } else if (b.cloneOf) {
    const source = getShop(ctx, b.cloneOf);
    shop = {
      ...emptyShop({ domain: b.domain, name: b.name, currency: source.currency, plan: source.plan, grantedScopes: source.grantedScopes }),
      customers: structuredClone(source.customers),
      orders: structuredClone(source.orders),
    };
  } else if (b.cdnow) {
    const c = typeof b.cdnow === "object" ? b.cdnow : {};
    shop = importCdnow({
      domain: b.domain,
      plan: b.plan,
      grantedScopes: b.grantedScopes,
      currency: b.currency,
      asOf: c.asOf ?? ctx.now(),
      path: c.path,
    }).shop;
    if (b.name) shop.name = b.name;
  } else {
    shop = emptyShop({ domain: b.domain, name: b.name, currency: b.currency, plan: b.plan, grantedScopes: b.grantedScopes });
  }
  const prev = runsOf(ctx).get(b.domain);
  if (prev) prev.stop();
  ctx.shops.set(b.domain, shop);
  return send(res, 201, shopSummary(shop));
}

const truth: ShopHandler = ({ res }, shop) => {
  const t = truthFor(shop);
  if (!t) throw new HttpError(404, `shop ${shop.domain} has no ground truth (not generated)`);
  return send(res, 200, t);
};

const stats: ShopHandler = ({ res, query }, shop) => {
  const summary = shopSummary(shop);
  if (query.get("perCustomer") === "1" || query.get("perCustomer") === "true") {
    return send(res, 200, { ...summary, perCustomer: [...customerStats(shop).values()] });
  }
  return send(res, 200, summary);
};

/** NDJSON in chunks of 2000 rows, honouring back-pressure; resolves when the response has ended. */
const customerStatsStream: ShopHandler = ({ res }, shop) =>
  new Promise<void>((done) => {
    res.writeHead(200, { "Content-Type": "application/x-ndjson" });
    res.once("close", () => done()); // also when the client goes away mid-stream
    const rows = customerStats(shop).values();
    const writeSome = () => {
      let buf = "";
      for (let i = 0; i < 2000; i++) {
        const n = rows.next();
        if (n.done) {
          res.end(buf, done);
          return;
        }
        buf += JSON.stringify(n.value) + "\n";
      }
      if (res.write(buf)) setImmediate(writeSome);
      else res.once("drain", writeSome);
    };
    writeSome();
  });

// --------------------------------------------------------------- orders ----

const createOrder: ShopHandler = ({ ctx, res, body }, shop) => {
  const b = parse(placeOrderSchema, body);
  const r = placeOrder(ctx, shop, {
    customer: b.guest ? null : b.newCustomer ? "new" : b.customerId!,
    amountMinor: b.amountMinor ?? (b.amount !== undefined ? toMinor(b.amount) : undefined),
    at: b.at,
    presentmentCurrency: b.presentmentCurrency,
    discountCode: b.discountCode,
    test: b.test,
    lineItems: b.lineItems,
  });
  return send(res, 201, { order: orderView(r.order), customerId: r.customer?.id ?? null, createdCustomer: r.createdCustomer, webhooks: emitted(ctx, shop, r.webhooks) });
};

const getOrder: ShopHandler = ({ res, params }, shop) => {
  const id = idParam(params.id, "order");
  const o = shop.orders.get(id);
  if (!o) throw new HttpError(404, `order ${id} not found in ${shop.domain}`);
  return send(res, 200, orderView(o));
};

const cancelOrderRoute: ShopHandler = ({ ctx, res, body, params }, shop) => {
  const id = idParam(params.id, "order");
  const b = parse(cancelSchema, body);
  const r = cancelOrder(ctx, shop, id, b);
  return send(res, 200, { order: orderView(r.order), refund: r.refund, webhooks: emitted(ctx, shop, r.webhooks) });
};

const refundOrderRoute: ShopHandler = ({ ctx, res, body, params }, shop) => {
  const id = idParam(params.id, "order");
  const b = parse(refundSchema, body);
  const r = refundOrder(ctx, shop, id, {
    full: b.full,
    amountMinor: b.amountMinor ?? (b.amount !== undefined ? toMinor(b.amount) : undefined),
    lineItemIds: b.lineItemIds,
    at: b.at,
  });
  return send(res, 200, { order: orderView(r.order), refund: r.refund, webhooks: emitted(ctx, shop, r.webhooks) });
};

const updateOrderRoute: ShopHandler = ({ ctx, res, body, params }, shop) => {
  const id = idParam(params.id, "order");
  const b = parse(atSchema, body);
  const r = updateOrder(ctx, shop, id, b);
  return send(res, 200, { order: orderView(r.order), webhooks: emitted(ctx, shop, r.webhooks) });
};

// ------------------------------------------------------------ customers ----

const createCustomerRoute: ShopHandler = ({ ctx, res, body }, shop) => {
  const b = parse(customerCreateSchema, body);
  const r = createCustomer(ctx, shop, b);
  return send(res, 201, { customer: r.customer, webhooks: emitted(ctx, shop, r.webhooks) });
};

const getCustomer: ShopHandler = ({ res, params }, shop) => {
  const id = idParam(params.id, "customer");
  const c = shop.customers.get(id);
  if (!c) throw new HttpError(404, `customer ${id} not found in ${shop.domain}`);
  const st = customerStats(shop).get(id);
  return send(res, 200, {
    id: c.id,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    deleted: !!c.deleted,
    tags: c.tags,
    metafields: c.metafields,
    countedOrders: st?.countedOrders ?? 0,
    netMinor: st?.netMinor ?? 0,
  });
};

const listCustomers: ShopHandler = ({ res }, shop) =>
  send(res, 200, [...shop.customers.values()].map((c) => ({ id: c.id, deleted: !!c.deleted, tags: c.tags, metafields: c.metafields })));

const updateCustomerRoute: ShopHandler = ({ ctx, res, body, params }, shop) => {
  const id = idParam(params.id, "customer");
  const b = parse(customerUpdateSchema, body);
  const r = updateCustomer(ctx, shop, id, b);
  return send(res, 200, { customer: r.customer, webhooks: emitted(ctx, shop, r.webhooks) });
};

const deleteCustomerRoute: ShopHandler = ({ ctx, res, body, params }, shop) => {
  const id = idParam(params.id, "customer");
  const b = parse(atSchema, body);
  const r = deleteCustomer(ctx, shop, id, b);
  return send(res, 200, { customer: r.customer, webhooks: emitted(ctx, shop, r.webhooks) });
};

// ---------------------------------------------------- install lifecycle ----

const uninstallRoute: ShopHandler = ({ ctx, res, body }, shop) => {
  const b = parse(atSchema, body);
  const prev = runsOf(ctx).get(shop.domain);
  if (prev) prev.stop();
  const r = uninstall(ctx, shop, b);
  return send(res, 200, { uninstalledAt: shop.uninstalledAt, webhooks: emitted(ctx, shop, r.webhooks) });
};

const reinstallRoute: ShopHandler = ({ res }, shop) => {
  reinstall(shop);
  return send(res, 200, shopSummary(shop));
};

const complianceRoute: ShopHandler = (call, shop) => {
  const { ctx, res, body, params } = call;
  const topic = params.topic.slice(1); // "/customers/redact" → "customers/redact"
  if (!topic) throw noSuchRoute(call);
  if (!["customers/data_request", "customers/redact", "shop/redact"].includes(topic))
    throw new HttpError(400, `unknown compliance topic ${JSON.stringify(topic)}; use customers/data_request, customers/redact or shop/redact`);
  const b = parse(complianceSchema, body);
  const r = compliance(ctx, shop, topic, b.customerId);
  return send(res, 200, { webhooks: emitted(ctx, shop, r.webhooks), payload: r.webhooks[0]?.payload });
};

// --------------------------------------------------------- live traffic ----

const startLive: ShopHandler = async ({ ctx, res, body }, shop) => {
  const runs = runsOf(ctx);
  const b = parse(liveSchema, body);
  const prev = runs.get(shop.domain);
  if (prev?.stats.running) throw new HttpError(409, `live traffic already running on ${shop.domain}`);
  getEmitter(ctx);
  const { wait, ...opts } = b;
  const run = startLiveTraffic(ctx, shop, opts);
  runs.set(shop.domain, run);
  if (wait) return send(res, 200, await run.done);
  return send(res, 202, run.stats);
};

function liveRunOf(ctx: SimulatorContext, shop: SimShop): LiveTraffic {
  const run = runsOf(ctx).get(shop.domain);
  if (!run) throw new HttpError(404, `no live traffic run on ${shop.domain}`);
  return run;
}

// ------------------------------------------------------------- webhooks ----

function webhookLog({ ctx, res, query }: ControlCall) {
  const em = getEmitter(ctx);
  const filter = {
    topic: query.get("topic") ?? undefined,
    shop: query.get("shop") ?? undefined,
    webhookId: query.get("webhookId") ?? undefined,
    sinceSeq: query.get("sinceSeq") ? Number(query.get("sinceSeq")) : undefined,
  };
  const withPayloads = query.get("payloads") === "1" || query.get("payloads") === "true";
  const match = (w: { topic: string; shop: string; webhookId: string }) =>
    (!filter.topic || w.topic === filter.topic) && (!filter.shop || w.shop === filter.shop) && (!filter.webhookId || w.webhookId === filter.webhookId);
  const strip = <T extends { payload: unknown }>(w: T) => (withPayloads ? w : { ...w, payload: undefined });
  return send(res, 200, {
    pending: em.pendingCount,
    attempts: em.getLog(filter),
    emitted: em.emitted.filter(match).map(strip),
    dropped: em.dropped.filter(match).map(strip),
  });
}

async function flushWebhooks({ ctx, res, body }: ControlCall) {
  const em = getEmitter(ctx);
  const b = parse(flushSchema, body);
  const timeout = b.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([
    em.flush().then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout))),
  ]);
  clearTimeout(timer);
  if (!ok) return send(res, 504, { error: `deliveries still pending after ${timeout} ms`, pending: em.pendingCount });
  return send(res, 200, { pending: 0, attempts: em.log.length, emitted: em.emitted.length, dropped: em.dropped.length });
}

// ---------------------------------------------------------------- table ----

const ROUTES: Route<ControlHandler>[] = [
  ["GET", "_sim/shops", ({ ctx, res }) => send(res, 200, [...ctx.shops.values()].map(shopSummary))],
  ["POST", "_sim/shops", createShop],
  ["GET", "_sim/shops/:domain", forShop(({ res }, shop) => send(res, 200, shopSummary(shop)))],
  ["GET", "_sim/shops/:domain/truth", forShop(truth)],
  ["GET", "_sim/shops/:domain/stats", forShop(stats)],
  ["GET", "_sim/shops/:domain/stats/customers", forShop(customerStatsStream)],
  ["POST", "_sim/shops/:domain/orders", forShop(createOrder)],
  ["GET", "_sim/shops/:domain/orders/:id", forShop(getOrder)],
  ["POST", "_sim/shops/:domain/orders/:id/cancel", forShop(cancelOrderRoute)],
  ["POST", "_sim/shops/:domain/orders/:id/refund", forShop(refundOrderRoute)],
  ["POST", "_sim/shops/:domain/orders/:id/update", forShop(updateOrderRoute)],
  ["POST", "_sim/shops/:domain/customers", forShop(createCustomerRoute)],
  ["GET", "_sim/shops/:domain/customers", forShop(listCustomers)],
  ["GET", "_sim/shops/:domain/customers/:id", forShop(getCustomer)],
  ["GET", "_sim/shops/:domain/personal-data", forShop(({ res }, shop) => send(res, 200, personalDataOf(shop)))],
  ["GET", "_sim/shops/:domain/segments", forShop(({ ctx, res }, shop) => send(res, 200, ctx.hooks?.listSegments(shop.domain) ?? []))],
  ["POST", "_sim/shops/:domain/customers/:id/update", forShop(updateCustomerRoute)],
  ["POST", "_sim/shops/:domain/customers/:id/delete", forShop(deleteCustomerRoute)],
  ["POST", "_sim/shops/:domain/uninstall", forShop(uninstallRoute)],
  ["POST", "_sim/shops/:domain/reinstall", forShop(reinstallRoute)],
  ["POST", "_sim/shops/:domain/compliance/*topic", forShop(complianceRoute)],
  ["POST", "_sim/shops/:domain/live", forShop(startLive)],
  ["GET", "_sim/shops/:domain/live", forShop(({ ctx, res }, shop) => send(res, 200, liveRunOf(ctx, shop).stats))],
  ["POST", "_sim/shops/:domain/live/stop", forShop(({ ctx, res }, shop) => send(res, 200, liveRunOf(ctx, shop).stop()))],
  // Anything else under a shop: 404 for the shop first, then for the route.
  ["*", "_sim/shops/:domain/*rest", forShop((call) => {
    throw noSuchRoute(call);
  })],
  ["GET", "_sim/webhooks/log", webhookLog],
  ["POST", "_sim/webhooks/options", ({ ctx, res, body }) => {
    const em = getEmitter(ctx);
    em.setOptions(parse(webhookOptionsSchema, body));
    return send(res, 200, em.getOptions());
  }],
  ["GET", "_sim/webhooks/options", ({ ctx, res }) => send(res, 200, getEmitter(ctx).getOptions())],
  ["POST", "_sim/webhooks/flush", flushWebhooks],
  ["POST", "_sim/webhooks/clear", ({ ctx, res }) => {
    getEmitter(ctx).clearLog();
    return send(res, 200, { cleared: true });
  }],
  ["POST", "_sim/webhooks/emit", ({ ctx, res, body }) => {
    const em = getEmitter(ctx);
    const b = parse(emitSchema, body);
    const w = em.emit(b.shop, b.topic, b.payload);
    return send(res, 202, { ...w, payload: undefined });
  }],
  ["GET", "_sim/flow-triggers", ({ ctx, res, query }) => {
    const shop = query.get("shop");
    return send(res, 200, shop ? ctx.flowTriggers.filter((t) => t.shop === shop) : ctx.flowTriggers);
  }],
  ["GET", "_sim/customer-writes", ({ ctx, res, query }) => {
    const shop = query.get("shop");
    return send(res, 200, shop ? ctx.customerWrites.filter((w) => w.shop === shop) : ctx.customerWrites);
  }],
];

const matchControlRoute = createRouter(ROUTES);

async function route(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sim.local");
  // Segments are decoded one by one, so an encoded "/" stays inside its segment.
  const segments = url.pathname.replace(/\/+$/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const method = (req.method ?? "GET").toUpperCase();
  if (segments[0] !== "_sim") throw new HttpError(404, "not a /_sim route");
  const body = method === "POST" || method === "PUT" ? await readJson(req) : undefined;
  const call: ControlCall = { req, res, ctx, method, url, body, query: url.searchParams, params: {} };
  const match = matchControlRoute(method, segments);
  if (!match) throw noSuchRoute(call);
  await match.handler({ ...call, params: match.params });
}
