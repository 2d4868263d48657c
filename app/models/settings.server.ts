// Shop settings: read for the form, validate and save (then recompute with the new settings).
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { DEFAULT_SEGMENT_MAP, SEGMENT_KEYS, SEGMENT_NAMES, parseSegmentMap, segmentMapSchema, type SegmentMap } from "../domain/segment-map";
import { enqueue } from "../jobs/queue.server";

export interface SettingsValues {
  churnHorizonDays: number;
  tagPrefix: string;
  holdoutPercent: number;
  writeBackEnabled: boolean;
  segmentMap: SegmentMap;
}

/** Choices for a segment-map cell, in the stable key order. */
export const SEGMENT_OPTIONS = SEGMENT_KEYS.map((key) => ({ label: SEGMENT_NAMES[key], value: key as string }));

/** Form field name of one segment-map cell. */
export const cellField = (r: number, f: number) => `map_r${r}_f${f}`;

export const TAG_PREFIX_PATTERN = /^[A-Za-z0-9_:-]+$/;

const intField = (label: string, min: number, max: number) =>
  z
    .string({ required_error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .regex(/^-?\d+$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${label} must be between ${min} and ${max}`).max(max, `${label} must be between ${min} and ${max}`));

export const settingsFormSchema = z.object({
  churnHorizonDays: intField("Churn horizon", 7, 365),
  tagPrefix: z
    .string({ required_error: "Tag prefix is required" })
    .trim()
    .min(1, "Tag prefix is required")
    .max(20, "Tag prefix must be at most 20 characters")
    .regex(TAG_PREFIX_PATTERN, "Tag prefix may contain only letters, digits, -, _ and :"),
  holdoutPercent: intField("Holdout percent", 0, 50),
  writeBackEnabled: z.boolean(),
});

export type SettingsErrors = Record<string, string>;

export type SaveSettingsResult =
  | { ok: true; values: SettingsValues; recomputeJobId: string | undefined }
  | { ok: false; errors: SettingsErrors };

export async function loadSettings(shopDomain: string): Promise<(SettingsValues & { segmentOptions: typeof SEGMENT_OPTIONS }) | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { settings: true } });
  if (!shop) return null;
  const s = shop.settings;
  let segmentMap = DEFAULT_SEGMENT_MAP;
  if (s?.segmentMap) {
    const parsed = segmentMapSchema.safeParse(s.segmentMap);
    if (parsed.success) segmentMap = parsed.data;
  }
  return {
    churnHorizonDays: s?.churnHorizonDays ?? 90,
    tagPrefix: s?.tagPrefix ?? "rfm:",
    holdoutPercent: s?.holdoutPercent ?? 10,
    writeBackEnabled: s?.writeBackEnabled ?? true,
    segmentMap,
    segmentOptions: SEGMENT_OPTIONS,
  };
}

/** Validate submitted form fields (strings, as FormData gives them); field errors keyed by field name. */
export function validateSettingsForm(form: Record<string, string | undefined>): { values: SettingsValues } | { errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const parsed = settingsFormSchema.safeParse({
    churnHorizonDays: form.churnHorizonDays,
    tagPrefix: form.tagPrefix,
    holdoutPercent: form.holdoutPercent,
    writeBackEnabled: form.writeBackEnabled === "on" || form.writeBackEnabled === "true",
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
  if (Object.keys(errors).length > 0 || !parsed.success || !segmentMap) return { errors };
  return { values: { ...parsed.data, segmentMap } };
}

/**
 * Validate and save a shop's settings, then enqueue a recompute so scores, tags and segments
 * follow. Nothing is saved when any field is invalid.
 */
export async function saveSettings(
  shopDomain: string,
  form: FormData | Record<string, string | undefined>,
  now: Date = new Date(),
): Promise<SaveSettingsResult> {
  const checked = validateSettingsForm(form instanceof FormData ? formFields(form) : form);
  if ("errors" in checked) return { ok: false, errors: checked.errors };
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { ok: false, errors: { form: "Shop is not installed" } };
  const v = checked.values;
  const data = {
    churnHorizonDays: v.churnHorizonDays,
    tagPrefix: v.tagPrefix,
    holdoutPercent: v.holdoutPercent,
    writeBackEnabled: v.writeBackEnabled,
    segmentMap: { grid: v.segmentMap.grid } as unknown as Prisma.InputJsonValue,
  };
  await prisma.shopSettings.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, ...data }, update: data });
  const recomputeJobId = await enqueue(
    "recompute-shop",
    { shop: shopDomain, reason: "settings changed" },
    { jobId: `recompute-${shopDomain}-settings-${now.getTime()}` },
  );
  return { ok: true, values: v, recomputeJobId };
}

/** FormData as the plain string record saveSettings takes. */
export function formFields(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") out[key] = value;
  return out;
}
