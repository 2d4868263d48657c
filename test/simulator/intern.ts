// One copy of each short, often-repeated string the store keeps (metafield namespaces, keys
// and types, tags, write-log items). Values parsed from every JSONL line are fresh strings, so
// a million customers' eleven app metafields held eleven million copies of the same few names:
// about 0.4 KB of heap per customer and write-back (scripts/sim-bulk-mutation.ts, HEAP_PARTS).
const table = new Map<string, string>();
/** Beyond this many distinct strings the table stops growing (values that do not repeat). */
const MAX_ENTRIES = 100_000;

export function intern(s: string): string {
  const known = table.get(s);
  if (known !== undefined) return known;
  if (table.size < MAX_ENTRIES) table.set(s, s);
  return s;
}
