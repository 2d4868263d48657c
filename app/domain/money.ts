/**
 * Money as integer minor units (cents for a 2-decimal currency).
 * Amounts are JS numbers holding integers; sums stay exact up to 2^53 minor units
 * (about 90 trillion dollars), far beyond any shop's lifetime revenue.
 */

export type MinorUnits = number;

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

export class MoneyParseError extends Error {}

/**
 * Parse a decimal string ("12.34", "-3", "0.5", "1e2" is rejected) into integer
 * minor units without ever going through binary floating point.
 * Digits beyond `scale` are accepted only if they are zeros, so "1.230" is 123
 * but "1.234" is an error: silently rounding would make totals disagree with Shopify.
 */
export function parseMoneyToMinor(text: string, scale = 2): MinorUnits {
  const s = text.trim();
  const m = DECIMAL_RE.exec(s);
  if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
    throw new MoneyParseError(`not a decimal amount: ${JSON.stringify(text)}`);
  }
  const sign = m[1] === "-" ? -1 : 1;
  const whole = m[2] === "" ? "0" : m[2];
  let frac = m[3] ?? "";
  if (frac.length > scale) {
    if (!/^0*$/.test(frac.slice(scale))) {
      throw new MoneyParseError(`more than ${scale} decimal places: ${JSON.stringify(text)}`);
    }
    frac = frac.slice(0, scale);
  }
  frac = frac.padEnd(scale, "0");
  const digits = whole + frac;
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) {
    throw new MoneyParseError(`amount out of range: ${JSON.stringify(text)}`);
  }
  return value === 0 ? 0 : sign * value;
}

/** Format integer minor units back to a decimal string, e.g. 12345 -> "123.45". */
export function formatMinor(minor: MinorUnits, scale = 2): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const neg = minor < 0;
  const digits = String(Math.abs(minor)).padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return (neg ? "-" : "") + (scale > 0 ? `${whole}.${frac}` : whole);
}

/** Exact sum of minor-unit amounts; throws if the total leaves the safe-integer range. */
export function sumMinor(amounts: Iterable<MinorUnits>): MinorUnits {
  let total = 0;
  for (const a of amounts) total += a;
  if (!Number.isSafeInteger(total)) throw new RangeError("money total exceeds 2^53 minor units");
  return total;
}
