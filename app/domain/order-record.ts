// Normalised order and customer records, built from a bulk JSONL line, an
// Admin API node or a webhook payload. Amounts are shop-currency minor units.
import { parseMoneyToMinor } from "../domain/money";
import { legacyId } from "../shopify/gid";
import type { OrderPayload } from "../webhooks/payloads";

export interface OrderRecord {
  id: bigint;
  customerId: bigint | null;
  processedAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  currency: string;
  presentmentCurrency: string | null;
  totalMinor: bigint;
  refundedMinor: bigint;
  discountCodes: string[];
}

export interface CustomerRecord {
  id: bigint;
  createdAt: Date | null;
  updatedAt: Date | null;
}

const minor = (amount: string) => BigInt(parseMoneyToMinor(amount));

/** Net of refunds: the current total reflects refunds and edits. */
function refunded(totalMinor: bigint, currentMinor: bigint | null): bigint {
  if (currentMinor === null) return 0n;
  const difference = totalMinor - currentMinor;
  return difference > 0n ? difference : 0n;
}

interface OrderNode {
  id: string;
  createdAt: string;
  updatedAt: string;
  processedAt?: string | null;
  cancelledAt?: string | null;
  test?: boolean;
  currencyCode: string;
  presentmentCurrencyCode?: string | null;
  customer?: { id: string } | null;
  totalPriceSet: { shopMoney: { amount: string } };
  currentTotalPriceSet?: { shopMoney: { amount: string } } | null;
  discountCodes?: string[];
}

export function orderFromNode(node: OrderNode): OrderRecord {
  const totalMinor = minor(node.totalPriceSet.shopMoney.amount);
  const current = node.currentTotalPriceSet ? minor(node.currentTotalPriceSet.shopMoney.amount) : null;
  return {
    id: legacyId(node.id),
    customerId: node.customer?.id ? legacyId(node.customer.id) : null,
    processedAt: new Date(node.processedAt ?? node.createdAt),
    updatedAt: new Date(node.updatedAt),
    cancelledAt: node.cancelledAt ? new Date(node.cancelledAt) : null,
    test: node.test ?? false,
    currency: node.currencyCode,
    presentmentCurrency: node.presentmentCurrencyCode ?? null,
    totalMinor,
    refundedMinor: refunded(totalMinor, current),
    discountCodes: node.discountCodes ?? [],
  };
}

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
    refundedMinor: refunded(totalMinor, current),
    discountCodes: payload.discount_codes.map((d) => d.code),
  };
}

export function customerFromNode(node: { id: string; createdAt?: string | null; updatedAt?: string | null }): CustomerRecord {
  return {
    id: legacyId(node.id),
    createdAt: node.createdAt ? new Date(node.createdAt) : null,
    updatedAt: node.updatedAt ? new Date(node.updatedAt) : null,
  };
}
