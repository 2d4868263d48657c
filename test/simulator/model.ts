// Plain data model of a simulated Shopify store. The generator produces it,
// the GraphQL API and webhook emitter read and mutate it. Money is kept in
// integer minor units of the named currency so sums are exact.

export type Plan = "standard" | "advanced" | "plus" | "enterprise";

export interface SimMetafield {
  namespace: string;
  key: string;
  type: string; // e.g. "number_decimal", "single_line_text_field", "date_time"
  value: string;
  updatedAt: string;
}

export interface SimCustomer {
  /** Numeric legacy id; the GraphQL id is gid://shopify/Customer/{id}. */
  id: number;
  createdAt: string;
  updatedAt: string;
  /** Merchant and app tags, in Shopify's order (sorted, unique). */
  tags: string[];
  metafields: SimMetafield[];
  deleted?: boolean;
}

/** A postal address as Shopify keeps it (MailingAddress; REST `default_address`, `billing_address`). */
export interface SimAddress {
  address1: string;
  address2: string | null;
  city: string;
  /** State or province name (null where the country has none in Shopify, e.g. GB). */
  province: string | null;
  provinceCode: string | null;
  zip: string;
  country: string;
  countryCode: string;
}

/**
 * A customer's (or a guest buyer's) personal data: shops generated with `personalData: true`
 * only (personal-data.ts derives it from the seed and the customer id, so customers created
 * later have it too).
 */
export interface SimPerson {
  firstName: string;
  lastName: string;
  /** Lower case, unique per shop. */
  email: string;
  /** E.164, unique per shop for customers. */
  phone: string;
  defaultAddress: SimAddress;
}

export interface SimLineItem {
  id: number;
  productId: number | null;
  productType: string | null;
  quantity: number;
  /** Line total in shop currency (net of discounts). */
  shopMinor: number;
  /** Discount allocated to this line, shop currency; gross = shopMinor + discountMinor (absent: no discount). */
  discountMinor?: number;
}

/** Which line items a refund covered. */
export interface SimRefundLineItem {
  lineItemId: number;
  quantity: number;
  shopMinor: number;
}

export interface SimRefund {
  id: number;
  createdAt: string;
  /** Refunded amount in shop currency. */
  shopMinor: number;
  presentmentMinor: number;
  /** Refunded line items; empty/absent = amount-only refund. */
  lineItems?: SimRefundLineItem[];
}

export interface SimOrder {
  id: number;
  name: string; // "#1001"
  customerId: number | null; // null for guest checkouts
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  /** "customer" | "fraud" | "inventory" | "declined" | "other"; null/absent when not cancelled. */
  cancelReason?: string | null;
  test: boolean;
  shopCurrency: string;
  presentmentCurrency: string;
  /** Original total in shop and presentment currency (before refunds). */
  totalShopMinor: number;
  totalPresentmentMinor: number;
  discountCodes: string[];
  lineItems: SimLineItem[];
  refunds: SimRefund[];
}

export interface SimShop {
  domain: string; // "{name}.myshopify.com"
  name: string;
  currency: string;
  plan: Plan;
  /** Scopes the merchant granted (read_all_orders may be missing). */
  grantedScopes: string[];
  customers: Map<number, SimCustomer>;
  orders: Map<number, SimOrder>;
  /** Numeric shop id (compliance payloads, gid://shopify/Shop/{id}); emptyShop derives it from the domain. */
  id?: number;
  /** Set when the app was uninstalled (no more webhooks but app/uninstalled and the compliance topics). */
  uninstalledAt?: string | null;
  /** Customers and guest buyers carry personal data drawn from this seed (absent: none, as before). */
  personalData?: { seed: string };
}
