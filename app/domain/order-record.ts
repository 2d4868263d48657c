// Normalised order and customer records: the shape the models store and the
// edge builds, from Admin API nodes and bulk JSONL lines (app/shopify/records.ts)
// and from webhook payloads (app/webhooks/records.ts). Amounts are
// shop-currency minor units.

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
  /**
   * The order's total discounts (line and order level), shop money; undefined when the
   * source does not carry it (the Admin API order pages): the stored value is kept.
   */
  discountMinor?: bigint;
  /**
   * Item spend per product type; undefined when the source does not carry it (bulk
   * orders, whose line items are merged at the end, and Admin API order pages): the
   * stored types and spends are kept.
   */
  productTypeSpend?: ProductTypeSpend;
}

/** Parallel arrays: distinct non-empty product types, sorted, and each type's item spend (shop minor units). */
export interface ProductTypeSpend {
  types: string[];
  spendMinor: bigint[];
}

/** One line item of a bulk export, staged until its order's lines are all in. */
export interface BulkLineItem {
  lineItemId: bigint;
  orderId: bigint;
  /** Null for a custom item or a deleted product. */
  productId: bigint | null;
  /** "" when the product has no type. */
  productType: string;
  /** Original total (price × quantity, before discounts), shop money. */
  spendMinor: bigint;
}

/** One webhook line item: its product and its original total (price × quantity, before discounts), shop money. */
export interface LineItemSpend {
  productId: bigint | null;
  spendMinor: bigint;
}

/** The distinct product ids of some line items, in first-seen order. */
export function productIdsOf(lines: readonly LineItemSpend[]): bigint[] {
  const seen = new Set<bigint>();
  for (const line of lines) if (line.productId !== null) seen.add(line.productId);
  return [...seen];
}

/**
 * Item spend per product type: lines whose product has a known, non-empty type are
 * summed by type (types sorted by code unit, as PostgreSQL's "C" collation and
 * Array.prototype.sort order them); untyped and unknown lines are left out.
 */
export function productTypeSpend(lines: readonly LineItemSpend[], typeOf: ReadonlyMap<bigint, string>): ProductTypeSpend {
  const byType = new Map<string, bigint>();
  for (const line of lines) {
    const type = line.productId === null ? undefined : typeOf.get(line.productId);
    if (!type) continue;
    byType.set(type, (byType.get(type) ?? 0n) + line.spendMinor);
  }
  const types = [...byType.keys()].sort();
  return { types, spendMinor: types.map((t) => byType.get(t)!) };
}

export interface CustomerRecord {
  id: bigint;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** The customer's tags when the source carries them (read for the opt-out flag, never stored). */
  tags?: readonly string[] | null;
}

/** Net of refunds: the current total reflects refunds and edits. */
export function refundedMinor(totalMinor: bigint, currentMinor: bigint | null): bigint {
  if (currentMinor === null) return 0n;
  const difference = totalMinor - currentMinor;
  return difference > 0n ? difference : 0n;
}
