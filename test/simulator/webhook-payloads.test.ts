import { describe, expect, it } from "vitest";
import { generateStore } from "./generator";
import { parseMinor } from "./money";
import {
  bulkOperationFinishPayload,
  customerDeletePayload,
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  orderPayload,
  refundPayload,
  shopPayload,
  shopRedactPayload,
} from "./webhook-payloads";

const { shop } = generateStore({ domain: "pay.myshopify.com", seed: 7, customers: 3000, asOf: "2026-11-22T00:00:00Z" });
const orders = [...shop.orders.values()];
type AnyJson = Record<string, any>;

describe("order payload", () => {
  it("has Shopify's REST field names and decimal string amounts", () => {
    const o = orders.find((x) => x.customerId !== null && !x.cancelledAt && x.refunds.length === 0)!;
    const p = orderPayload(shop, o) as AnyJson;
    for (const k of [
      "id", "admin_graphql_api_id", "name", "created_at", "updated_at", "processed_at", "cancelled_at", "cancel_reason",
      "test", "currency", "presentment_currency", "total_price", "current_total_price", "total_price_set",
      "current_total_price_set", "customer", "discount_codes", "line_items", "refunds", "financial_status",
    ]) expect(p).toHaveProperty(k);
    expect(p.admin_graphql_api_id).toBe(`gid://shopify/Order/${o.id}`);
    expect(p.customer.id).toBe(o.customerId);
    expect(p.customer.admin_graphql_api_id).toBe(`gid://shopify/Customer/${o.customerId}`);
    expect(p.total_price).toMatch(/^\d+\.\d{2}$/);
    expect(parseMinor(p.total_price)).toBe(o.totalShopMinor);
    expect(p.total_price_set.shop_money).toEqual({ amount: p.total_price, currency_code: shop.currency });
    expect(p.current_total_price).toBe(p.total_price);
    expect(p.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(p.cancelled_at).toBeNull();
    expect(p.financial_status).toBe("paid");
  });

  it("line items (net of discount allocations) add up to the total in both currencies", () => {
    for (const o of orders.slice(0, 2000)) {
      const p = orderPayload(shop, o) as AnyJson;
      let shopSum = 0;
      let presSum = 0;
      for (const li of p.line_items) {
        const alloc = li.discount_allocations.reduce((a: number, d: AnyJson) => a + parseMinor(d.amount), 0);
        const allocPres = li.discount_allocations.reduce((a: number, d: AnyJson) => a + parseMinor(d.amount_set.presentment_money.amount), 0);
        shopSum += parseMinor(li.price) * li.quantity - alloc;
        presSum += parseMinor(li.price_set.presentment_money.amount) * li.quantity - allocPres;
      }
      expect(shopSum).toBe(o.totalShopMinor);
      if (o.lineItems.every((l) => l.quantity === 1)) expect(presSum).toBe(o.totalPresentmentMinor);
      expect(parseMinor(p.subtotal_price)).toBe(parseMinor(p.total_line_items_price) - parseMinor(p.total_discounts));
    }
  });

  it("foreign presentment currency: shop money stays in the shop currency", () => {
    const o = orders.find((x) => x.presentmentCurrency !== x.shopCurrency)!;
    const p = orderPayload(shop, o) as AnyJson;
    expect(p.currency).toBe(shop.currency);
    expect(p.presentment_currency).toBe(o.presentmentCurrency);
    expect(p.total_price_set.presentment_money.currency_code).toBe(o.presentmentCurrency);
    expect(parseMinor(p.total_price_set.shop_money.amount)).toBe(o.totalShopMinor);
    expect(parseMinor(p.total_price_set.presentment_money.amount)).toBe(o.totalPresentmentMinor);
  });

  it("refunds reduce current_total_price and appear with transactions and line items", () => {
    const partial = orders.find((x) => x.refunds.length && x.refunds[0].shopMinor < x.totalShopMinor && x.refunds[0].lineItems)!;
    const p = orderPayload(shop, partial) as AnyJson;
    const r = partial.refunds[0];
    expect(parseMinor(p.current_total_price)).toBe(partial.totalShopMinor - r.shopMinor);
    expect(p.financial_status).toBe("partially_refunded");
    expect(p.refunds[0].id).toBe(r.id);
    const rp = refundPayload(shop, partial, r) as AnyJson;
    expect(rp.order_id).toBe(partial.id);
    expect(rp.admin_graphql_api_id).toBe(`gid://shopify/Refund/${r.id}`);
    expect(rp.transactions[0]).toMatchObject({ kind: "refund", status: "success", currency: partial.presentmentCurrency });
    expect(parseMinor(rp.transactions[0].amount)).toBe(r.presentmentMinor);
    const rli = rp.refund_line_items.reduce((a: number, l: AnyJson) => a + parseMinor(l.subtotal_set.shop_money.amount), 0);
    expect(rli).toBe(r.shopMinor);

    const amountOnly = orders.find((x) => x.refunds.length && !x.refunds[0].lineItems)!;
    const ap = refundPayload(shop, amountOnly, amountOnly.refunds[0]) as AnyJson;
    expect(ap.refund_line_items).toEqual([]);
    expect(ap.order_adjustments[0].kind).toBe("refund_discrepancy");
    expect(parseMinor(ap.order_adjustments[0].amount_set.shop_money.amount)).toBe(-amountOnly.refunds[0].shopMinor);

    const full = orders.find((x) => x.refunds.length && x.refunds[0].shopMinor === x.totalShopMinor && !x.cancelledAt)!;
    const fp = orderPayload(shop, full) as AnyJson;
    expect(fp.current_total_price).toBe("0.00");
    expect(fp.financial_status).toBe("refunded");
  });

  it("guest checkouts carry no customer; cancelled orders carry the reason", () => {
    const g = orderPayload(shop, orders.find((x) => x.customerId === null)!) as AnyJson;
    expect(g.customer).toBeNull();
    const c = orders.find((x) => x.cancelledAt)!;
    const cp = orderPayload(shop, c) as AnyJson;
    expect(cp.cancelled_at).not.toBeNull();
    expect(typeof cp.cancel_reason).toBe("string");
    const d = orders.find((x) => x.discountCodes.length)!;
    const dp = orderPayload(shop, d) as AnyJson;
    expect(dp.discount_codes[0]).toMatchObject({ code: d.discountCodes[0], type: "percentage" });
  });
});

describe("other payloads", () => {
  it("customer payloads carry ids and timestamps but no tags (API >= 2025-01)", () => {
    const c = [...shop.customers.values()][0];
    c.tags = ["vip"];
    const p = customerPayload(shop, c) as AnyJson;
    expect(p).toMatchObject({ id: c.id, admin_graphql_api_id: `gid://shopify/Customer/${c.id}` });
    expect(p.created_at).toBeTruthy();
    expect(p.updated_at).toBeTruthy();
    expect(p).not.toHaveProperty("tags");
    expect(customerDeletePayload(c.id)).toMatchObject({ id: c.id });
  });

  it("app/uninstalled sends the shop object", () => {
    const p = shopPayload(shop) as AnyJson;
    expect(p).toMatchObject({ myshopify_domain: shop.domain, domain: shop.domain, currency: shop.currency, id: shop.id });
  });

  it("bulk_operations/finish is flat with lower-case status and type", () => {
    expect(
      bulkOperationFinishPayload({ id: 720918, completedAt: "2026-11-22T10:00:00Z", createdAt: "2026-11-22T09:59:00Z", status: "COMPLETED", type: "QUERY" }),
    ).toEqual({
      admin_graphql_api_id: "gid://shopify/BulkOperation/720918",
      completed_at: "2026-11-22T10:00:00+00:00",
      created_at: "2026-11-22T09:59:00+00:00",
      error_code: null,
      status: "completed",
      type: "query",
    });
  });

  it("compliance payloads", () => {
    expect(customersDataRequestPayload(shop, 5, [1, 2], 9)).toEqual({
      shop_id: shop.id,
      shop_domain: shop.domain,
      orders_requested: [1, 2],
      customer: { id: 5, email: null, phone: null },
      data_request: { id: 9 },
    });
    expect(customersRedactPayload(shop, 5, [3])).toEqual({
      shop_id: shop.id,
      shop_domain: shop.domain,
      customer: { id: 5, email: null, phone: null },
      orders_to_redact: [3],
    });
    expect(shopRedactPayload(shop)).toEqual({ shop_id: shop.id, shop_domain: shop.domain });
  });
});
