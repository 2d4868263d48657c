// One customer's trait fields as stored with its score: the snapshot traits of
// computeTraits (traits.ts) plus the move `recovered` (recovered.ts), the specialist's
// type and the expected next order date.
import { gainedFlowTraits, recoveredSince, type PreviousScore } from "./recovered";
import { expectedNextOrderDate, specialistType, traitKeys, type ShopTraits } from "./traits";

export interface CustomerTraitFields {
  /** Sorted trait keys, `recovered` included while it holds. */
  traits: string[];
  specialistType: string | null;
  expectedNextOrderAt: Date | null;
  recoveredAt: Date | null;
  /** Flow-worthy traits gained since the previous score (none for a first score). */
  gained: string[];
}

/** Customer `c` of a computeTraits result whose last order (before asOf) was at `lastOrderMs`. */
export function customerTraitFields(result: ShopTraits, c: number, lastOrderMs: number, previous: PreviousScore | null, asOf: Date): CustomerTraitFields {
  const recoveredAt = recoveredSince(previous, new Date(lastOrderMs), asOf);
  const keys: string[] = traitKeys(result.traits[c]);
  if (recoveredAt) keys.push("recovered");
  keys.sort();
  const date = expectedNextOrderDate(result, c);
  return {
    traits: keys,
    specialistType: specialistType(result, c),
    expectedNextOrderAt: date ? new Date(`${date}T00:00:00Z`) : null,
    recoveredAt,
    gained: gainedFlowTraits(previous, keys),
  };
}
