import { describe, expect, it } from "vitest";
import { generateStore, orderNet } from "./generator";
import {
  cancelOrder,
  compliance,
  deleteCustomer,
  placeOrder,
  refundOrder,
  SimEventError,
  uninstall,
  updateOrder,
} from "./store-events";

const now = new Date("2026-11-22T12:00:00Z");
const ctx = { now: () => now };

function fresh() {
  return generateStore({ domain: "ev.myshopify.com", seed: 3, customers: 500, asOf: "2026-11-22T00:00:00Z" }).shop;
}

describe("store events", () => {
  it("placeOrder for a new customer: customers/create, orders/create, customers/update; ids continue", () => {
    const shop = fresh();
    const maxOrder = Math.max(...shop.orders.keys());
    const maxCust = Math.max(...shop.customers.keys());
    const r = placeOrder(ctx, shop, { customer: "new", amountMinor: 4599 });
    expect(r.webhooks.map((w) => w.topic)).toEqual(["customers/create", "orders/create", "customers/update"]);
    expect(r.order.id).toBe(maxOrder + 1);
    expect(r.customer!.id).toBe(maxCust + 1);
    expect(r.order.lineItems.reduce((a, l) => a + l.shopMinor, 0)).toBe(4599);
    expect((r.webhooks[1].payload as any).total_price).toBe("45.99");
    expect(shop.orders.get(r.order.id)).toBe(r.order);
    const g = placeOrder(ctx, shop, { customer: null, amountMinor: 100 });
    expect(g.webhooks.map((w) => w.topic)).toEqual(["orders/create"]);
    expect(g.order.name).not.toBe(r.order.name);
  });

  it("cancel → orders/cancelled (+refunds/create) + orders/updated, updated_at strictly increasing", () => {
    const shop = fresh();
    const { order } = placeOrder(ctx, shop, { customer: "new", amountMinor: 2000 });
    const before = order.updatedAt;
    const c = cancelOrder(ctx, shop, order.id, { refund: true });
    expect(c.webhooks.map((w) => w.topic)).toEqual(["orders/cancelled", "refunds/create", "orders/updated"]);
    expect(order.updatedAt > before).toBe(true);
    expect(orderNet(order)).toEqual({ counted: false, netShopMinor: 0 });
    expect(() => cancelOrder(ctx, shop, order.id)).toThrow(SimEventError);
  });

  it("partial and full refunds; over-refunds are refused", () => {
    const shop = fresh();
    const { order } = placeOrder(ctx, shop, { customer: "new", amountMinor: 3000, lineItems: 2 });
    const u0 = order.updatedAt;
    const p = refundOrder(ctx, shop, order.id, { amountMinor: 500 });
    expect(p.webhooks.map((w) => w.topic)).toEqual(["refunds/create", "orders/updated"]);
    expect(order.updatedAt > u0).toBe(true);
    expect((p.webhooks[1].payload as any).current_total_price).toBe("25.00");
    expect(() => refundOrder(ctx, shop, order.id, { amountMinor: 2600 })).toThrow(/exceeds/);
    refundOrder(ctx, shop, order.id, { full: true });
    expect(orderNet(order).netShopMinor).toBe(0);
    expect(() => refundOrder(ctx, shop, order.id, { full: true })).toThrow(/fully refunded/);
    // Generated orders share frozen empty refund arrays; refunding must not touch others.
    const other = [...shop.orders.values()].find((o) => o.refunds.length === 0 && !o.cancelledAt)!;
    refundOrder(ctx, shop, other.id, { full: true });
    expect([...shop.orders.values()].filter((o) => o.refunds.length > 0).length).toBeGreaterThan(2);
  });

  it("updateOrder, deleteCustomer, compliance, uninstall", () => {
    const shop = fresh();
    const o = [...shop.orders.values()][0];
    const u = updateOrder(ctx, shop, o.id);
    expect(u.webhooks[0].topic).toBe("orders/updated");
    const cid = [...shop.customers.keys()][0];
    const d = deleteCustomer(ctx, shop, cid);
    expect(d.webhooks).toEqual([{ topic: "customers/delete", payload: expect.objectContaining({ id: cid }) }]);
    expect(shop.customers.get(cid)!.deleted).toBe(true);
    expect(() => placeOrder(ctx, shop, { customer: cid })).toThrow(/not found/);
    const red = compliance(ctx, shop, "customers/redact", cid);
    expect(red.webhooks[0].topic).toBe("customers/redact");
    const un = uninstall(ctx, shop);
    expect(un.webhooks[0].topic).toBe("app/uninstalled");
    expect(placeOrder(ctx, shop, { customer: null }).webhooks).toEqual([]);
    expect(compliance(ctx, shop, "shop/redact").webhooks[0].topic).toBe("shop/redact");
  });
});
