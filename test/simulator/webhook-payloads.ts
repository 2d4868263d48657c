// REST-style webhook payloads with Shopify's field names, built from the
// simulator's data model. Amounts are decimal strings ("12.30"); money sets
// carry shop_money and presentment_money. Since API 2025-01 customer payloads
// carry no tags (nor marketing consent, nor purchasing summary fields).
//
// Shapes follow shopify.dev webhook reference examples; only fields the app
// could plausibly read are filled with real values, the rest keep Shopify's
// names with neutral values (null, [], "0.00"). Names, emails, phones and
// addresses are filled when the shop has personal data (personal-data.ts):
// the customer payloads, the order's email, phone, customer and addresses, and
// the compliance payloads' customer; otherwise they stay null as before.
import type { SimCustomer, SimLineItem, SimOrder, SimPerson, SimRefund, SimShop } from "./model";
import { CATALOGUE, DISCOUNT_CODES } from "./catalogue";
import { convertMinor, formatMinor } from "./money";
import { customerPerson, orderPerson } from "./personal-data";

export type Json = Record<string, unknown>;

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

/** "2026-11-22T10:00:00Z" → "2026-11-22T10:00:00+00:00" (REST prints an offset). */
export function restTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.endsWith("Z") ? `${iso.slice(0, -1).replace(/\.\d+$/, "")}+00:00` : iso;
}

export function moneySet(shopMinor: number, shopCurrency: string, presMinor: number, presCurrency: string) {
  return {
    shop_money: { amount: formatMinor(shopMinor), currency_code: shopCurrency },
    presentment_money: { amount: formatMinor(presMinor), currency_code: presCurrency },
  };
}

const productById = new Map(CATALOGUE.map((p) => [p.id, p]));

/** Split a presentment total over parts proportionally to shop amounts, summing exactly. */
export function splitPresentment(shopParts: number[], shopTotal: number, presTotal: number): number[] {
  const out = new Array<number>(shopParts.length);
  let acc = 0;
  for (let i = 0; i < shopParts.length; i++) {
    if (i === shopParts.length - 1) out[i] = presTotal - acc;
    else {
      out[i] = shopTotal === 0 ? 0 : Math.round((shopParts[i] * presTotal) / shopTotal);
      acc += out[i];
    }
  }
  return out;
}

export function refundedShopMinor(order: SimOrder): number {
  let s = 0;
  for (const r of order.refunds) s += r.shopMinor;
  return s;
}

export function financialStatus(order: SimOrder): string {
  const refunded = refundedShopMinor(order);
  if (refunded >= order.totalShopMinor && order.totalShopMinor > 0) return "refunded";
  if (refunded > 0) return "partially_refunded";
  if (order.cancelledAt) return "voided";
  return "paid";
}

function lineTitle(li: SimLineItem): string {
  const p = li.productId !== null ? productById.get(li.productId) : undefined;
  return p ? p.title : "Custom item";
}

function lineItemPayload(order: SimOrder, li: SimLineItem, presGross: number, presDisc: number) {
  const shopCur = order.shopCurrency;
  const presCur = order.presentmentCurrency;
  const disc = li.discountMinor ?? 0;
  const grossShop = li.shopMinor + disc;
  const q = Math.max(1, li.quantity);
  // Unit price: exact when the gross divides by the quantity (the generator ensures it).
  const unitShop = Math.round(grossShop / q);
  const unitPres = Math.round(presGross / q);
  let refundedQty = 0;
  for (const r of order.refunds) for (const rl of r.lineItems ?? []) if (rl.lineItemId === li.id) refundedQty += rl.quantity;
  const title = lineTitle(li);
  return {
    id: li.id,
    admin_graphql_api_id: gid("LineItem", li.id),
    attributed_staffs: [],
    current_quantity: Math.max(0, li.quantity - refundedQty),
    fulfillable_quantity: Math.max(0, li.quantity - refundedQty),
    fulfillment_service: "manual",
    fulfillment_status: null,
    gift_card: title === "Gift Card",
    grams: 0,
    name: title,
    price: formatMinor(unitShop),
    price_set: moneySet(unitShop, shopCur, unitPres, presCur),
    product_exists: li.productId !== null,
    product_id: li.productId,
    properties: [],
    quantity: li.quantity,
    requires_shipping: true,
    sku: li.productId !== null ? `SKU-${li.productId}` : null,
    taxable: true,
    title,
    total_discount: "0.00",
    total_discount_set: moneySet(0, shopCur, 0, presCur),
    variant_id: null,
    variant_inventory_management: null,
    variant_title: null,
    vendor: null,
    tax_lines: [],
    duties: [],
    discount_allocations:
      disc > 0 ? [{ amount: formatMinor(disc), amount_set: moneySet(disc, shopCur, presDisc, presCur), discount_application_index: 0 }] : [],
  };
}

interface OrderMoney {
  /** Per line: presentment net, presentment discount. */
  presNet: number[];
  presDisc: number[];
  discShop: number;
  discPres: number;
}

function orderMoney(order: SimOrder): OrderMoney {
  const nets = order.lineItems.map((l) => l.shopMinor);
  const presNet = splitPresentment(nets, order.totalShopMinor, order.totalPresentmentMinor);
  const discs = order.lineItems.map((l) => l.discountMinor ?? 0);
  const discShop = discs.reduce((a, b) => a + b, 0);
  const discPres = convertMinor(discShop, order.shopCurrency, order.presentmentCurrency);
  const presDisc = splitPresentment(discs, discShop, discPres);
  return { presNet, presDisc, discShop, discPres };
}

/** Customer address ids: their own id space beside the customer's (8e12 + …, unused by other kinds). */
const ADDRESS_ID_OFFSET = 1_000_000_000_000;

/** A customer's address as REST customer payloads carry it (`addresses[]`, `default_address`). */
function customerAddressPayload(customerId: number, p: SimPerson): Json {
  const a = p.defaultAddress;
  return {
    id: customerId + ADDRESS_ID_OFFSET,
    customer_id: customerId,
    first_name: p.firstName,
    last_name: p.lastName,
    company: null,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    country: a.country,
    zip: a.zip,
    phone: p.phone,
    name: `${p.firstName} ${p.lastName}`,
    province_code: a.provinceCode,
    country_code: a.countryCode,
    country_name: a.country,
    default: true,
  };
}

/** An order's `billing_address` / `shipping_address`. */
function orderAddressPayload(p: SimPerson | null): Json | null {
  if (!p) return null;
  const a = p.defaultAddress;
  return {
    first_name: p.firstName,
    address1: a.address1,
    phone: p.phone,
    city: a.city,
    zip: a.zip,
    province: a.province,
    country: a.country,
    last_name: p.lastName,
    address2: a.address2,
    company: null,
    latitude: null,
    longitude: null,
    name: `${p.firstName} ${p.lastName}`,
    country_code: a.countryCode,
    province_code: a.provinceCode,
  };
}

export function customerPayload(shop: SimShop, c: SimCustomer): Json {
  const p = customerPerson(shop, c.id);
  const address = p ? customerAddressPayload(c.id, p) : null;
  return {
    id: c.id,
    email: p?.email ?? null,
    created_at: restTime(c.createdAt),
    updated_at: restTime(c.updatedAt),
    first_name: p?.firstName ?? null,
    last_name: p?.lastName ?? null,
    state: "enabled",
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: p?.phone ?? null,
    currency: shop.currency,
    addresses: address ? [address] : [],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", c.id),
    default_address: address,
  };
}

/** The customer object embedded in order payloads: the customer payload without addresses. */
function orderCustomer(shop: SimShop, order: SimOrder): Json | null {
  if (order.customerId === null) return null;
  const customer: SimCustomer = shop.customers.get(order.customerId) ?? {
    id: order.customerId,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    tags: [],
    metafields: [],
  };
  const { addresses: _addresses, ...embedded } = customerPayload(shop, customer);
  return embedded;
}

export function refundPayload(shop: SimShop, order: SimOrder, refund: SimRefund): Json {
  const shopCur = order.shopCurrency;
  const presCur = order.presentmentCurrency;
  const lines = refund.lineItems ?? [];
  const money = orderMoney(order);
  const refundLineItems = lines.map((rl, i) => {
    const idx = order.lineItems.findIndex((l) => l.id === rl.lineItemId);
    const li = idx >= 0 ? order.lineItems[idx] : undefined;
    const presFull = idx >= 0 ? money.presNet[idx] : convertMinor(rl.shopMinor, shopCur, presCur);
    const pres = li && li.shopMinor === rl.shopMinor ? presFull : convertMinor(rl.shopMinor, shopCur, presCur);
    return {
      id: refund.id * 10 + i + 1,
      line_item_id: rl.lineItemId,
      location_id: null,
      quantity: rl.quantity,
      restock_type: "no_restock",
      subtotal: rl.shopMinor / 100,
      subtotal_set: moneySet(rl.shopMinor, shopCur, pres, presCur),
      total_tax: 0,
      total_tax_set: moneySet(0, shopCur, 0, presCur),
      line_item: li && idx >= 0 ? lineItemPayload(order, li, money.presNet[idx] + money.presDisc[idx], money.presDisc[idx]) : null,
    };
  });
  const linesShop = lines.reduce((a, l) => a + l.shopMinor, 0);
  const linesPres = refundLineItems.reduce((a, l) => a + Number(l.subtotal_set.presentment_money.amount.replace(".", "")), 0);
  // Amount not explained by refunded line items (amount-only refunds).
  const adjShop = refund.shopMinor - linesShop;
  const adjPres = refund.presentmentMinor - linesPres;
  const orderAdjustments =
    adjShop !== 0
      ? [
          {
            id: refund.id * 10,
            order_id: order.id,
            refund_id: refund.id,
            amount: formatMinor(-adjShop),
            amount_set: moneySet(-adjShop, shopCur, -adjPres, presCur),
            tax_amount: "0.00",
            tax_amount_set: moneySet(0, shopCur, 0, presCur),
            kind: "refund_discrepancy",
            reason: "Refund discrepancy",
          },
        ]
      : [];
  return {
    id: refund.id,
    admin_graphql_api_id: gid("Refund", refund.id),
    order_id: order.id,
    created_at: restTime(refund.createdAt),
    processed_at: restTime(refund.createdAt),
    note: null,
    restock: false,
    user_id: null,
    duties: [],
    total_duties_set: moneySet(0, shopCur, 0, presCur),
    return: null,
    refund_shipping_lines: [],
    refund_line_items: refundLineItems,
    order_adjustments: orderAdjustments,
    transactions: [
      {
        id: refund.id + 1,
        admin_graphql_api_id: gid("OrderTransaction", refund.id + 1),
        order_id: order.id,
        kind: "refund",
        gateway: "bogus",
        status: "success",
        message: "Bogus Gateway: Forced success",
        created_at: restTime(refund.createdAt),
        processed_at: restTime(refund.createdAt),
        test: order.test,
        authorization: null,
        location_id: null,
        user_id: null,
        parent_id: null,
        device_id: null,
        error_code: null,
        source_name: "web",
        amount: formatMinor(refund.presentmentMinor),
        currency: presCur,
      },
    ],
  };
}

export function orderPayload(shop: SimShop, order: SimOrder): Json {
  const shopCur = order.shopCurrency;
  const presCur = order.presentmentCurrency;
  const money = orderMoney(order);
  const refunded = refundedShopMinor(order);
  const refundedPres = order.refunds.reduce((a, r) => a + r.presentmentMinor, 0);
  const total = order.totalShopMinor;
  const totalPres = order.totalPresentmentMinor;
  const gross = total + money.discShop;
  const grossPres = totalPres + money.discPres;
  const current = total - refunded;
  const currentPres = totalPres - refundedPres;
  const number = Number(order.name.replace(/^#/, "")) || 0;
  const codes = order.discountCodes.map((code) => {
    const dc = DISCOUNT_CODES.find((d) => d.code === code);
    return { code, amount: formatMinor(money.discShop), type: dc ? "percentage" : "fixed_amount" };
  });
  const zero = moneySet(0, shopCur, 0, presCur);
  const buyer = orderPerson(shop, order);
  return {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelledAt ? (order.cancelReason ?? "other") : null,
    cancelled_at: restTime(order.cancelledAt),
    cart_token: null,
    checkout_token: null,
    closed_at: null,
    confirmation_number: null,
    confirmed: true,
    contact_email: buyer?.email ?? null,
    created_at: restTime(order.createdAt),
    currency: shopCur,
    current_subtotal_price: formatMinor(current),
    current_subtotal_price_set: moneySet(current, shopCur, currentPres, presCur),
    current_total_additional_fees_set: null,
    current_total_discounts: formatMinor(money.discShop),
    current_total_discounts_set: moneySet(money.discShop, shopCur, money.discPres, presCur),
    current_total_duties_set: null,
    current_total_price: formatMinor(current),
    current_total_price_set: moneySet(current, shopCur, currentPres, presCur),
    current_total_tax: "0.00",
    current_total_tax_set: zero,
    customer_locale: "en",
    discount_codes: codes,
    discount_applications: order.discountCodes.map((code) => {
      const dc = DISCOUNT_CODES.find((d) => d.code === code);
      return {
        target_type: "line_item",
        type: "discount_code",
        value: dc ? `${dc.percent}.0` : formatMinor(money.discShop),
        value_type: dc ? "percentage" : "fixed_amount",
        allocation_method: "across",
        target_selection: "all",
        code,
      };
    }),
    email: buyer?.email ?? null,
    estimated_taxes: false,
    financial_status: financialStatus(order),
    fulfillment_status: null,
    landing_site: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: number - 1000,
    order_number: number,
    payment_gateway_names: ["bogus"],
    phone: buyer?.phone ?? null,
    presentment_currency: presCur,
    processed_at: restTime(order.processedAt),
    source_name: "web",
    subtotal_price: formatMinor(total),
    subtotal_price_set: moneySet(total, shopCur, totalPres, presCur),
    tags: "",
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    total_discounts: formatMinor(money.discShop),
    total_discounts_set: moneySet(money.discShop, shopCur, money.discPres, presCur),
    total_line_items_price: formatMinor(gross),
    total_line_items_price_set: moneySet(gross, shopCur, grossPres, presCur),
    total_outstanding: "0.00",
    total_price: formatMinor(total),
    total_price_set: moneySet(total, shopCur, totalPres, presCur),
    total_shipping_price_set: zero,
    total_tax: "0.00",
    total_tax_set: zero,
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: restTime(order.updatedAt),
    user_id: null,
    billing_address: orderAddressPayload(buyer),
    customer: orderCustomer(shop, order),
    fulfillments: [],
    line_items: order.lineItems.map((li, i) => lineItemPayload(order, li, money.presNet[i] + money.presDisc[i], money.presDisc[i])),
    payment_terms: null,
    refunds: order.refunds.map((r) => refundPayload(shop, order, r)),
    shipping_address: orderAddressPayload(buyer),
    shipping_lines: [],
  };
}

export function customerDeletePayload(customerId: number): Json {
  return {
    id: customerId,
    phone: null,
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customerId),
  };
}

const PLAN_NAMES: Record<string, [string, string]> = {
  standard: ["professional", "Shopify"],
  advanced: ["unlimited", "Advanced"],
  plus: ["shopify_plus", "Shopify Plus"],
  enterprise: ["enterprise", "Commerce Components"],
};

/** The shop object (as app/uninstalled and shop/update send it). */
export function shopPayload(shop: SimShop): Json {
  const [planName, planDisplay] = PLAN_NAMES[shop.plan] ?? PLAN_NAMES.standard;
  return {
    id: shop.id ?? 0,
    name: shop.name,
    email: `owner@${shop.domain}`,
    domain: shop.domain,
    province: null,
    country: "US",
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: null,
    updated_at: null,
    country_code: "US",
    country_name: "United States",
    currency: shop.currency,
    customer_email: null,
    timezone: "(GMT+00:00) UTC",
    iana_timezone: "UTC",
    shop_owner: "Simulated Owner",
    money_format: "${{amount}}",
    money_with_currency_format: `\${{amount}} ${shop.currency}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: planDisplay,
    plan_name: planName,
    has_discounts: true,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "${{amount}}",
    money_with_currency_in_emails_format: `\${{amount}} ${shop.currency}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currency],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

export interface BulkFinishInput {
  id: number | string;
  completedAt: string | null;
  createdAt: string;
  errorCode?: string | null;
  /** GraphQL enum (COMPLETED, FAILED, CANCELED) or lower case. */
  status: string;
  /** QUERY | MUTATION or lower case. */
  type: string;
}

/** bulk_operations/finish: flat fields, lower-case status and type, no URL. */
export function bulkOperationFinishPayload(b: BulkFinishInput): Json {
  const id = typeof b.id === "string" && b.id.startsWith("gid://") ? b.id : gid("BulkOperation", b.id);
  return {
    admin_graphql_api_id: id,
    completed_at: restTime(b.completedAt),
    created_at: restTime(b.createdAt),
    error_code: b.errorCode ?? null,
    status: b.status.toLowerCase(),
    type: b.type.toLowerCase(),
  };
}

/** The compliance topics' `customer`: id, email and phone. */
function compliancePerson(shop: SimShop, customerId: number): Json {
  const p = customerPerson(shop, customerId);
  return { id: customerId, email: p?.email ?? null, phone: p?.phone ?? null };
}

export function customersDataRequestPayload(
  shop: SimShop,
  customerId: number,
  ordersRequested: number[],
  dataRequestId: number,
): Json {
  return {
    shop_id: shop.id ?? 0,
    shop_domain: shop.domain,
    orders_requested: ordersRequested,
    customer: compliancePerson(shop, customerId),
    data_request: { id: dataRequestId },
  };
}

export function customersRedactPayload(shop: SimShop, customerId: number, ordersToRedact: number[]): Json {
  return {
    shop_id: shop.id ?? 0,
    shop_domain: shop.domain,
    customer: compliancePerson(shop, customerId),
    orders_to_redact: ordersToRedact,
  };
}

export function shopRedactPayload(shop: SimShop): Json {
  return { shop_id: shop.id ?? 0, shop_domain: shop.domain };
}
