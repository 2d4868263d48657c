// Holdout (control) group membership: a stable hash of shop and customer id
// picks a bucket 0..9999; a customer is held out iff bucket < percent × 100.
// Membership depends only on (shop, customer, percent), so a recompute never
// moves a customer in or out; raising the percent only adds customers.
// Pure: FNV-1a (32 bit) over the UTF-8 bytes, no I/O (cheap enough to run per customer per write-back).

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const encoder = new TextEncoder();

function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so consecutive ids spread over buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable bucket 0..9999 for a customer of a shop. */
export function holdoutBucket(shopDomain: string, customerId: bigint | number | string): number {
  return fnv1a(`${shopDomain.toLowerCase()}:${String(customerId)}`) % 10_000;
}

/** True when the customer belongs to the shop's holdout group at `percent` (0..100, may be fractional). */
export function isHoldout(shopDomain: string, customerId: bigint | number | string, percent: number): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  return holdoutBucket(shopDomain, customerId) < Math.round(percent * 100);
}
