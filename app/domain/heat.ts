// Heat shading of the migration matrix: a cell's background darkens with its row percentage,
// in five steps of 20 %, each with a text colour that keeps WCAG AA contrast (≥ 4.5:1; tested).
// Imports nothing, so the page's browser bundle can use it.

export interface HeatStep {
  /** 1..5. */
  level: number;
  /** Row shares above `from` (and up to from + 0.2) get this step. */
  from: number;
  background: string;
  color: string;
}

/** A blue (#004299) over white at 8, 20, 35, 50 and 80 % opacity, flattened. */
export const HEAT_STEPS: readonly HeatStep[] = [
  { level: 1, from: 0, background: "#ebf0f7", color: "#303030" },
  { level: 2, from: 0.2, background: "#ccd9eb", color: "#303030" },
  { level: 3, from: 0.4, background: "#a6bddb", color: "#303030" },
  { level: 4, from: 0.6, background: "#80a1cc", color: "#303030" },
  { level: 5, from: 0.8, background: "#3368ad", color: "#ffffff" },
];

/** 0 for no moves (no shade); otherwise 1 for a share up to 20 %, 2 up to 40 %, ... 5 above 80 %. */
export function heatLevel(rowShare: number): number {
  if (!(rowShare > 0)) return 0;
  return Math.min(5, Math.max(1, Math.ceil(rowShare * 5 - 1e-9)));
}

/** The step of a row share, or null when the cell has no moves. */
export function heatStep(rowShare: number): HeatStep | null {
  const level = heatLevel(rowShare);
  return level === 0 ? null : HEAT_STEPS[level - 1];
}
