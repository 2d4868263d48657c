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
}

export interface CustomerRecord {
  id: bigint;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** Net of refunds: the current total reflects refunds and edits. */
export function refundedMinor(totalMinor: bigint, currentMinor: bigint | null): bigint {
  if (currentMinor === null) return 0n;
  const difference = totalMinor - currentMinor;
  return difference > 0n ? difference : 0n;
}
