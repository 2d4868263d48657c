// Admin API nodes (GraphQL pages and bulk JSONL lines) mapped to the records
// the models store. Amounts are shop money (shopMoney), parsed exactly.
import { parseMoneyToMinor } from "../domain/money";
import { refundedMinor, type BulkLineItem, type CustomerRecord, type OrderRecord } from "../domain/order-record";
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
  /** Requested by the bulk export; nullable in the Admin API. */
  totalDiscountsSet?: { shopMoney: { amount: string } } | null;
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
    // Absent from the query (Admin API order pages): keep what is stored. Null in a
    // response that asked for it: Shopify reports no discount amount.
    ...(node.totalDiscountsSet === undefined ? {} : { discountMinor: node.totalDiscountsSet ? minor(node.totalDiscountsSet.shopMoney.amount) : 0n }),
  };
}

/** A bulk export's LineItem line (ORDERS_BULK_QUERY), child of its order by __parentId. */
interface LineItemLine {
  id: string;
  __parentId: string;
  product?: { id: string; productType: string } | null;
  originalTotalSet?: { shopMoney: { amount: string } } | null;
}

/** A bulk LineItem line → its staged record; null for a custom item or a deleted product (nothing to type it by). */
export function lineItemFromLine(line: LineItemLine): BulkLineItem | null {
  if (!line.product) return null;
  return {
    lineItemId: legacyId(line.id),
    orderId: legacyId(line.__parentId),
    productId: legacyId(line.product.id),
    productType: line.product.productType,
    spendMinor: line.originalTotalSet ? minor(line.originalTotalSet.shopMoney.amount) : 0n,
  };
}

export function customerFromNode(node: { id: string; createdAt?: string | null; updatedAt?: string | null; tags?: readonly string[] | null }): CustomerRecord {
  return {
    id: legacyId(node.id),
    createdAt: node.createdAt ? new Date(node.createdAt) : null,
    updatedAt: node.updatedAt ? new Date(node.updatedAt) : null,
    tags: node.tags ?? null,
  };
}
