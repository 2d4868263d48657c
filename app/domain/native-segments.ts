// Which native Shopify customer segments the app keeps for a shop: one per RFM
// segment key (e.g. "RFM: Champions", customers tagged "rfm:champions") and one per
// enabled trait ("RFM trait: Discount seeker", tagged "trait:discount_seeker").
import { SEGMENT_KEYS, SEGMENT_NAMES } from "./segment-map";
import type { ShopSettingsValues } from "./shop-settings";
import { TRAIT_LABELS } from "./trait-labels";

export interface WantedSegment {
  /** Stable key of the app's record (ShopSegment.segmentKey): the segment key, or "trait:" + trait key. */
  key: string;
  /** Preferred name (a suffix is added when a segment that is not ours has it). */
  name: string;
  /** The customer tag the segment selects. */
  tag: string;
}

export const SEGMENT_NAME_PREFIX = "RFM: ";
export const TRAIT_SEGMENT_NAME_PREFIX = "RFM trait: ";
export const TRAIT_SEGMENT_KEY_PREFIX = "trait:";

export function wantedNativeSegments(s: Pick<ShopSettingsValues, "tagPrefix" | "traitTagPrefix" | "enabledTraits">): WantedSegment[] {
  return [
    ...SEGMENT_KEYS.map((key) => ({ key, name: `${SEGMENT_NAME_PREFIX}${SEGMENT_NAMES[key]}`, tag: `${s.tagPrefix}${key}` })),
    ...s.enabledTraits.map((t) => ({ key: `${TRAIT_SEGMENT_KEY_PREFIX}${t}`, name: `${TRAIT_SEGMENT_NAME_PREFIX}${TRAIT_LABELS[t].name}`, tag: `${s.traitTagPrefix}${t}` })),
  ];
}
