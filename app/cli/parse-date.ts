/**
 * Strict ISO 8601 date / date-time parser, UTC unless an offset is given.
 * Date.parse would read "2024-01-02T10:00:00" (no zone) as local time and accepts many
 * non-ISO forms, so dates are parsed by hand: this is also the hot path for millions of rows.
 */
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since the epoch, or NaN when the text is not a valid ISO date or date-time. */
export function parseIsoUtc(text: string): number {
  const fast = parseCommonForms(text);
  if (fast === fast) return fast; // not NaN
  const m = ISO_RE.exec(text);
  if (!m) return Number.NaN;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return Number.NaN;
  const hour = m[4] ? +m[4] : 0;
  const minute = m[5] ? +m[5] : 0;
  const second = m[6] ? +m[6] : 0;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMin = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};

/**
 * Hot path without a regex for "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SSZ"; NaN for anything
 * else (including invalid calendar dates, which the general parser then rejects).
 */
function parseCommonForms(s: string): number {
  const len = s.length;
  if ((len !== 10 && len !== 20) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  if (!(month >= 1 && month <= 12 && day >= 1)) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (!(day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]))) return Number.NaN;
  if (len === 10) return Date.UTC(year, month - 1, day);
  if (s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return Number.NaN;
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
