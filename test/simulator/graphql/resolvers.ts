// Root resolvers of the simulated Admin API. Resolvers return plain "view"
// objects; fields with arguments are functions (graphql-js' default resolver
// calls them with (args, context, info)).
import { GraphQLError } from "graphql";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SimCustomer, SimMetafield, SimOrder, SimShop } from "../model";
import {
  customerStats,
  digest,
  extrasOf,
  gid,
  gidType,
  money,
  orderVisible,
  ordersOfCustomer,
  parseGid,
  refundedMinor,
  refundedPresentmentMinor,
  validateMetafieldValue,
  KNOWN_TYPES,
  type ServerState,
  type SimMetafieldDefinition,
  type SimSegment,
} from "./state";
import { evaluateSegment, parseSegmentQuery, SegmentQueryError, type Node as SegNode } from "../segment-query";
import * as bulk from "../bulk";

export interface Env {
  state: ServerState;
  shop: SimShop;
  /** Bulk export: connections ignore first/after and return everything. */
  bulk: boolean;
}

const MAX_PAGE = 250;

// ---------- connections ----------

type SortVal = string | number;
interface Keyed<T> {
  item: T;
  id: number;
  v: SortVal;
}

function encodeCursor(id: number, v: SortVal): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: v })).toString("base64");
}
function decodeCursor(c: string): { id: number; v: SortVal } {
  try {
    const o = JSON.parse(Buffer.from(c, "base64").toString("utf8"));
    if (typeof o.last_id !== "number") throw new Error();
    return { id: o.last_id, v: o.last_value };
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
  }
}

function cmp(a: { v: SortVal; id: number }, b: { v: SortVal; id: number }): number {
  if (a.v < b.v) return -1;
  if (a.v > b.v) return 1;
  return a.id - b.id;
}

export interface ConnArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export function connection<T>(env: Env, args: ConnArgs, items: Keyed<T>[], view: (t: T) => unknown, maxPage = MAX_PAGE) {
  const dir = args.reverse ? -1 : 1;
  const sorted = [...items].sort((a, b) => dir * cmp(a, b));
  let slice = sorted;
  let hasNext = false;
  let hasPrev = false;
  if (!env.bulk) {
    if (args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    for (const [k, v] of [["first", args.first], ["last", args.last]] as const) {
      if (v != null && (v < 0 || v > maxPage)) throw new GraphQLError(`The ${k} argument must be between 0 and ${maxPage}.`, { extensions: { code: "BAD_REQUEST" } });
    }
    if (args.after) {
      const c = decodeCursor(args.after);
      const idx = slice.findIndex((x) => dir * cmp(x, c) > 0);
      hasPrev = idx !== 0;
      slice = idx < 0 ? [] : slice.slice(idx);
    }
    if (args.before) {
      const c = decodeCursor(args.before);
      const idx = slice.findIndex((x) => dir * cmp(x, c) >= 0);
      if (idx >= 0) {
        hasNext = true;
        slice = slice.slice(0, idx);
      }
    }
    if (args.first != null) {
      if (slice.length > args.first) hasNext = true;
      slice = slice.slice(0, args.first);
    }
    if (args.last != null) {
      if (slice.length > args.last) hasPrev = true;
      slice = slice.slice(Math.max(0, slice.length - args.last));
    }
  }
  const edges = slice.map((x) => ({ cursor: encodeCursor(x.id, x.v), node: view(x.item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: hasPrev,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// ---------- search syntax (query: "updated_at:>='2024-01-01T00:00:00Z' tag:x") ----------

export interface SearchTerm {
  field: string;
  op: string;
  value: string;
  negate: boolean;
}

export function parseSearch(q: string | null | undefined): SearchTerm[] {
  const out: SearchTerm[] = [];
  if (!q) return out;
  const re = /(-?)([A-Za-z_][\w.]*):(>=|<=|>|<|=)?\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q))) {
    let value = m[4];
    if (/^['"]/.test(value)) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    out.push({ negate: m[1] === "-", field: m[2].toLowerCase(), op: m[3] ?? "=", value });
  }
  return out;
}

function cmpOp(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case ">": return a > b;
    case ">=": return a >= b;
    case "<": return a < b;
    case "<=": return a <= b;
    default: return a === b;
  }
}

function dateTerm(actual: string | null | undefined, t: SearchTerm): boolean {
  if (!actual) return false;
  const rhs = Date.parse(t.value);
  if (Number.isNaN(rhs)) return true; // Shopify ignores unparseable filters
  return cmpOp(Date.parse(actual), t.op, rhs);
}

function matchTerms(terms: SearchTerm[], get: (t: SearchTerm) => boolean | undefined): boolean {
  for (const t of terms) {
    const r = get(t);
    if (r === undefined) continue; // unknown filter: ignored, like Shopify
    if (t.negate ? r : !r) return false;
  }
  return true;
}

// ---------- views ----------

function metafieldKey(ownerGid: string, ns: string, key: string) {
  return `${ownerGid}|${ns}.${key}`;
}

function metafieldView(env: Env, ownerGid: string, mf: SimMetafield) {
  const ex = extrasOf(env.state, env.shop.domain);
  const k = metafieldKey(ownerGid, mf.namespace, mf.key);
  let id = ex.metafieldIds.get(k);
  if (!id) {
    id = env.state.ctx.nextId();
    ex.metafieldIds.set(k, id);
  }
  let jsonValue: unknown = mf.value;
  if (/^number_/.test(mf.type)) jsonValue = mf.type === "number_integer" ? Number(mf.value) : mf.value;
  else if (mf.type === "boolean") jsonValue = mf.value === "true";
  else if (mf.type === "json" || mf.type.startsWith("list.")) {
    try { jsonValue = JSON.parse(mf.value); } catch { /* keep string */ }
  }
  return {
    __typename: "Metafield",
    id: gid("Metafield", id),
    legacyResourceId: String(id),
    namespace: mf.namespace,
    key: mf.key,
    type: mf.type,
    value: mf.value,
    jsonValue,
    compareDigest: digest(mf.value),
    ownerType: gidType(ownerGid)?.toUpperCase() ?? "CUSTOMER",
    createdAt: mf.updatedAt,
    updatedAt: mf.updatedAt,
  };
}

function dateKey(s: string) {
  return Date.parse(s);
}

function orderSortValue(o: SimOrder, sortKey: string): SortVal {
  switch (sortKey) {
    case "CREATED_AT": return dateKey(o.createdAt);
    case "UPDATED_AT": return dateKey(o.updatedAt);
    case "PROCESSED_AT": return dateKey(o.processedAt);
    case "TOTAL_PRICE": return o.totalShopMinor;
    case "ORDER_NUMBER": return Number(o.name.replace(/\D/g, "")) || o.id;
    default: return o.id;
  }
}

function ordersConnection(env: Env, orders: SimOrder[], args: ConnArgs & { query?: string; sortKey?: string }) {
  const terms = parseSearch(args.query);
  const visible = orders.filter((o) => orderVisible(env.state, env.shop, o)).filter((o) =>
    matchTerms(terms, (t) => {
      switch (t.field) {
        case "updated_at": return dateTerm(o.updatedAt, t);
        case "created_at": return dateTerm(o.createdAt, t);
        case "processed_at": return dateTerm(o.processedAt, t);
        case "id": return cmpOp(o.id, t.op, Number(t.value));
        case "customer_id": return cmpOp(o.customerId ?? -1, t.op, Number(t.value));
        case "test": return o.test === (t.value === "true");
        case "status":
          if (t.value === "any") return true;
          if (t.value === "cancelled") return !!o.cancelledAt;
          if (t.value === "open") return !o.cancelledAt;
          return undefined;
        case "name": return o.name === t.value || o.name === `#${t.value}`;
        default: return undefined;
      }
    }),
  );
  const sk = args.sortKey ?? "ID";
  return connection(env, args, visible.map((o) => ({ item: o, id: o.id, v: orderSortValue(o, sk) })), (o) => orderView(env, o));
}

export function customerView(env: Env, c: SimCustomer) {
  const ownerGid = gid("Customer", c.id);
  let stats: ReturnType<typeof customerStats> | undefined;
  const st = () => (stats ??= customerStats(env.state, env.shop, c));
  const visibleMetafields = () => c.metafields;
  return {
    __typename: "Customer",
    id: ownerGid,
    legacyResourceId: String(c.id),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    displayName: `Customer ${c.id}`,
    state: "ENABLED",
    tags: [...c.tags],
    numberOfOrders: () => String(st().numberOfOrders),
    amountSpent: () => money(st().amountSpentMinor, env.shop.currency),
    lastOrder: () => {
      const o = st().lastOrder;
      return o && orderVisible(env.state, env.shop, o) ? orderView(env, o) : null;
    },
    statistics: () => ({ rfmGroup: st().rfmGroup, predictedSpendTier: st().predictedSpendTier }),
    metafield: (a: { namespace?: string; key: string }) => {
      const ns = a.namespace ?? defaultNamespace(env);
      const mf = visibleMetafields().find((m) => m.namespace === ns && m.key === a.key);
      return mf ? metafieldView(env, ownerGid, mf) : null;
    },
    metafields: (a: ConnArgs & { namespace?: string; keys?: string[] }) => {
      let list = visibleMetafields();
      if (a.namespace) list = list.filter((m) => m.namespace === a.namespace);
      if (a.keys) list = list.filter((m) => a.keys!.includes(`${m.namespace}.${m.key}`));
      const ex = extrasOf(env.state, env.shop.domain);
      return connection(
        env,
        a,
        list.map((m) => {
          const v = metafieldView(env, ownerGid, m);
          return { item: v, id: ex.metafieldIds.get(metafieldKey(ownerGid, m.namespace, m.key))!, v: 0 };
        }),
        (v) => v,
      );
    },
    orders: (a: ConnArgs & { query?: string; sortKey?: string }) => ordersConnection(env, ordersOfCustomer(env.shop, c.id), a),
  };
}

function defaultNamespace(env: Env) {
  // Shopify's default namespace for app-owned metafields is "$app:{api_client_id}"-like; the
  // simulator uses "$app" for unnamespaced writes.
  void env;
  return "$app";
}

const bag = (shopMinor: number, shopCur: string, presMinor: number, presCur: string) => ({
  shopMoney: money(shopMinor, shopCur),
  presentmentMoney: money(presMinor, presCur),
});

export function orderView(env: Env, o: SimOrder) {
  const ratio = o.totalShopMinor ? o.totalPresentmentMinor / o.totalShopMinor : 1;
  const refunded = refundedMinor(o);
  const refundedPres = refundedPresentmentMinor(o);
  const pres = (minor: number) => Math.round(minor * ratio);
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    processedAt: o.processedAt,
    cancelledAt: o.cancelledAt,
    closed: false,
    test: o.test,
    customer: () => {
      if (o.customerId == null) return null;
      const c = env.shop.customers.get(o.customerId);
      return c && !c.deleted ? customerView(env, c) : null;
    },
    currencyCode: o.shopCurrency,
    presentmentCurrencyCode: o.presentmentCurrency,
    totalPriceSet: bag(o.totalShopMinor, o.shopCurrency, o.totalPresentmentMinor, o.presentmentCurrency),
    subtotalPriceSet: bag(o.totalShopMinor, o.shopCurrency, o.totalPresentmentMinor, o.presentmentCurrency),
    currentTotalPriceSet: o.cancelledAt
      ? bag(0, o.shopCurrency, 0, o.presentmentCurrency)
      : bag(o.totalShopMinor - refunded, o.shopCurrency, o.totalPresentmentMinor - refundedPres, o.presentmentCurrency),
    totalRefundedSet: bag(refunded, o.shopCurrency, refundedPres, o.presentmentCurrency),
    refunds: (a: { first?: number }) =>
      o.refunds.slice(0, a.first ?? undefined).map((r) => ({
        __typename: "Refund",
        id: gid("Refund", r.id),
        legacyResourceId: String(r.id),
        createdAt: r.createdAt,
        updatedAt: r.createdAt,
        totalRefundedSet: bag(r.shopMinor, o.shopCurrency, r.presentmentMinor, o.presentmentCurrency),
      })),
    discountCode: o.discountCodes[0] ?? null,
    discountCodes: [...o.discountCodes],
    lineItems: (a: ConnArgs) =>
      connection(env, a, o.lineItems.map((li) => ({ item: li, id: li.id, v: li.id })), (li) => ({
        __typename: "LineItem",
        id: gid("LineItem", li.id),
        quantity: li.quantity,
        currentQuantity: li.quantity,
        product: li.productId == null ? null : { __typename: "Product", id: gid("Product", li.productId), legacyResourceId: String(li.productId), productType: li.productType ?? "" },
        originalTotalSet: bag(li.shopMinor + (li.discountMinor ?? 0), o.shopCurrency, pres(li.shopMinor + (li.discountMinor ?? 0)), o.presentmentCurrency),
      })),
  };
}

function customerSortValue(c: SimCustomer, sortKey: string): SortVal {
  switch (sortKey) {
    case "CREATED_AT": return dateKey(c.createdAt);
    case "UPDATED_AT": return dateKey(c.updatedAt);
    case "NAME": return `Customer ${c.id}`;
    default: return c.id;
  }
}

function liveCustomers(env: Env): SimCustomer[] {
  return [...env.shop.customers.values()].filter((c) => !c.deleted);
}

function filterCustomers(env: Env, query: string | undefined): SimCustomer[] {
  const terms = parseSearch(query);
  return liveCustomers(env).filter((c) =>
    matchTerms(terms, (t) => {
      switch (t.field) {
        case "updated_at": return dateTerm(c.updatedAt, t);
        case "created_at": return dateTerm(c.createdAt, t);
        case "id": return cmpOp(c.id, t.op, Number(t.value));
        case "tag": return c.tags.some((x) => x.toLowerCase() === t.value.toLowerCase());
        case "tag_not": return !c.tags.some((x) => x.toLowerCase() === t.value.toLowerCase());
        default: return undefined;
      }
    }),
  );
}

function segmentView(s: SimSegment) {
  return { __typename: "Segment", id: gid("Segment", s.id), name: s.name, query: s.query, creationDate: s.creationDate, lastEditDate: s.lastEditDate };
}

function definitionView(d: SimMetafieldDefinition) {
  return {
    __typename: "MetafieldDefinition",
    id: gid("MetafieldDefinition", d.id),
    name: d.name,
    namespace: d.namespace,
    key: d.key,
    description: d.description,
    ownerType: d.ownerType,
    type: { name: d.type, category: /^number_/.test(d.type) ? "NUMBER" : d.type.includes("text") ? "TEXT" : "OTHER" },
    pinnedPosition: d.pinnedPosition,
  };
}

// ---------- segments ----------

function segmentAttributeInfo(env: Env) {
  if (!env.state.options.segmentMetafieldsNeedDefinition) return undefined;
  const defs = extrasOf(env.state, env.shop.domain).definitions;
  return {
    metafieldType: (ns: string, key: string) => defs.find((d) => d.ownerType === "CUSTOMER" && d.namespace === ns && d.key === key)?.type,
  };
}

export function segmentMembers(env: Env, tree: SegNode): SimCustomer[] {
  return liveCustomers(env).filter((c) => {
    const st = customerStats(env.state, env.shop, c);
    return evaluateSegment(tree, {
      tags: c.tags,
      numberOfOrders: st.numberOfOrders,
      amountSpent: st.amountSpentMinor / 100,
      rfmGroup: st.rfmGroup,
      predictedSpendTier: st.predictedSpendTier,
      metafield: (ns, key) => c.metafields.find((m) => m.namespace === ns && m.key === key),
    });
  });
}

function checkSegmentQuery(env: Env, query: string): { tree?: SegNode; error?: string } {
  try {
    return { tree: parseSegmentQuery(query, segmentAttributeInfo(env)) };
  } catch (e) {
    if (e instanceof SegmentQueryError) return { error: e.message };
    throw e;
  }
}

// ---------- tags / metafields ----------

function normalizeTags(tags: string[]): string[] {
  return tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
}

function customerUpdatedWebhook(env: Env, c: SimCustomer) {
  if (env.state.customerPayload) {
    env.state.ctx.emitWebhook(env.shop.domain, "customers/update", env.state.customerPayload(env.shop, c));
    return;
  }
  env.state.ctx.emitWebhook(env.shop.domain, "customers/update", {
    id: c.id,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    state: "enabled",
    verified_email: true,
    currency: env.shop.currency,
    admin_graphql_api_id: gid("Customer", c.id),
  });
}

function tagsMutation(env: Env, args: { id: string; tags: string[] }, add: boolean) {
  const id = parseGid(args.id, "Customer");
  const c = id == null ? undefined : env.shop.customers.get(id);
  if (!c || c.deleted) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
  const tags = normalizeTags(args.tags);
  const tooLong = tags.find((t) => t.length > 255);
  if (tooLong) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is too long (maximum is 255 characters)" }] };
  const before = c.tags.join("\u0000");
  c.tags = [...c.tags]; // the generator may share one frozen empty array
  if (add) {
    const lower = new Set(c.tags.map((t) => t.toLowerCase()));
    for (const t of tags) if (!lower.has(t.toLowerCase())) { c.tags.push(t); lower.add(t.toLowerCase()); }
    if (c.tags.length > 250) {
      c.tags = before ? before.split("\u0000") : [];
      return { node: null, userErrors: [{ field: ["tags"], message: "Tags cannot be more than 250" }] };
    }
  } else {
    const rm = new Set(tags.map((t) => t.toLowerCase()));
    c.tags = c.tags.filter((t) => !rm.has(t.toLowerCase()));
  }
  c.tags.sort((a, b) => a.localeCompare(b));
  if (c.tags.join("\u0000") !== before) {
    c.updatedAt = env.state.ctx.now().toISOString();
    customerUpdatedWebhook(env, c);
  }
  return { node: customerView(env, c), userErrors: [] };
}

interface MfInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

function metafieldsSet(env: Env, args: { metafields: MfInput[] }) {
  const errs: { field: string[]; message: string; code: string; elementIndex: number | null }[] = [];
  if (args.metafields.length > 25) {
    return {
      metafields: null,
      userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }],
    };
  }
  const defs = extrasOf(env.state, env.shop.domain).definitions;
  const plan: { c: SimCustomer; ns: string; key: string; type: string; value: string }[] = [];
  args.metafields.forEach((m, i) => {
    const field = (f: string) => ["metafields", String(i), f];
    const cid = parseGid(m.ownerId, "Customer");
    const c = cid == null ? undefined : env.shop.customers.get(cid);
    if (!c || c.deleted) {
      errs.push({ field: field("ownerId"), message: "Owner does not exist.", code: "INVALID", elementIndex: i });
      return;
    }
    const ns = m.namespace ?? defaultNamespace(env);
    if (ns.length < 3 || ns.length > 255) errs.push({ field: field("namespace"), message: "Namespace is too short (minimum is 3 characters)", code: ns.length < 3 ? "TOO_SHORT" : "TOO_LONG", elementIndex: i });
    if (m.key.length < 2 || m.key.length > 64) errs.push({ field: field("key"), message: "Key is too short (minimum is 2 characters)", code: m.key.length < 2 ? "TOO_SHORT" : "TOO_LONG", elementIndex: i });
    const existing = c.metafields.find((x) => x.namespace === ns && x.key === m.key);
    const def = defs.find((d) => d.ownerType === "CUSTOMER" && d.namespace === ns && d.key === m.key);
    const type = m.type ?? def?.type ?? existing?.type;
    if (!type) {
      errs.push({ field: field("type"), message: "Type can't be blank", code: "BLANK", elementIndex: i });
      return;
    }
    if (!KNOWN_TYPES.has(type)) {
      errs.push({ field: field("type"), message: `Type '${type}' is not a valid type.`, code: "INVALID_TYPE", elementIndex: i });
      return;
    }
    if (def && def.type !== type) {
      errs.push({ field: field("type"), message: `Type '${type}' must be consistent with the definition's type: '${def.type}'.`, code: "INVALID_TYPE", elementIndex: i });
      return;
    }
    const bad = validateMetafieldValue(type, m.value);
    if (bad) {
      errs.push({ field: field("value"), message: bad, code: "INVALID_VALUE", elementIndex: i });
      return;
    }
    if (Object.prototype.hasOwnProperty.call(m, "compareDigest") && m.compareDigest !== undefined) {
      const current = existing ? digest(existing.value) : null;
      if (m.compareDigest !== current) {
        errs.push({ field: field("compareDigest"), message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", code: "STALE_OBJECT", elementIndex: i });
        return;
      }
    }
    plan.push({ c, ns, key: m.key, type, value: m.value });
  });
  if (errs.length) return { metafields: null, userErrors: errs };
  const now = env.state.ctx.now().toISOString();
  const out = plan.map((p) => {
    let mf = p.c.metafields.find((x) => x.namespace === p.ns && x.key === p.key);
    if (mf) {
      mf.value = p.value;
      mf.type = p.type;
      mf.updatedAt = now;
    } else {
      mf = { namespace: p.ns, key: p.key, type: p.type, value: p.value, updatedAt: now };
      p.c.metafields = [...p.c.metafields, mf]; // may be a shared frozen array
    }
    return metafieldView(env, gid("Customer", p.c.id), mf);
  });
  return { metafields: out, userErrors: [] };
}

function metafieldDefinitionCreate(env: Env, args: { definition: any }) {
  const d = args.definition;
  const ex = extrasOf(env.state, env.shop.domain);
  const ns = d.namespace ?? defaultNamespace(env);
  const err = (field: string, message: string, code: string) => ({ createdDefinition: null, userErrors: [{ field: ["definition", field], message, code, elementIndex: null, elementKey: null }] });
  if (!d.name?.trim()) return err("name", "Name can't be blank", "BLANK");
  if (!KNOWN_TYPES.has(d.type)) return err("type", `Type name ${d.type} is not a valid type.`, "INCLUSION");
  if (d.key.length < 2) return err("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
  if (!/^[\w-]+$/.test(d.key)) return err("key", "Key contains one or more invalid characters.", "INVALID_CHARACTER");
  if (ex.definitions.some((x) => x.ownerType === d.ownerType && x.namespace === ns && x.key === d.key))
    return err("key", "Key is in use for Customer metafields on the 'namespace' namespace.".replace("'namespace'", `'${ns}'`).replace("Customer", String(d.ownerType).toLowerCase()), "TAKEN");
  const def: SimMetafieldDefinition = {
    id: env.state.ctx.nextId(),
    name: d.name,
    namespace: ns,
    key: d.key,
    description: d.description ?? null,
    type: d.type,
    ownerType: d.ownerType,
    pinnedPosition: d.pin ? ex.definitions.filter((x) => x.pinnedPosition != null).length + 1 : null,
  };
  ex.definitions.push(def);
  return { createdDefinition: definitionView(def), userErrors: [] };
}

// ---------- flow ----------

export function flowTriggerHandles(state: ServerState): Set<string> {
  const handles = new Set(state.options.flowTriggerHandles);
  const dir = state.options.extensionsDir;
  if (dir && existsSync(dir)) {
    for (const ext of readdirSync(dir, { withFileTypes: true })) {
      if (!ext.isDirectory()) continue;
      const f = join(dir, ext.name, "shopify.extension.toml");
      if (!existsSync(f)) continue;
      const text = readFileSync(f, "utf8");
      // Each [[extensions]] block: take its handle when its type is flow_trigger.
      for (const block of text.split(/^\s*\[\[extensions\]\]\s*$/m).slice(1)) {
        const body = block.split(/^\s*\[(?!\[extensions\])/m)[0];
        const type = /^\s*type\s*=\s*"([^"]+)"/m.exec(body)?.[1];
        const handle = /^\s*handle\s*=\s*"([^"]+)"/m.exec(body)?.[1];
        if (type === "flow_trigger" && handle) handles.add(handle);
      }
    }
  }
  return handles;
}

function flowTriggerReceive(env: Env, args: { handle?: string | null; payload?: unknown; body?: string | null }) {
  const errors: { field: string[]; message: string }[] = [];
  let handle = args.handle ?? null;
  let payload = args.payload;
  if (args.body != null) {
    try {
      const b = JSON.parse(args.body);
      handle ??= b.trigger_id ?? b.trigger_title ?? null;
      payload ??= b.properties;
    } catch {
      errors.push({ field: ["body"], message: "Invalid body" });
    }
  }
  if (!handle) errors.push({ field: ["handle"], message: "Handle can't be blank" });
  else if (!flowTriggerHandles(env.state).has(handle)) errors.push({ field: ["handle"], message: `Invalid handle '${handle}'.` });
  const size = Buffer.byteLength(JSON.stringify(payload ?? null), "utf8");
  if (size >= env.state.options.flowPayloadLimitBytes) errors.push({ field: ["payload"], message: `Errors validating schema:\n  Properties size exceeds the limit of ${env.state.options.flowPayloadLimitBytes} bytes.` });
  if (payload == null || typeof payload !== "object" || Array.isArray(payload)) errors.push({ field: ["payload"], message: "Payload must be a JSON object" });
  if (errors.length) return { userErrors: errors };
  env.state.ctx.flowTriggers.push({ shop: env.shop.domain, handle: handle!, payload, receivedAt: env.state.ctx.now().toISOString() });
  return { userErrors: [] };
}

// ---------- root ----------

function bulkOpView(env: Env, id: number) {
  const op = extrasOf(env.state, env.shop.domain).bulkOps.find((b) => b.id === id);
  return op ? bulk.bulkOperationView(env.state, op) : null;
}

export function createRoot(env: Env) {
  const shop = env.shop;
  const ex = () => extrasOf(env.state, shop.domain);
  const nodeById = (id: string) => {
    const n = parseGid(id);
    if (n == null) return null;
    switch (gidType(id)) {
      case "Customer": { const c = shop.customers.get(n); return c && !c.deleted ? customerView(env, c) : null; }
      case "Order": { const o = shop.orders.get(n); return o && orderVisible(env.state, shop, o) ? orderView(env, o) : null; }
      case "Segment": { const s = ex().segments.get(n); return s ? segmentView(s) : null; }
      case "BulkOperation": return bulkOpView(env, n);
      case "MetafieldDefinition": { const d = ex().definitions.find((x) => x.id === n); return d ? definitionView(d) : null; }
      default: return null;
    }
  };
  return {
    shop: () => ({
      __typename: "Shop",
      id: gid("Shop", shop.id ?? 1),
      name: shop.name,
      myshopifyDomain: shop.domain,
      email: `owner@${shop.domain}`,
      currencyCode: shop.currency,
      ianaTimezone: "Etc/UTC",
      timezoneAbbreviation: "UTC",
      url: `https://${shop.domain}`,
      plan: {
        displayName: { standard: "Basic", advanced: "Advanced", plus: "Shopify Plus", enterprise: "Commerce Components by Shopify" }[shop.plan],
        publicDisplayName: { standard: "Basic", advanced: "Advanced", plus: "Plus", enterprise: "Enterprise" }[shop.plan],
        partnerDevelopment: false,
        shopifyPlus: shop.plan === "plus" || shop.plan === "enterprise",
      },
    }),
    node: (a: { id: string }) => nodeById(a.id),
    nodes: (a: { ids: string[] }) => a.ids.map(nodeById),
    customer: (a: { id: string }) => {
      const id = parseGid(a.id, "Customer");
      const c = id == null ? undefined : shop.customers.get(id);
      return c && !c.deleted ? customerView(env, c) : null;
    },
    customers: (a: ConnArgs & { query?: string; sortKey?: string }) => {
      const sk = a.sortKey ?? "ID";
      return connection(env, a, filterCustomers(env, a.query).map((c) => ({ item: c, id: c.id, v: customerSortValue(c, sk) })), (c) => customerView(env, c));
    },
    customersCount: (a: { query?: string; limit?: number | null }) => countOf(filterCustomers(env, a.query).length, a.limit),
    order: (a: { id: string }) => {
      const id = parseGid(a.id, "Order");
      const o = id == null ? undefined : shop.orders.get(id);
      return o && orderVisible(env.state, shop, o) ? orderView(env, o) : null;
    },
    orders: (a: ConnArgs & { query?: string; sortKey?: string }) => ordersConnection(env, [...shop.orders.values()], a),
    ordersCount: (a: { query?: string; limit?: number | null }) => {
      const c = ordersConnection({ ...env, bulk: true }, [...shop.orders.values()], { query: a.query });
      return countOf(c.edges.length, a.limit);
    },
    bulkOperation: (a: { id: string }) => {
      const id = parseGid(a.id, "BulkOperation");
      return id == null ? null : bulkOpView(env, id);
    },
    bulkOperations: (a: ConnArgs & { query?: string; sortKey?: string }) => {
      const terms = parseSearch(a.query);
      const ops = ex().bulkOps.filter((op) =>
        matchTerms(terms, (t) => {
          switch (t.field) {
            case "status": return op.status.toLowerCase() === t.value.toLowerCase();
            case "operation_type": return op.type.toLowerCase() === t.value.toLowerCase();
            case "created_at": return dateTerm(op.createdAt, t);
            case "id": return cmpOp(op.id, t.op, Number(t.value));
            default: return undefined;
          }
        }),
      );
      // Default order: newest first.
      const sk = a.sortKey ?? "CREATED_AT";
      const items = ops.map((op) => ({ item: op, id: -op.id, v: -(Date.parse((sk === "COMPLETED_AT" ? op.completedAt : op.createdAt) ?? "0") || 0) }));
      return connection(env, a, items, (op) => bulk.bulkOperationView(env.state, op));
    },
    currentBulkOperation: (a: { type?: string }) => {
      const type = a.type ?? "QUERY";
      const ops = ex().bulkOps.filter((o) => o.type === type);
      const op = ops[ops.length - 1];
      return op ? bulk.bulkOperationView(env.state, op) : null;
    },
    segment: (a: { id: string }) => {
      const id = parseGid(a.id, "Segment");
      const s = id == null ? undefined : ex().segments.get(id);
      return s ? segmentView(s) : null;
    },
    segments: (a: ConnArgs & { sortKey?: string }) =>
      connection(env, a, [...ex().segments.values()].map((s) => ({ item: s, id: s.id, v: a.sortKey === "CREATION_DATE" ? Date.parse(s.creationDate) : a.sortKey === "LAST_EDIT_DATE" ? Date.parse(s.lastEditDate) : s.id })), segmentView),
    segmentsCount: () => countOf(ex().segments.size, null),
    customerSegmentMembers: (a: ConnArgs & { segmentId?: string; query?: string }) => {
      let query = a.query;
      if (a.segmentId) {
        const id = parseGid(a.segmentId, "Segment");
        const s = id == null ? undefined : ex().segments.get(id);
        if (!s) throw new GraphQLError("Segment does not exist", { extensions: { code: "NOT_FOUND" } });
        query = s.query;
      }
      if (query == null) throw new GraphQLError("Either segmentId, query or queryId must be provided.", { extensions: { code: "BAD_REQUEST" } });
      const checked = checkSegmentQuery(env, query);
      if (!checked.tree) throw new GraphQLError(checked.error!, { extensions: { code: "BAD_REQUEST" } });
      const members = segmentMembers(env, checked.tree);
      const conn = connection(env, a, members.map((c) => ({ item: c, id: c.id, v: c.id })), (c) => {
        const st = customerStats(env.state, shop, c);
        return {
          id: gid("CustomerSegmentMember", c.id),
          displayName: `Customer ${c.id}`,
          numberOfOrders: String(st.numberOfOrders),
          amountSpent: money(st.amountSpentMinor, shop.currency),
          lastOrderId: st.lastOrder ? gid("Order", st.lastOrder.id) : null,
          metafield: (m: { namespace?: string; key: string }) => {
            const mf = c.metafields.find((x) => x.namespace === (m.namespace ?? defaultNamespace(env)) && x.key === m.key);
            return mf ? metafieldView(env, gid("Customer", c.id), mf) : null;
          },
        };
      }, 1000);
      return {
        edges: conn.edges,
        pageInfo: conn.pageInfo,
        totalCount: members.length,
        statistics: {
          attributeStatistics: (s: { attributeName: string }) => {
            const vals = members.map((c) => {
              const st = customerStats(env.state, shop, c);
              return s.attributeName === "number_of_orders" ? st.numberOfOrders : st.amountSpentMinor / 100;
            });
            const sum = vals.reduce((x, y) => x + y, 0);
            return { sum, average: vals.length ? sum / vals.length : 0 };
          },
        },
      };
    },
    metafieldDefinition: (a: { id: string }) => {
      const id = parseGid(a.id, "MetafieldDefinition");
      const d = ex().definitions.find((x) => x.id === id);
      return d ? definitionView(d) : null;
    },
    metafieldDefinitions: (a: ConnArgs & { ownerType: string; namespace?: string; key?: string }) =>
      connection(
        env,
        a,
        ex()
          .definitions.filter((d) => d.ownerType === a.ownerType && (!a.namespace || d.namespace === a.namespace) && (!a.key || d.key === a.key))
          .map((d) => ({ item: d, id: d.id, v: d.id })),
        definitionView,
      ),

    // ----- mutations -----
    bulkOperationRunQuery: (a: { query: string; groupObjects?: boolean }) => bulk.runQuery(env.state, shop, a.query),
    bulkOperationRunMutation: (a: { mutation: string; stagedUploadPath: string; clientIdentifier?: string }) =>
      bulk.runMutation(env.state, shop, a.mutation, a.stagedUploadPath, a.clientIdentifier ?? null),
    bulkOperationCancel: (a: { id: string }) => bulk.cancel(env.state, shop, a.id),
    stagedUploadsCreate: (a: { input: any[] }) => bulk.stagedUploadsCreate(env.state, shop, a.input),
    tagsAdd: (a: { id: string; tags: string[] }) => tagsMutation(env, a, true),
    tagsRemove: (a: { id: string; tags: string[] }) => tagsMutation(env, a, false),
    metafieldsSet: (a: { metafields: MfInput[] }) => metafieldsSet(env, a),
    metafieldDefinitionCreate: (a: { definition: any }) => metafieldDefinitionCreate(env, a),
    segmentCreate: (a: { name: string; query: string }) => {
      const name = a.name.trim();
      if (!name) return { segment: null, userErrors: [{ field: ["name"], message: "Name can't be blank" }] };
      if ([...ex().segments.values()].some((s) => s.name === name)) return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
      const checked = checkSegmentQuery(env, a.query);
      if (checked.error) return { segment: null, userErrors: [{ field: ["query"], message: checked.error }] };
      const now = env.state.ctx.now().toISOString();
      const s: SimSegment = { id: env.state.ctx.nextId(), name, query: a.query, creationDate: now, lastEditDate: now };
      ex().segments.set(s.id, s);
      return { segment: segmentView(s), userErrors: [] };
    },
    segmentUpdate: (a: { id: string; name?: string | null; query?: string | null }) => {
      const id = parseGid(a.id, "Segment");
      const s = id == null ? undefined : ex().segments.get(id);
      if (!s) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
      if (a.name != null) {
        const name = a.name.trim();
        if (!name) return { segment: null, userErrors: [{ field: ["name"], message: "Name can't be blank" }] };
        if ([...ex().segments.values()].some((x) => x.id !== s.id && x.name === name)) return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
      }
      if (a.query != null) {
        const checked = checkSegmentQuery(env, a.query);
        if (checked.error) return { segment: null, userErrors: [{ field: ["query"], message: checked.error }] };
      }
      if (a.name != null) s.name = a.name.trim();
      if (a.query != null) s.query = a.query;
      s.lastEditDate = env.state.ctx.now().toISOString();
      return { segment: segmentView(s), userErrors: [] };
    },
    segmentDelete: (a: { id: string }) => {
      const id = parseGid(a.id, "Segment");
      if (id == null || !ex().segments.has(id)) return { deletedSegmentId: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
      ex().segments.delete(id);
      return { deletedSegmentId: a.id, userErrors: [] };
    },
    flowTriggerReceive: (a: { handle?: string; payload?: unknown; body?: string }) => flowTriggerReceive(env, a),
  };
}

function countOf(n: number, limit: number | null | undefined) {
  const lim = limit ?? 10000;
  return n > lim ? { count: lim, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
}
