// The settings form's plumbing: its choices, its schema (the limits from
// app/domain/settings.ts) and the parsing of the submitted FormData into
// validated values or field errors keyed by form field name.
import { z } from "zod";
import { SETTINGS_LIMITS, TAG_PREFIX_PATTERN, WRITABLE_TRAITS, cellField, traitField } from "../../domain/settings";
import { SEGMENT_KEYS, SEGMENT_NAMES, parseSegmentMap, type SegmentMap } from "../../domain/segment-map";
import type { EditableSettings } from "../../models/settings.server";

/** Choices for a segment-map cell, in the stable key order (names resolved here, so the client bundle needs no schema code). */
export const SEGMENT_OPTIONS = SEGMENT_KEYS.map((key) => ({ label: SEGMENT_NAMES[key], value: key as string }));

export type SettingsErrors = Record<string, string>;

const prefixField = (label: string) =>
  z
    .string({ required_error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(SETTINGS_LIMITS.tagPrefixMaxLength, `${label} must be at most ${SETTINGS_LIMITS.tagPrefixMaxLength} characters`)
    .regex(TAG_PREFIX_PATTERN, `${label} may contain only letters, digits, -, _ and :`);

const intField = (label: string, { min, max }: { min: number; max: number }) =>
  z
    .string({ required_error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .regex(/^-?\d+$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${label} must be between ${min} and ${max}`).max(max, `${label} must be between ${min} and ${max}`));

export const settingsFormSchema = z.object({
  churnHorizonDays: intField("Churn horizon", SETTINGS_LIMITS.churnHorizonDays),
  tagPrefix: prefixField("Tag prefix"),
  holdoutPercent: intField("Holdout percent", SETTINGS_LIMITS.holdoutPercent),
  writeBackEnabled: z.boolean(),
  traitTagPrefix: prefixField("Trait tag prefix"),
  enabledTraits: z.array(z.enum(WRITABLE_TRAITS)),
  /** Absent from a form that does not show it: the stored tag stays. */
  optOutTag: z
    .string()
    .trim()
    .min(1, "Opt-out tag is required")
    .max(255, "Opt-out tag must be at most 255 characters")
    .refine((t) => !t.includes(","), "Opt-out tag is one tag: no commas")
    .optional(),
});

export type ParsedSettingsForm = { ok: true; values: EditableSettings } | { ok: false; errors: SettingsErrors };

/** Validates the submitted fields (strings, as FormData gives them); nothing is valid unless every field is. */
export function parseSettingsForm(input: FormData | Record<string, string | undefined>): ParsedSettingsForm {
  const form = input instanceof FormData ? formFields(input) : input;
  const errors: SettingsErrors = {};
  const parsed = settingsFormSchema.safeParse({
    churnHorizonDays: form.churnHorizonDays,
    tagPrefix: form.tagPrefix,
    holdoutPercent: form.holdoutPercent,
    // An unchecked checkbox is absent from the form; a checked one is present, whatever its value
    // (a checkbox rendered with an empty value attribute submits "").
    writeBackEnabled: checked(form.writeBackEnabled),
    traitTagPrefix: form.traitTagPrefix,
    enabledTraits: WRITABLE_TRAITS.filter((t) => checked(form[traitField(t)])),
    optOutTag: form.optOutTag,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      errors[key] ??= issue.message;
    }
  }
  const keys = new Set<string>(SEGMENT_KEYS);
  const grid: string[][] = [];
  for (let r = 1; r <= 5; r++) {
    const row: string[] = [];
    for (let f = 1; f <= 5; f++) {
      const value = form[cellField(r, f)] ?? "";
      if (!keys.has(value)) errors[cellField(r, f)] = `R${r} F${f}: choose a segment`;
      row.push(value);
    }
    grid.push(row);
  }
  let segmentMap: SegmentMap | null = null;
  try {
    segmentMap = parseSegmentMap({ grid });
  } catch {
    errors.segmentMap ??= "The segment map needs a segment in every cell";
  }
  // Segment tags and trait tags must not be told apart by the trait key alone.
  if (parsed.success && parsed.data.traitTagPrefix.toLowerCase() === parsed.data.tagPrefix.toLowerCase()) {
    errors.traitTagPrefix ??= "Trait tag prefix must differ from the segment tag prefix";
  }
  if (Object.keys(errors).length > 0 || !parsed.success || !segmentMap) return { ok: false, errors };
  return { ok: true, values: { ...parsed.data, segmentMap } };
}

/** A checkbox field: checked when present, unless it says "false" (or "off"). */
function checked(value: string | undefined): boolean {
  return value !== undefined && value !== "false" && value !== "off";
}

/** FormData as a plain record of its string fields (files are ignored). */
function formFields(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") out[key] = value;
  return out;
}
