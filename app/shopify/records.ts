// Admin API nodes (GraphQL pages and bulk JSONL lines) mapped to the records
// the models store. Amounts are shop money (shopMoney), parsed exactly.
import { parseMoneyToMinor } from "../domain/money";
import { refundedMinor, type CustomerRecord, type OrderRecord } from "../domain/order-record";
import { legacyId } from "./gid";

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

const minor = (amount: string) => BigInt(parseMoneyToMinor(amount));

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
    refundedMinor: refundedMinor(totalMinor, current),
    discountCodes: node.discountCodes ?? [],
  };
}

export function customerFromNode(node: { id: string; createdAt?: string | null; updatedAt?: string | null }): CustomerRecord {
  return {
    id: legacyId(node.id),
    createdAt: node.createdAt ? new Date(node.createdAt) : null,
    updatedAt: node.updatedAt ? new Date(node.updatedAt) : null,
  };
}
