/** The merchant-editable R x F grid that names segments (docs/scoring.md). */
import { z } from "zod";

export const SEGMENT_KEYS = [
  "champions",
  "loyal_customers",
  "potential_loyalists",
  "new_customers",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose_them",
  "hibernating",
] as const;

export type SegmentKey = (typeof SEGMENT_KEYS)[number];

export const SEGMENT_NAMES: Record<SegmentKey, string> = {
  champions: "Champions",
  loyal_customers: "Loyal Customers",
  potential_loyalists: "Potential Loyalists",
  new_customers: "New Customers",
  promising: "Promising",
  need_attention: "Need Attention",
  about_to_sleep: "About to Sleep",
  at_risk: "At Risk",
  cant_lose_them: "Can't Lose Them",
  hibernating: "Hibernating",
};

/** grid[r-1][f-1] = segment key, R and F in 1..5. */
export type SegmentMap = { readonly grid: readonly (readonly SegmentKey[])[] };

const row = (...keys: SegmentKey[]) => keys;

/** Default grid; rows listed from R = 1 up to R = 5, columns F = 1..5. */
export const DEFAULT_SEGMENT_MAP: SegmentMap = {
  grid: [
    row("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"), // R1
    row("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"), // R2
    row("about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers"), // R3
    row("promising", "potential_loyalists", "potential_loyalists", "loyal_customers", "loyal_customers"), // R4
    row("new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"), // R5
  ],
};

export const segmentMapSchema = z.object({
  grid: z.array(z.array(z.enum(SEGMENT_KEYS)).length(5)).length(5),
});

/** Validate an edited map (e.g. from shop settings JSON); throws a ZodError when malformed. */
export function parseSegmentMap(input: unknown): SegmentMap {
  return segmentMapSchema.parse(input);
}

export function segmentFor(map: SegmentMap, r: number, f: number): SegmentKey {
  if (!Number.isInteger(r) || !Number.isInteger(f) || r < 1 || r > 5 || f < 1 || f > 5) {
    throw new RangeError(`R and F must be integers 1..5, got R=${r} F=${f}`);
  }
  return map.grid[r - 1][f - 1];
}

/** Return a copy of the map with one cell changed. */
export function withCell(map: SegmentMap, r: number, f: number, key: SegmentKey): SegmentMap {
  segmentFor(map, r, f);
  return { grid: map.grid.map((cells, i) => cells.map((k, j) => (i === r - 1 && j === f - 1 ? key : k))) };
}
