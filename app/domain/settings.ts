// The one definition of a shop's settings: defaults, limits and form field
// names. Imports nothing, so the settings form (client bundle), the form
// validation, the models, the worker and the tests all read the same values.
// The database defaults in prisma/schema.prisma (ShopSettings) match these.

/** Behavioural traits the app can write back (docs/scoring.md, "Traits"), `recovered` included. */
export const WRITABLE_TRAITS = ["category_specialist", "discount_seeker", "due_to_reorder", "high_potential_first_timer", "one_and_done", "recovered", "vip_at_risk"] as const;
export type WritableTrait = (typeof WRITABLE_TRAITS)[number];

export const SETTINGS_DEFAULTS = {
  churnHorizonDays: 90,
  tagPrefix: "rfm:",
  holdoutPercent: 10,
  writeBackEnabled: true,
  flowTriggerEnabled: false,
  traitTagPrefix: "trait:",
  enabledTraits: WRITABLE_TRAITS,
  optOutTag: "no-profiling",
} as const;

export const SETTINGS_LIMITS = {
  churnHorizonDays: { min: 7, max: 365 },
  holdoutPercent: { min: 0, max: 50 },
  tagPrefixMaxLength: 20,
} as const;

/** Letters, digits, "-", "_" and ":" only: safe inside a segment query string. */
export const TAG_PREFIX_PATTERN = /^[A-Za-z0-9_:-]+$/;

/** Form field name of one trait's on/off checkbox. */
export const traitField = (trait: string) => `trait_${trait}`;

/** Form field name of one segment-map cell. */
export const cellField = (r: number, f: number) => `map_r${r}_f${f}`;
