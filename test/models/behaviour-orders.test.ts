// loadBehaviourOrders against real PostgreSQL: hand-built orders (upsertOrders) and
// webhook orders applied by the real processor, typed through the ProductType table
// and through the Admin API look-up against the simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrderRecord } from "../../app/domain/order-record";
import type { SimLineItem, SimOrder, SimShop } from "../simulator/model";
import { orderPayload } from "../simulator/webhook-payloads";
import { CATALOGUE } from "../simulator/catalogue";
import { startHarness, type Harness } from "../support/harness";
import { createShop } from "../support/shops";

const pid = process.pid;
const SHOP = `behaviour-${pid}.myshopify.com`;
const SHOP_NO_PRODUCTS = `behaviour-noscope-${pid}.myshopify.com`;
const DAY = 86_400_000;
const T0 = Date.parse("2026-06-01T10:00:00Z");
const at = (days: number) => new Date(T0 + days * DAY);

// A catalogue product the ProductType table does not know: typed by the gateway look-up.
const LOOKED_UP = CATALOGUE.find((p) => p.productType === "Beauty")!;
const IN_TABLE = 7_000_001n; // typed by a stored ProductType row ("Candles")
const UNKNOWN = 7_000_999n; // neither stored nor in the simulated shop: left out

let h: Harness;
let shopId: string;
let noScopeShopId: string;
let models: {
  orders: typeof import("../../app/models/orders.server");
  productTypes: typeof import("../../app/models/product-types.server");
  scores: typeof import("../../app/models/scores.server");
  customers: typeof import("../../app/models/customers.server");
  applyWebhook: typeof import("../../app/jobs/processors/apply-webhook.server").applyWebhook;
};

function record(id: number, customerId: number | null, day: number, totalMinor: number, extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: BigInt(id),
    customerId: customerId === null ? null : BigInt(customerId),
    processedAt: at(day),
    updatedAt: at(day),
    cancelledAt: null,
    test: false,
    currency: "USD",
    presentmentCurrency: "USD",
    totalMinor: BigInt(totalMinor),
    refundedMinor: 0n,
    discountCodes: [],
    ...extra,
  };
}

const spend = (entries: [string, number][]) => ({ types: entries.map((e) => e[0]), spendMinor: entries.map((e) => BigInt(e[1])) });

/**
 * A simulated order's orders/create payload handed to the real processor (a stored
 * event, as the webhook route stores it). The order is not added to the simulated
 * shop, so a product only it names does not exist there (a deleted product).
 */
async function deliver(simShop: SimShop, domain: string, order: SimOrder): Promise<unknown> {
  const event = await h.app.db.prisma.webhookEvent.create({
    data: { webhookId: `behaviour-${pid}-${order.id}-${Date.now()}`, shopDomain: domain, topic: "orders/create", payload: orderPayload(simShop, order) as object },
  });
  return models.applyWebhook({ eventId: event.id.toString() } as never);
}

function simOrder(id: number, customerId: number, day: number, lines: SimLineItem[], discountCodes: string[] = []): SimOrder {
  const total = lines.reduce((s, l) => s + l.shopMinor, 0);
  const iso = at(day).toISOString().replace(/\.\d+Z$/, "Z");
  return {
    id,
    name: `#${id}`,
    customerId,
    createdAt: iso,
    processedAt: iso,
    updatedAt: iso,
    cancelledAt: null,
    test: false,
    shopCurrency: "USD",
    presentmentCurrency: "USD",
    totalShopMinor: total,
    totalPresentmentMinor: total,
    discountCodes,
    lineItems: lines,
    refunds: [],
  };
}

beforeAll(async () => {
  h = await startHarness({}, {}, { webhooks: false });
  models = {
    orders: await import("../../app/models/orders.server"),
    productTypes: await import("../../app/models/product-types.server"),
    scores: await import("../../app/models/scores.server"),
    customers: await import("../../app/models/customers.server"),
    applyWebhook: (await import("../../app/jobs/processors/apply-webhook.server")).applyWebhook,
  };
  shopId = (await createShop(h, SHOP)).shop.id;
  noScopeShopId = (await createShop(h, SHOP_NO_PRODUCTS)).shop.id;
  // A shop that installed before read_products was requested.
  await h.app.db.prisma.shop.update({ where: { id: noScopeShopId }, data: { grantedScopes: "read_customers,write_customers,read_orders,read_all_orders" } });
  h.sim.ctx.shops.get(SHOP_NO_PRODUCTS)!.grantedScopes = ["read_customers", "write_customers", "read_orders", "read_all_orders"];

  await models.customers.ensureCustomersExist(shopId, [1n, 2n, 3n, 4n]);
  await h.app.db.prisma.customer.update({ where: { shopId_id: { shopId, id: 4n } }, data: { deletedAt: at(0) } });
  await models.orders.upsertOrders(shopId, [
    // Customer 1: a discount code, a discount amount only, and no discount; listed out of time order.
    record(103, 1, 30, 4000, { discountMinor: 0n, productTypeSpend: spend([["Apparel", 4000]]) }),
    record(101, 1, 10, 1500, { discountCodes: ["WELCOME10"], discountMinor: 0n, productTypeSpend: spend([["Apparel", 1000], ["Beauty", 500]]) }),
    record(102, 1, 20, 2700, { discountMinor: 300n, productTypeSpend: spend([]) }),
    // Same instant as 103: the tie is broken by order id in both loaders.
    record(104, 1, 30, 100, { discountMinor: 0n, productTypeSpend: spend([["Grocery", 100]]) }),
    // Customer 2: an order whose source carried no behaviour (Admin API page): defaults.
    record(201, 2, 5, 900),
    // Not counted: a test order, a cancelled order, a guest order, a deleted customer's order.
    record(202, 2, 6, 900, { test: true, discountCodes: ["X"], productTypeSpend: spend([["Home", 900]]) }),
    record(203, 2, 7, 900, { cancelledAt: at(8), productTypeSpend: spend([["Home", 900]]) }),
    record(301, null, 9, 500, { productTypeSpend: spend([["Home", 500]]) }),
    record(401, 4, 9, 500, { productTypeSpend: spend([["Home", 500]]) }),
  ]);
  // Customer 2's second order imported before spends were stored: types without spends.
  await models.orders.upsertOrders(shopId, [record(204, 2, 40, 800)]);
  await h.app.pool.pool.query(`update "Order" set "productTypes" = '{Apparel}' where "shopId" = $1 and id = 204`, [shopId]);

  await models.productTypes.upsertProductTypes(shopId, [{ productId: IN_TABLE, productType: "Candles" }]);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("webhook orders: item spend per product type", () => {
  it("types lines through the ProductType table; unknown products and custom items are left out", async () => {
    const simShop = h.sim.ctx.shops.get(SHOP)!;
    simShop.customers.set(3, { id: 3, createdAt: at(0).toISOString(), updatedAt: at(0).toISOString(), tags: [], metafields: [] });
    const outcome = await deliver(simShop, SHOP, simOrder(501, 3, 50, [
      { id: 50101, productId: Number(IN_TABLE), productType: "Candles", quantity: 2, shopMinor: 1800, discountMinor: 200 },
      { id: 50102, productId: Number(UNKNOWN), productType: "Ghost", quantity: 1, shopMinor: 700 },
      { id: 50103, productId: null, productType: null, quantity: 1, shopMinor: 300 },
    ], ["SPRING15"]));
    expect(outcome).toMatchObject({ order: "501", applied: true });
    const row = await h.app.db.prisma.order.findUniqueOrThrow({ where: { shopId_id: { shopId, id: 501n } } });
    // 2 × unit price 10.00 (before the 2.00 line discount) = 20.00; Ghost's product is not in the shop.
    expect(row.productTypes).toEqual(["Candles"]);
    expect(row.productTypeSpendMinor).toEqual([2000n]);
    expect(row.discountMinor).toBe(200n);
    expect(await h.app.db.prisma.productType.findUnique({ where: { shopId_productId: { shopId, productId: UNKNOWN } } })).toBeNull();
  });

  it("looks up products the table does not know through the Admin API and stores their types", async () => {
    const simShop = h.sim.ctx.shops.get(SHOP)!;
    await deliver(simShop, SHOP, simOrder(502, 3, 60, [
      { id: 50201, productId: LOOKED_UP.id, productType: LOOKED_UP.productType, quantity: 1, shopMinor: 2500 },
      { id: 50202, productId: Number(IN_TABLE), productType: "Candles", quantity: 1, shopMinor: 600 },
    ]));
    const row = await h.app.db.prisma.order.findUniqueOrThrow({ where: { shopId_id: { shopId, id: 502n } } });
    expect(row.productTypes).toEqual(["Beauty", "Candles"]);
    expect(row.productTypeSpendMinor).toEqual([2500n, 600n]);
    expect(row.discountMinor).toBe(0n);
    const stored = await h.app.db.prisma.productType.findUniqueOrThrow({ where: { shopId_productId: { shopId, productId: BigInt(LOOKED_UP.id) } } });
    expect(stored.productType).toBe("Beauty");
  });

  it("without read_products the look-up is skipped and the unknown lines are left out", async () => {
    const simShop = h.sim.ctx.shops.get(SHOP_NO_PRODUCTS)!;
    simShop.customers.set(9, { id: 9, createdAt: at(0).toISOString(), updatedAt: at(0).toISOString(), tags: [], metafields: [] });
    await deliver(simShop, SHOP_NO_PRODUCTS, simOrder(601, 9, 10, [
      { id: 60101, productId: LOOKED_UP.id, productType: LOOKED_UP.productType, quantity: 1, shopMinor: 2500 },
    ]));
    const row = await h.app.db.prisma.order.findUniqueOrThrow({ where: { shopId_id: { shopId: noScopeShopId, id: 601n } } });
    expect(row.productTypes).toEqual([]);
    expect(row.productTypeSpendMinor).toEqual([]);
    expect(await h.app.db.prisma.productType.count({ where: { shopId: noScopeShopId } })).toBe(0);
  });
});

describe("loadBehaviourOrders", () => {
  it("has the counted orders grouped by customer in time order, with discount flags and CSR type spends", async () => {
    const behaviour = await models.scores.loadBehaviourOrders(shopId);
    // The times, against a plain query of the same orders.
    const counted = await h.app.pool.pool.query<{ ms: string }>(
      `select (extract(epoch from "processedAt") * 1000)::bigint::text as ms from "Order"
        where "shopId" = $1 and not test and "cancelledAt" is null and id in (101, 102, 103, 104, 201, 204, 501, 502)
        order by "customerId", "processedAt", id`,
      [shopId],
    );
    expect(Array.from(behaviour.timesMs)).toEqual(counted.rows.map((r) => Number(r.ms)));

    // Counted orders only: customer 1 (101, 102, 103, 104), 2 (201, 204), 3 (501, 502).
    expect(behaviour.customerIds).toEqual(["1", "2", "3"]);
    expect(Array.from(behaviour.offsets)).toEqual([0, 4, 6, 8]);
    expect(Array.from(behaviour.amountsMinor)).toEqual([1500, 2700, 4000, 100, 900, 800, 2800, 3100]);
    expect(Array.from(behaviour.discounted)).toEqual([1, 1, 0, 0, 0, 0, 1, 0]);

    const perOrder = Array.from({ length: behaviour.timesMs.length }, (_, k) => {
      const entries: [string, number][] = [];
      for (let e = behaviour.typeOffsets[k]; e < behaviour.typeOffsets[k + 1]; e++) {
        entries.push([behaviour.typeNames[behaviour.typeIndex[e]], behaviour.typeSpendMinor[e]]);
      }
      return entries;
    });
    expect(perOrder).toEqual([
      [["Apparel", 1000], ["Beauty", 500]],
      [],
      [["Apparel", 4000]],
      [["Grocery", 100]],
      [], // no behaviour from its source
      [], // types without spends: untyped
      [["Candles", 2000]],
      [["Beauty", 2500], ["Candles", 600]],
    ]);
    // Interned once per call, in first-seen order; never "".
    expect(behaviour.typeNames).toEqual(["Apparel", "Beauty", "Grocery", "Candles"]);
    expect(behaviour.typeOffsets).toHaveLength(behaviour.timesMs.length + 1);
  });

  it("for one customer: the same rows as that customer's slice of the shop", async () => {
    const one = await models.scores.loadBehaviourOrders(shopId, 3n);
    expect(one.customerIds).toEqual(["3"]);
    expect(Array.from(one.offsets)).toEqual([0, 2]);
    expect(Array.from(one.discounted)).toEqual([1, 0]);
    expect(Array.from(one.typeOffsets)).toEqual([0, 1, 3]);
    expect(one.typeNames).toEqual(["Candles", "Beauty"]);
    expect(Array.from(one.typeIndex)).toEqual([0, 1, 0]);
    expect(Array.from(one.typeSpendMinor)).toEqual([2000, 2500, 600]);
    const none = await models.scores.loadBehaviourOrders(shopId, 4n); // deleted customer
    expect(none.customerIds).toEqual([]);
    expect(Array.from(none.offsets)).toEqual([0]);
    expect(Array.from(none.typeOffsets)).toEqual([0]);
  });
});
