// Numeric ids of simulated objects: stable per shop domain, disjoint between
// kinds and shops, all below 2^53 so they survive JSON and JavaScript numbers.

/**
 * 32-bit FNV-1a hash of a string. The app has its own FNV hash; this one is
 * kept separate on purpose so the simulator never depends on app code.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Id spaces: kind base + per-shop slot * 1e9 (+ sequence). All < 2^53. */
export const ID_BASES = {
  customer: 7_000_000_000_000,
  order: 5_000_000_000_000,
  lineItem: 14_000_000_000_000,
  refund: 900_000_000_000,
} as const;
const ID_SLOTS = 1000;
const ID_STRIDE = 1_000_000_000;

/** Per-shop id offset derived from the domain (stable across runs). */
export function shopIdSlot(domain: string): number {
  return (hashString(domain) % ID_SLOTS) * ID_STRIDE;
}
