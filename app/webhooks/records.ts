// Webhook payloads (REST shape, validated by ./payloads) mapped to the records
// the models store. Amounts are shop money (shop_money), parsed exactly.
import { parseMoneyToMinor } from "../domain/money";
import { refundedMinor, type CustomerRecord, type LineItemSpend, type OrderRecord } from "../domain/order-record";
import type { CustomerPayload, OrderPayload } from "./payloads";

const minor = (amount: string) => BigInt(parseMoneyToMinor(amount));

export function orderFromPayload(payload: OrderPayload): OrderRecord {
  const totalMinor = minor(payload.total_price_set.shop_money.amount);
  const current = payload.current_total_price_set ? minor(payload.current_total_price_set.shop_money.amount) : null;
  return {
    id: BigInt(payload.id),
    customerId: payload.customer?.id ? BigInt(payload.customer.id) : null,
    processedAt: new Date(payload.processed_at ?? payload.created_at),
    updatedAt: new Date(payload.updated_at),
    cancelledAt: payload.cancelled_at ? new Date(payload.cancelled_at) : null,
    test: payload.test,
    currency: payload.total_price_set.shop_money.currency_code,
    presentmentCurrency: payload.presentment_currency ?? null,
    totalMinor,
    refundedMinor: refundedMinor(totalMinor, current),
    discountCodes: payload.discount_codes.map((d) => d.code),
    ...(payload.total_discounts_set ? { discountMinor: minor(payload.total_discounts_set.shop_money.amount) } : {}),
  };
}

/**
 * Each line item's product and original total (shop-money unit price × quantity, before
 * discounts); a line without a price or quantity is left out. Typing the lines needs the
 * ProductType table (productTypeSpend in app/domain/order-record.ts).
 */
export function lineItemSpendsFromPayload(payload: OrderPayload): LineItemSpend[] {
  const lines: LineItemSpend[] = [];
  for (const line of payload.line_items) {
    if (!line.price_set || line.quantity === undefined) continue;
    lines.push({
      productId: line.product_id ? BigInt(line.product_id) : null,
      spendMinor: minor(line.price_set.shop_money.amount) * BigInt(line.quantity),
    });
  }
  return lines;
}

export function customerFromPayload(payload: CustomerPayload): CustomerRecord {
  return {
    id: BigInt(payload.id),
    createdAt: payload.created_at ? new Date(payload.created_at) : null,
    updatedAt: payload.updated_at ? new Date(payload.updated_at) : null,
    tags: typeof payload.tags === "string" ? payload.tags.split(",").map((t) => t.trim()).filter(Boolean) : null,
  };
}
