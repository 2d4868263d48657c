// CSV per RFC 4180 (lines end in CRLF; a field with a comma, a double quote, CR
// or LF is quoted, its quotes doubled) and the columns of a segment export.
// Pure: strings in, strings out.

/** One field, quoted only when it has to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, CRLF-terminated. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** A scored customer as the export writes it (ids and numbers only: nothing personal is stored). */
export interface SegmentExportRow {
  customerId: string;
  segment: string;
  r: number;
  f: number;
  m: number;
  frequency: number;
  recencyDays: number;
  /** Total spent, hundredths of the shop currency, as a decimal string (exact). */
  monetaryMinor: string;
  churnProbability: number;
  churnModel: string;
  predictedClv12m: number;
  /** YYYY-MM-DD, null with fewer than 2 orders. */
  expectedNextOrderDate: string | null;
  traits: readonly string[];
  holdout: boolean;
  /** ISO timestamp of the score. */
  scoredAt: string;
}

export const SEGMENT_EXPORT_COLUMNS = [
  "customer_id",
  "segment",
  "r",
  "f",
  "m",
  "frequency",
  "recency_days",
  "monetary",
  "churn_probability",
  "churn_model",
  "predicted_clv_12m",
  "expected_next_order_date",
  "traits",
  "holdout",
  "scored_at",
] as const;

/** Hundredths as a decimal with two places, exactly: "12345" → "123.45", "-5" → "-0.05". */
export function minorToDecimal(minor: string): string {
  const v = BigInt(minor);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/**
 * A number to `digits` decimals, rounding half away from zero on its shortest decimal form (as
 * Intl.NumberFormat does for the pages), not on the binary value as toFixed does: 55.555 is
 * "55.56" here and on the page, where (55.555).toFixed(2) is "55.55". "" when not finite.
 */
export function decimal(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "";
  const [mantissa, exponent] = Math.abs(value).toExponential().split("e");
  const units = Math.round(Number(`${mantissa}e${Number(exponent) + digits}`));
  const rounded = Number(`${units}e-${digits}`);
  return `${value < 0 && units !== 0 ? "-" : ""}${rounded.toFixed(digits)}`;
}

/** The export's line for one customer: monetary and value in shop currency units (2 decimals), churn to 4 decimals. */
export function segmentExportRecord(row: SegmentExportRow): string {
  return csvRecord([
    row.customerId,
    row.segment,
    String(row.r),
    String(row.f),
    String(row.m),
    String(row.frequency),
    String(row.recencyDays),
    minorToDecimal(row.monetaryMinor),
    decimal(row.churnProbability, 4),
    row.churnModel,
    decimal(row.predictedClv12m, 2),
    row.expectedNextOrderDate ?? "",
    row.traits.join(";"),
    row.holdout ? "true" : "false",
    row.scoredAt,
  ]);
}

/** The export's first line. */
export const segmentExportHeader = (): string => csvRecord(SEGMENT_EXPORT_COLUMNS);

/** A file name for a group's export on a day: `segment-trait-discount_seeker-2026-11-22.csv`. */
export function segmentExportFileName(groupKey: string, day: Date): string {
  return `segment-${groupKey.replace(/[^A-Za-z0-9_-]+/g, "-")}-${day.toISOString().slice(0, 10)}.csv`;
}
