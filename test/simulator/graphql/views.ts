// Views: the plain objects resolvers return for customers, orders, metafields,
// segments and metafield definitions. Fields with arguments are functions
// (graphql-js' default resolver calls them with the arguments).
import { GraphQLError } from "graphql";
import { CATALOGUE } from "../catalogue";
import type { SimCustomer, SimMetafield, SimOrder, SimPerson, SimShop } from "../model";
import { convertMinor } from "../money";
import { customerPerson } from "../personal-data";
import { extrasOf, type SimMetafieldDefinition, type SimSegment } from "../state";
import { connection, type ConnArgs, type SortVal } from "./connection";
import type { Env } from "./env";
import { gid, gidType } from "./gid";
import { digest } from "./metafields";
import { cmpOp, dateTerm, matchTerms, parseSearch } from "./search";
import { customerStats, orderVisible, ordersOfCustomer, refundedMinor, refundedPresentmentMinor } from "./shop-figures";

export const money = (minor: number, currency: string) => ({
  amount: (minor / 100).toFixed(2).replace(/\.00$/, ".0"),
  currencyCode: currency,
});

export function metafieldKey(ownerGid: string, ns: string, key: string) {
  return `${ownerGid}|${ns}.${key}`;
}

export function metafieldView(env: Env, ownerGid: string, mf: SimMetafield) {
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

export function dateKey(s: string) {
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

export function ordersConnection(env: Env, orders: SimOrder[], args: ConnArgs & { query?: string; sortKey?: string }) {
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

/** A customer's default address (MailingAddress; the id space of the REST payloads' addresses). */
function mailingAddressView(customerId: number, p: SimPerson) {
  const a = p.defaultAddress;
  return {
    __typename: "MailingAddress",
    id: `gid://shopify/MailingAddress/${customerId + 1_000_000_000_000}?model_name=CustomerAddress`,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    company: null,
    country: a.country,
    countryCodeV2: a.countryCode,
    firstName: p.firstName,
    lastName: p.lastName,
    name: `${p.firstName} ${p.lastName}`,
    phone: p.phone,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
  };
}

export function customerView(env: Env, c: SimCustomer) {
  const ownerGid = gid("Customer", c.id);
  const person = customerPerson(env.shop, c.id);
  let stats: ReturnType<typeof customerStats> | undefined;
  const st = () => (stats ??= customerStats(env.state, env.shop, c));
  const visibleMetafields = () => c.metafields;
  return {
    __typename: "Customer",
    id: ownerGid,
    legacyResourceId: String(c.id),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    // Shopify's displayName is the full name when there is one.
    displayName: person ? `${person.firstName} ${person.lastName}` : `Customer ${c.id}`,
    firstName: person?.firstName ?? null,
    lastName: person?.lastName ?? null,
    email: person?.email ?? null,
    phone: person?.phone ?? null,
    defaultEmailAddress: person ? { emailAddress: person.email } : null,
    defaultPhoneNumber: person ? { phoneNumber: person.phone } : null,
    defaultAddress: person ? mailingAddressView(c.id, person) : null,
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

export function defaultNamespace(env: Env) {
  // Shopify's default namespace for app-owned metafields is "$app:{api_client_id}"-like; the
  // simulator uses "$app" for unnamespaced writes.
  void env;
  return "$app";
}

const bag = (shopMinor: number, shopCur: string, presMinor: number, presCur: string) => ({
  shopMoney: money(shopMinor, shopCur),
  presentmentMoney: money(presMinor, presCur),
});

/** read_products (or write_products, which implies it) is what reading Product needs. */
function assertCanReadProducts(env: Env, field: string): void {
  if (env.shop.grantedScopes.includes("read_products") || env.shop.grantedScopes.includes("write_products")) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`read_products\` access scope.`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes" },
  });
}

const productIndexes = new WeakMap<SimShop, { orders: number; types: Map<number, string> }>();

/**
 * The shop's products (id → type). The simulator keeps no product catalogue per shop:
 * a product exists when the fixed catalogue has it or a line item of the shop names it.
 */
function productIndex(shop: SimShop): Map<number, string> {
  const cached = productIndexes.get(shop);
  if (cached && cached.orders === shop.orders.size) return cached.types;
  const types = new Map<number, string>(CATALOGUE.map((p) => [p.id, p.productType]));
  for (const o of shop.orders.values()) for (const li of o.lineItems) if (li.productId != null) types.set(li.productId, li.productType ?? "");
  productIndexes.set(shop, { orders: shop.orders.size, types });
  return types;
}

function productObject(id: number, productType: string) {
  return { __typename: "Product", id: gid("Product", id), legacyResourceId: String(id), productType };
}

/** A Product node by numeric id (nodes(ids:)); null when the shop has no such product. */
export function productView(env: Env, id: number) {
  assertCanReadProducts(env, "nodes");
  const productType = productIndex(env.shop).get(id);
  return productType === undefined ? null : productObject(id, productType);
}

export function orderView(env: Env, o: SimOrder) {
  const ratio = o.totalShopMinor ? o.totalPresentmentMinor / o.totalShopMinor : 1;
  const refunded = refundedMinor(o);
  const refundedPres = refundedPresentmentMinor(o);
  const pres = (minor: number) => Math.round(minor * ratio);
  // The simulator allocates every discount to line items (SimLineItem.discountMinor);
  // presentment amount converted as the webhook payload does it.
  const discountShop = o.lineItems.reduce((sum, li) => sum + (li.discountMinor ?? 0), 0);
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
    totalDiscountsSet: bag(discountShop, o.shopCurrency, convertMinor(discountShop, o.shopCurrency, o.presentmentCurrency), o.presentmentCurrency),
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
        product: () => {
          if (li.productId == null) return null;
          assertCanReadProducts(env, "product");
          return productObject(li.productId, li.productType ?? "");
        },
        originalTotalSet: bag(li.shopMinor + (li.discountMinor ?? 0), o.shopCurrency, pres(li.shopMinor + (li.discountMinor ?? 0)), o.presentmentCurrency),
      })),
  };
}

export function liveCustomers(env: Env): SimCustomer[] {
  return [...env.shop.customers.values()].filter((c) => !c.deleted);
}

export function segmentView(s: SimSegment) {
  return { __typename: "Segment", id: gid("Segment", s.id), name: s.name, query: s.query, creationDate: s.creationDate, lastEditDate: s.lastEditDate };
}

export function definitionView(d: SimMetafieldDefinition) {
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
