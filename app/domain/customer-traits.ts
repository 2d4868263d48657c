// One customer's trait fields as stored with its score: the snapshot traits of
// computeTraits (traits.ts) plus the move `recovered` (recovered.ts), the specialist's
// type and the expected next order date.
import { RECOVERED_DAYS, gainedFlowTraits, recoveredSince, type PreviousScore } from "./recovered";
import { SEGMENT_NAMES, type SegmentKey } from "./segment-map";
import { expectedNextOrderDate, explainTraits, specialistType, type ShopTraits } from "./traits";

export interface CustomerTraitFields {
  /** Sorted trait keys, `recovered` included while it holds. */
  traits: string[];
  specialistType: string | null;
  expectedNextOrderAt: Date | null;
  recoveredAt: Date | null;
  /** Each trait in words and numbers (traits.ts explainTraits, and the recovery). */
  traitReasons: { key: string; text: string }[];
  /** Flow-worthy traits gained since the previous score (none for a first score). */
  gained: string[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Customer `c` of a computeTraits result whose last order (before asOf) was at `lastOrderMs`. */
export function customerTraitFields(result: ShopTraits, c: number, lastOrderMs: number, previous: PreviousScore | null, asOf: Date, currencyCode?: string): CustomerTraitFields {
  const recoveredAt = recoveredSince(previous, new Date(lastOrderMs), asOf);
  const explained = explainTraits(result, c, currencyCode);
  const keys: string[] = [...explained.traits];
  const traitReasons: { key: string; text: string }[] = explained.explanations.map((e) => ({ key: e.key, text: e.text }));
  if (recoveredAt) {
    keys.push("recovered");
    const from = previous && recoveredAt.getTime() === lastOrderMs && previous.segment ? ` from ${SEGMENT_NAMES[previous.segment as SegmentKey] ?? previous.segment}` : "";
    const until = new Date(recoveredAt.getTime() + RECOVERED_DAYS * 86_400_000);
    traitReasons.push({ key: "recovered", text: `recovered: ordered again on ${isoDay(recoveredAt)}${from}; holds ${RECOVERED_DAYS} days, until ${isoDay(until)}, and ends win-back treatment` });
  }
  keys.sort();
  traitReasons.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const date = expectedNextOrderDate(result, c);
  return {
    traits: keys,
    specialistType: specialistType(result, c),
    expectedNextOrderAt: date ? new Date(`${date}T00:00:00Z`) : null,
    recoveredAt,
    traitReasons,
    gained: gainedFlowTraits(previous, keys),
  };
}
