// Figures Shopify derives from a store's orders rather than stores: which
// orders an app may see (read_all_orders), refunded totals, and the customer
// statistics (number of orders, amount spent, RFM group) segments filter on.
import type { SimCustomer, SimOrder, SimShop } from "../model";
import type { ServerState } from "../state";

const DAY = 86_400_000;

/** Orders the app may see: without read_all_orders only the last 60 days (by processedAt). */
export function orderVisible(state: ServerState, shop: SimShop, o: SimOrder): boolean {
  if (shop.grantedScopes.includes("read_all_orders")) return true;
  const cutoff = state.ctx.now().getTime() - state.options.recentOrderDays * DAY;
  return Date.parse(o.processedAt) >= cutoff;
}

export function ordersOfCustomer(shop: SimShop, customerId: number): SimOrder[] {
  const out: SimOrder[] = [];
  for (const o of shop.orders.values()) if (o.customerId === customerId) out.push(o);
  return out;
}

export function refundedMinor(o: SimOrder): number {
  return o.refunds.reduce((s, r) => s + r.shopMinor, 0);
}
export function refundedPresentmentMinor(o: SimOrder): number {
  return o.refunds.reduce((s, r) => s + r.presentmentMinor, 0);
}

export interface CustomerStats {
  numberOfOrders: number;
  amountSpentMinor: number;
  lastOrder: SimOrder | null;
  rfmGroup: string;
  predictedSpendTier: string;
}

/** Shopify's own figures for a customer, computed from all of their orders. */
export function customerStats(state: ServerState, shop: SimShop, c: SimCustomer): CustomerStats {
  const orders = ordersOfCustomer(shop, c.id).filter((o) => !o.test);
  let spent = 0;
  let last: SimOrder | null = null;
  for (const o of orders) {
    if (!o.cancelledAt) spent += o.totalShopMinor - refundedMinor(o);
    if (!last || o.processedAt > last.processedAt) last = o;
  }
  const f = orders.length;
  const m = spent / 100;
  const r = last ? (state.ctx.now().getTime() - Date.parse(last.processedAt)) / DAY : Infinity;
  let rfm: string;
  if (f === 0) rfm = "PROSPECTS";
  else if (r <= 30 && f >= 5) rfm = "CHAMPIONS";
  else if (r <= 30 && f === 1) rfm = "NEW";
  else if (r <= 90 && f >= 4) rfm = "LOYAL";
  else if (r <= 90 && f >= 2) rfm = "ACTIVE";
  else if (r <= 90) rfm = "PROMISING";
  else if (r <= 180 && f >= 2) rfm = "NEEDS_ATTENTION";
  else if (r > 180 && f >= 5) rfm = "PREVIOUSLY_LOYAL";
  else if (r > 180 && f >= 3) rfm = "AT_RISK";
  else if (r <= 365) rfm = "ALMOST_LOST";
  else rfm = "DORMANT";
  const tier = m >= 500 ? "HIGH" : m >= 100 ? "MEDIUM" : "LOW";
  return { numberOfOrders: f, amountSpentMinor: spent, lastOrder: last, rfmGroup: rfm, predictedSpendTier: tier };
}
