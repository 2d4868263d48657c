// Root resolvers of the simulated Admin API: the query fields here, the
// mutation fields in mutations/. Resolvers return plain "view" objects
// (views.ts); fields with arguments are functions (graphql-js' default
// resolver calls them with (args, context, info)).
import { GraphQLError } from "graphql";
import * as bulk from "../bulk";
import type { SimCustomer } from "../model";
import { extrasOf } from "../state";
import { connection, countOf, type ConnArgs, type SortVal } from "./connection";
import type { Env } from "./env";
import { gid, gidType, parseGid } from "./gid";
import { mutationRoot } from "./mutations";
import { cmpOp, dateTerm, matchTerms, parseSearch } from "./search";
import { checkSegmentQuery, segmentMembers } from "./segments";
import { customerStats, orderVisible } from "./shop-figures";
import {
  customerView,
  dateKey,
  defaultNamespace,
  definitionView,
  liveCustomers,
  metafieldView,
  money,
  orderView,
  ordersConnection,
  productView,
  segmentView,
} from "./views";

function customerSortValue(c: SimCustomer, sortKey: string): SortVal {
  switch (sortKey) {
    case "CREATED_AT": return dateKey(c.createdAt);
    case "UPDATED_AT": return dateKey(c.updatedAt);
    case "NAME": return `Customer ${c.id}`;
    default: return c.id;
  }
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
      case "Product": return productView(env, n);
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

    ...mutationRoot(env),
  };
}
