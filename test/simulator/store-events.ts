// Mutations on a simulated shop that Shopify would announce with webhooks.
// Each mutation updates the data model (keeping updated_at monotonic, second
// precision) and returns the webhooks to emit, in Shopify's order. Nothing is
// sent here: call `emitAll(ctx, shop, webhooks)` (or use the control API).
//
// After uninstall, a shop produces no webhooks any more except the
// compliance topics (as Shopify stops delivering to an uninstalled app).
import type { SimCustomer, SimLineItem, SimOrder, SimRefund, SimShop } from "./model";
import { createRng } from "../support/random";
import { CATALOGUE, DISCOUNT_CODES } from "./catalogue";
import { ID_BASES, shopIdSlot } from "./ids";
import { isoSeconds } from "./iso-time";
import { convertMinor } from "./money";
import {
  customerDeletePayload,
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  orderPayload,
  refundPayload,
  refundedShopMinor,
  shopPayload,
  shopRedactPayload,
  type Json,
} from "./webhook-payloads";

export interface PendingWebhook {
  topic: string;
  payload: Json;
}

/** What the mutations need from the simulator context. */
export interface EventsContext {
  now(): Date;
  emitWebhook?(shopDomain: string, topic: string, payload: unknown): void;
}

export class SimEventError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

// ------------------------------------------------------------ ids / time ----

interface Seq {
  customer: number;
  order: number;
  orderNumber: number;
  lineItem: number;
  refund: number;
  dataRequest: number;
  rng: () => number;
}
const seqs = new WeakMap<SimShop, Seq>();

/** Next ids continue each kind's sequence of the shop (max existing + 1), so ids grow with time. */
function seq(shop: SimShop): Seq {
  let s = seqs.get(shop);
  if (s) return s;
  const slot = shopIdSlot(shop.domain);
  s = {
    customer: ID_BASES.customer + slot,
    order: ID_BASES.order + slot,
    orderNumber: 1000,
    lineItem: ID_BASES.lineItem + slot,
    refund: ID_BASES.refund + slot,
    dataRequest: 0,
    rng: createRng(`events|${shop.domain}`),
  };
  for (const id of shop.customers.keys()) if (id > s.customer) s.customer = id;
  for (const o of shop.orders.values()) {
    if (o.id > s.order) s.order = o.id;
    const n = Number(o.name.replace(/^#/, ""));
    if (n > s.orderNumber) s.orderNumber = n;
    for (const li of o.lineItems) if (li.id > s.lineItem) s.lineItem = li.id;
    for (const r of o.refunds) if (r.id > s.refund) s.refund = r.id;
  }
  seqs.set(shop, s);
  return s;
}

function toMs(at: Date | string | number | undefined, ctx: EventsContext): number {
  const ms = at === undefined ? ctx.now().getTime() : at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new SimEventError(400, `invalid time: ${String(at)}`);
  return Math.floor(ms / 1000) * 1000;
}

/** A timestamp ≥ at and strictly after `prev` (second precision). */
function after(prev: string | null | undefined, atMs: number): string {
  const p = prev ? Date.parse(prev) : -Infinity;
  return isoSeconds(Math.max(atMs, p + 1000));
}

function installed(shop: SimShop): boolean {
  return !shop.uninstalledAt;
}

function out(shop: SimShop, list: PendingWebhook[]): PendingWebhook[] {
  if (installed(shop)) return list;
  return list.filter((w) => (COMPLIANCE_TOPICS as readonly string[]).includes(w.topic));
}

function getOrder(shop: SimShop, id: number): SimOrder {
  const o = shop.orders.get(id);
  if (!o) throw new SimEventError(404, `order ${id} not found in ${shop.domain}`);
  return o;
}

function getCustomer(shop: SimShop, id: number): SimCustomer {
  const c = shop.customers.get(id);
  if (!c || c.deleted) throw new SimEventError(404, `customer ${id} not found in ${shop.domain}`);
  return c;
}

/** Send webhooks through the context's emitter. */
export function emitAll(ctx: EventsContext, shop: SimShop, webhooks: PendingWebhook[]): void {
  if (!ctx.emitWebhook) return;
  for (const w of webhooks) ctx.emitWebhook(shop.domain, w.topic, w.payload);
}

// ------------------------------------------------------------- customers ----

export interface CreateCustomerInput {
  at?: Date | string | number;
  tags?: string[];
}

export function createCustomer(
  ctx: EventsContext,
  shop: SimShop,
  input: CreateCustomerInput = {},
): { customer: SimCustomer; webhooks: PendingWebhook[] } {
  const s = seq(shop);
  const at = isoSeconds(toMs(input.at, ctx));
  const customer: SimCustomer = {
    id: ++s.customer,
    createdAt: at,
    updatedAt: at,
    tags: normalizeTags(input.tags ?? []),
    metafields: [],
  };
  shop.customers.set(customer.id, customer);
  return { customer, webhooks: out(shop, [{ topic: "customers/create", payload: customerPayload(shop, customer) }]) };
}

export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort((a, b) => a.localeCompare(b));
}

export function updateCustomer(
  ctx: EventsContext,
  shop: SimShop,
  customerId: number,
  patch: { tags?: string[]; at?: Date | string | number } = {},
): { customer: SimCustomer; webhooks: PendingWebhook[] } {
  const c = getCustomer(shop, customerId);
  const before = c.tags;
  if (patch.tags) c.tags = normalizeTags(patch.tags);
  c.updatedAt = after(c.updatedAt, toMs(patch.at, ctx));
  // Since 2025-01 customer payloads carry no tags: tag changes are also announced on their own.
  const lower = (tags: readonly string[]) => new Set(tags.map((t) => t.toLowerCase()));
  const had = lower(before);
  const has = lower(c.tags);
  const added = c.tags.filter((t) => !had.has(t.toLowerCase()));
  const removed = before.filter((t) => !has.has(t.toLowerCase()));
  const gid = `gid://shopify/Customer/${c.id}`;
  return {
    customer: c,
    webhooks: out(shop, [
      { topic: "customers/update", payload: customerPayload(shop, c) },
      ...(added.length ? [{ topic: "customer.tags_added", payload: { customerId: gid, tags: added, occurredAt: c.updatedAt } }] : []),
      ...(removed.length ? [{ topic: "customer.tags_removed", payload: { customerId: gid, tags: removed, occurredAt: c.updatedAt } }] : []),
    ]),
  };
}

export function deleteCustomer(
  ctx: EventsContext,
  shop: SimShop,
  customerId: number,
  opts: { at?: Date | string | number } = {},
): { customer: SimCustomer; webhooks: PendingWebhook[] } {
  const c = getCustomer(shop, customerId);
  c.deleted = true;
  c.updatedAt = after(c.updatedAt, toMs(opts.at, ctx));
  return { customer: c, webhooks: out(shop, [{ topic: "customers/delete", payload: customerDeletePayload(c.id) }]) };
}

// ---------------------------------------------------------------- orders ----

export interface PlaceOrderInput {
  /** Existing customer id, "new" for a new customer, null for a guest checkout. */
  customer: number | "new" | null;
  /** Order total in shop currency minor units (default: a random 10..200). */
  amountMinor?: number;
  at?: Date | string | number;
  presentmentCurrency?: string;
  discountCode?: string | null;
  test?: boolean;
  /** Number of line items (1..5, default 1 or 2). */
  lineItems?: number;
  /** Draw this order's random choices (amount, lines, products) from a stream of its own, so twin shops get the same order. */
  seed?: string | number;
}

export interface PlaceOrderResult {
  order: SimOrder;
  customer: SimCustomer | null;
  createdCustomer: boolean;
  webhooks: PendingWebhook[];
}

export function placeOrder(ctx: EventsContext, shop: SimShop, input: PlaceOrderInput): PlaceOrderResult {
  const s = seq(shop);
  const rng = input.seed === undefined ? s.rng : createRng(`order|${input.seed}`);
  const atMs = toMs(input.at, ctx);
  const at = isoSeconds(atMs);
  const webhooks: PendingWebhook[] = [];
  let customer: SimCustomer | null = null;
  let createdCustomer = false;
  if (input.customer === "new") {
    const r = createCustomer(ctx, shop, { at: atMs });
    customer = r.customer;
    createdCustomer = true;
    webhooks.push(...r.webhooks);
  } else if (input.customer !== null) {
    customer = getCustomer(shop, input.customer);
  }
  const total = input.amountMinor ?? 1000 + Math.floor(rng() * 19000);
  if (!Number.isInteger(total) || total < 0) throw new SimEventError(400, "amountMinor must be a non-negative integer");
  const presentment = input.presentmentCurrency ?? shop.currency;

  let discountTotal = 0;
  const discountCodes: string[] = [];
  if (input.discountCode) {
    const dc = DISCOUNT_CODES.find((d) => d.code === input.discountCode);
    const pct = dc?.percent ?? 10;
    discountTotal = Math.round((total * 100) / (100 - pct)) - total;
    discountCodes.push(input.discountCode);
  }
  const nLines = Math.max(1, Math.min(5, input.lineItems ?? (total >= 300 && rng() < 0.35 ? 2 : 1)));
  const lineItems: SimLineItem[] = [];
  let rest = total;
  let discRest = discountTotal;
  for (let l = 0; l < nLines; l++) {
    const prod = CATALOGUE[Math.floor(rng() * CATALOGUE.length)];
    const last = l === nLines - 1;
    const minor = last ? rest : Math.floor(rest / (nLines - l));
    rest -= minor;
    const li: SimLineItem = { id: ++s.lineItem, productId: prod.id, productType: prod.productType, quantity: 1, shopMinor: minor };
    if (discountTotal > 0) {
      const d = last ? discRest : total === 0 ? 0 : Math.floor((discountTotal * minor) / total);
      discRest -= d;
      li.discountMinor = d;
    }
    lineItems.push(li);
  }
  const order: SimOrder = {
    id: ++s.order,
    name: `#${++s.orderNumber}`,
    customerId: customer ? customer.id : null,
    createdAt: at,
    processedAt: at,
    updatedAt: at,
    cancelledAt: null,
    cancelReason: null,
    test: input.test ?? false,
    shopCurrency: shop.currency,
    presentmentCurrency: presentment,
    totalShopMinor: total,
    totalPresentmentMinor: convertMinor(total, shop.currency, presentment),
    discountCodes,
    lineItems,
    refunds: [],
  };
  shop.orders.set(order.id, order);
  webhooks.push({ topic: "orders/create", payload: orderPayload(shop, order) });
  if (customer) {
    customer.updatedAt = after(customer.updatedAt, atMs);
    webhooks.push({ topic: "customers/update", payload: customerPayload(shop, customer) });
  }
  return { order, customer, createdCustomer, webhooks: out(shop, webhooks) };
}

/** Touch an order (e.g. a note or fulfillment change): orders/updated. */
export function updateOrder(
  ctx: EventsContext,
  shop: SimShop,
  orderId: number,
  opts: { at?: Date | string | number } = {},
): { order: SimOrder; webhooks: PendingWebhook[] } {
  const o = getOrder(shop, orderId);
  o.updatedAt = after(o.updatedAt, toMs(opts.at, ctx));
  return { order: o, webhooks: out(shop, [{ topic: "orders/updated", payload: orderPayload(shop, o) }]) };
}

function addRefund(shop: SimShop, o: SimOrder, atIso: string, amount: number, lines?: SimLineItem[]): SimRefund {
  const s = seq(shop);
  const r: SimRefund = {
    id: ++s.refund,
    createdAt: atIso,
    shopMinor: amount,
    presentmentMinor: convertMinor(amount, o.shopCurrency, o.presentmentCurrency),
  };
  if (lines && lines.length) r.lineItems = lines.map((li) => ({ lineItemId: li.id, quantity: li.quantity, shopMinor: li.shopMinor }));
  o.refunds = [...o.refunds, r]; // never push: generated orders share a frozen empty array
  return r;
}

function refundedLineIds(o: SimOrder): Set<number> {
  const ids = new Set<number>();
  for (const r of o.refunds) for (const l of r.lineItems ?? []) ids.add(l.lineItemId);
  return ids;
}

export function cancelOrder(
  ctx: EventsContext,
  shop: SimShop,
  orderId: number,
  opts: { reason?: string; refund?: boolean; at?: Date | string | number } = {},
): { order: SimOrder; refund: SimRefund | null; webhooks: PendingWebhook[] } {
  const o = getOrder(shop, orderId);
  if (o.cancelledAt) throw new SimEventError(409, `order ${orderId} is already cancelled`);
  const at = after(o.updatedAt, toMs(opts.at, ctx));
  o.cancelledAt = at;
  o.cancelReason = opts.reason ?? "customer";
  o.updatedAt = at;
  const webhooks: PendingWebhook[] = [];
  let refund: SimRefund | null = null;
  const remaining = o.totalShopMinor - refundedShopMinor(o);
  if (opts.refund && remaining > 0) {
    const done = refundedLineIds(o);
    refund = addRefund(shop, o, at, remaining, o.lineItems.filter((l) => !done.has(l.id)));
  }
  webhooks.push({ topic: "orders/cancelled", payload: orderPayload(shop, o) });
  if (refund) webhooks.push({ topic: "refunds/create", payload: refundPayload(shop, o, refund) });
  webhooks.push({ topic: "orders/updated", payload: orderPayload(shop, o) });
  return { order: o, refund, webhooks: out(shop, webhooks) };
}

export interface RefundInput {
  /** Full refund of the remaining amount (all not yet refunded line items). */
  full?: boolean;
  /** Amount-only partial refund, shop currency minor units. */
  amountMinor?: number;
  /** Refund these line items in full. */
  lineItemIds?: number[];
  at?: Date | string | number;
}

export function refundOrder(
  ctx: EventsContext,
  shop: SimShop,
  orderId: number,
  input: RefundInput,
): { order: SimOrder; refund: SimRefund; webhooks: PendingWebhook[] } {
  const o = getOrder(shop, orderId);
  const remaining = o.totalShopMinor - refundedShopMinor(o);
  if (remaining <= 0) throw new SimEventError(409, `order ${orderId} is already fully refunded`);
  const done = refundedLineIds(o);
  let amount: number;
  let lines: SimLineItem[] | undefined;
  if (input.full) {
    amount = remaining;
    lines = o.lineItems.filter((l) => !done.has(l.id));
  } else if (input.lineItemIds && input.lineItemIds.length) {
    lines = input.lineItemIds.map((id) => {
      const li = o.lineItems.find((l) => l.id === id);
      if (!li) throw new SimEventError(400, `line item ${id} is not on order ${orderId}`);
      if (done.has(id)) throw new SimEventError(409, `line item ${id} is already refunded`);
      return li;
    });
    amount = lines.reduce((a, l) => a + l.shopMinor, 0);
  } else if (input.amountMinor !== undefined) {
    amount = input.amountMinor;
  } else {
    throw new SimEventError(400, "refund needs full, amountMinor or lineItemIds");
  }
  if (!Number.isInteger(amount) || amount <= 0) throw new SimEventError(400, "refund amount must be a positive integer (minor units)");
  if (amount > remaining) throw new SimEventError(409, `refund ${amount} exceeds the refundable ${remaining}`);
  const at = after(o.updatedAt, toMs(input.at, ctx));
  const refund = addRefund(shop, o, at, amount, lines);
  o.updatedAt = at;
  return {
    order: o,
    refund,
    webhooks: out(shop, [
      { topic: "refunds/create", payload: refundPayload(shop, o, refund) },
      { topic: "orders/updated", payload: orderPayload(shop, o) },
    ]),
  };
}

// ------------------------------------------------------- app / compliance ----

export function uninstall(
  ctx: EventsContext,
  shop: SimShop,
  opts: { at?: Date | string | number } = {},
): { webhooks: PendingWebhook[] } {
  if (shop.uninstalledAt) throw new SimEventError(409, `${shop.domain} is already uninstalled`);
  const webhooks = [{ topic: "app/uninstalled", payload: shopPayload(shop) }];
  shop.uninstalledAt = isoSeconds(toMs(opts.at, ctx));
  return { webhooks };
}

/** Mark the app installed again (e.g. after OAuth); webhooks flow again. */
export function reinstall(shop: SimShop): void {
  shop.uninstalledAt = null;
}

function customerOrderIds(shop: SimShop, customerId: number): number[] {
  const ids: number[] = [];
  for (const o of shop.orders.values()) if (o.customerId === customerId) ids.push(o.id);
  return ids;
}

export function requestCustomerData(ctx: EventsContext, shop: SimShop, customerId: number): { webhooks: PendingWebhook[] } {
  const s = seq(shop);
  return {
    webhooks: [
      {
        topic: "customers/data_request",
        payload: customersDataRequestPayload(shop, customerId, customerOrderIds(shop, customerId), 9_000_000 + ++s.dataRequest),
      },
    ],
  };
}

export function redactCustomer(ctx: EventsContext, shop: SimShop, customerId: number): { webhooks: PendingWebhook[] } {
  return {
    webhooks: [{ topic: "customers/redact", payload: customersRedactPayload(shop, customerId, customerOrderIds(shop, customerId)) }],
  };
}

export function redactShop(ctx: EventsContext, shop: SimShop): { webhooks: PendingWebhook[] } {
  return { webhooks: [{ topic: "shop/redact", payload: shopRedactPayload(shop) }] };
}

export function compliance(
  ctx: EventsContext,
  shop: SimShop,
  topic: string,
  customerId?: number,
): { webhooks: PendingWebhook[] } {
  if (topic === "shop/redact") return redactShop(ctx, shop);
  if (customerId === undefined) throw new SimEventError(400, `${topic} needs a customerId`);
  if (topic === "customers/redact") return redactCustomer(ctx, shop, customerId);
  if (topic === "customers/data_request") return requestCustomerData(ctx, shop, customerId);
  throw new SimEventError(400, `unknown compliance topic ${topic}`);
}
