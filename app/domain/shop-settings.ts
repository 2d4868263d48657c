// A shop's effective settings: the stored ShopSettings row (possibly absent or
// partly null) resolved against the one set of defaults.
import { SETTINGS_DEFAULTS, WRITABLE_TRAITS, type WritableTrait } from "./settings";
import { DEFAULT_SEGMENT_MAP, segmentMapSchema, type SegmentMap } from "./segment-map";

export interface ShopSettingsValues {
  churnHorizonDays: number;
  tagPrefix: string;
  holdoutPercent: number;
  writeBackEnabled: boolean;
  flowTriggerEnabled: boolean;
  segmentMap: SegmentMap;
  traitTagPrefix: string;
  /** Traits written back (tags, metafield, native segments), in WRITABLE_TRAITS order. */
  enabledTraits: WritableTrait[];
  /** Customers with this tag are opted out of profiling. */
  optOutTag: string;
}

/** The stored columns, as Prisma returns them (any may be missing). */
export interface StoredSettings {
  churnHorizonDays?: number | null;
  tagPrefix?: string | null;
  holdoutPercent?: number | null;
  writeBackEnabled?: boolean | null;
  flowTriggerEnabled?: boolean | null;
  segmentMap?: unknown;
  traitTagPrefix?: string | null;
  enabledTraits?: readonly string[] | null;
  optOutTag?: string | null;
}

/** Stored settings with defaults filled in; a malformed stored map falls back to the default grid. */
export function resolveSettings(stored: StoredSettings | null | undefined): ShopSettingsValues {
  const map = stored?.segmentMap == null ? null : segmentMapSchema.safeParse(stored.segmentMap);
  return {
    churnHorizonDays: stored?.churnHorizonDays ?? SETTINGS_DEFAULTS.churnHorizonDays,
    tagPrefix: stored?.tagPrefix ?? SETTINGS_DEFAULTS.tagPrefix,
    holdoutPercent: stored?.holdoutPercent ?? SETTINGS_DEFAULTS.holdoutPercent,
    writeBackEnabled: stored?.writeBackEnabled ?? SETTINGS_DEFAULTS.writeBackEnabled,
    flowTriggerEnabled: stored?.flowTriggerEnabled ?? SETTINGS_DEFAULTS.flowTriggerEnabled,
    segmentMap: map?.success ? map.data : DEFAULT_SEGMENT_MAP,
    traitTagPrefix: stored?.traitTagPrefix ?? SETTINGS_DEFAULTS.traitTagPrefix,
    // Unknown keys (a trait since removed) are dropped; order is the published one.
    enabledTraits: stored?.enabledTraits ? WRITABLE_TRAITS.filter((t) => stored.enabledTraits!.includes(t)) : [...SETTINGS_DEFAULTS.enabledTraits],
    optOutTag: stored?.optOutTag ?? SETTINGS_DEFAULTS.optOutTag,
  };
}
