// What the Migration page needs in the browser as well as on the server: the window choice
// (7, 30 or 90 days), signed counts and row percentages, and the heat shading of the matrix
// (a cell's background darkens with its row percentage in five steps of 20 %, each with a text
// colour that keeps WCAG AA contrast, >= 4.5:1; tested). Imports only ./format (import-free),
// so the page's browser bundle stays free of the segment map's schema code.
import { formatCount } from "./format";

export const WINDOW_DAYS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];
export const DEFAULT_WINDOW_DAYS: WindowDays = 30;

/** `?days=` as the page sends it: absent or empty → the default; 7, 30 or 90 → itself; anything else → null (a bad request). */
export function parseWindowDays(raw: string | null | undefined): WindowDays | null {
  if (raw === null || raw === undefined || raw === "") return DEFAULT_WINDOW_DAYS;
  return WINDOW_DAYS.find((d) => String(d) === raw) ?? null;
}

/** A count with its sign, for a net change: +12, −3 (a real minus sign), 0. */
export function formatSignedCount(n: number, locale?: string): string {
  if (n > 0) return `+${formatCount(n, locale)}`;
  if (n < 0) return `\u2212${formatCount(-n, locale)}`;
  return "0";
}

/** A row percentage for a matrix cell: "45 %"; "<1 %" for a share that is there but rounds to 0; "" for none. */
export function formatRowShare(share: number): string {
  if (share <= 0) return "";
  if (share < 0.005) return "<1 %";
  return `${Math.round(share * 100)} %`;
}

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
