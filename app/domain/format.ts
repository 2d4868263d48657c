// Display formatting for the admin pages and the explanation texts: money in
// the shop's currency, percentages, counts, times. Pure and import-free (no
// Node APIs, no environment), so the browser bundle and the domain share it.

const DEFAULT_LOCALE = "en";

const currencyFormats = new Map<string, Intl.NumberFormat | null>();

/** Intl's currency format for a locale, or null when the currency code is malformed. */
function currencyFormat(currencyCode: string, locale: string): Intl.NumberFormat | null {
  const key = `${locale}|${currencyCode}`;
  let format = currencyFormats.get(key);
  if (format === undefined) {
    try {
      // The currency's own decimals (ISO 4217 minor unit as ICU knows it):
      // 0 for JPY and KRW, 2 for USD and EUR, 3 for KWD, BHD, JOD, OMR and TND.
      const digits = new Intl.NumberFormat(DEFAULT_LOCALE, { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits;
      format = new Intl.NumberFormat(locale, {
        style: "currency",
        currency: currencyCode,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      format = null;
    }
    currencyFormats.set(key, format);
  }
  return format;
}

/** Number of decimals a currency is shown with (JPY 0, USD 2, KWD 3); 2 for a malformed code. */
export function currencyDecimals(currencyCode: string): number {
  return currencyFormat(currencyCode, DEFAULT_LOCALE)?.resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * An amount in currency units (dollars, yen, dinars) in that currency, with its
 * own number of decimals: 1234.5 USD → "$1,234.50", 1234 JPY → "¥1,234".
 * A malformed currency code falls back to "1234.50 XX".
 */
export function formatMoney(amount: number, currencyCode: string, locale: string = DEFAULT_LOCALE): string {
  const format = currencyFormat(currencyCode, locale);
  return format ? format.format(amount) : `${amount.toFixed(2)} ${currencyCode}`;
}

/**
 * Stored amounts are hundredths of the shop currency whatever the currency
 * (app/domain/money.ts parses Shopify's decimal strings at scale 2).
 */
export function formatMoneyMinor(minor: number | bigint | string, currencyCode: string, locale: string = DEFAULT_LOCALE): string {
  return formatMoney(Number(minor) / 100, currencyCode, locale);
}

/** A fraction 0..1 as a percentage: 0.1234 → "12 %", with digits 1 → "12.3 %". */
export function formatPercent(fraction: number, digits = 0): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** A number with fixed decimals, "–" when it is not finite. */
export function formatFixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** A whole count with thousands separators: 12345 → "12,345". */
export function formatCount(value: number, locale: string = DEFAULT_LOCALE): string {
  return value.toLocaleString(locale);
}

/** An ISO timestamp to the minute in UTC: "2026-11-22 12:00 UTC"; "–" when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "–";
}

/** An ISO timestamp as month-day and time (UTC), for dense tables: "11-22 12:00". */
export function formatShortDateTime(iso: string): string {
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** A duration in seconds, rounded for people: "45 s", "12 min", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
