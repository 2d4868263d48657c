// Expected strings are written out by hand (Node 22's ICU, locale "en"), not
// computed with Intl: a change in the formatter or in ICU shows up here.
// ICU puts a no-break space (U+00A0) between a currency code and the number.
import { describe, expect, it } from "vitest";
import {
  currencyDecimals,
  formatCount,
  formatDateTime,
  formatDuration,
  formatFixed,
  formatMoney,
  formatMoneyMinor,
  formatPercent,
  formatShortDateTime,
} from "./format";

describe("formatMoney", () => {
  it("shows each currency with its own number of decimals", () => {
    expect(formatMoney(1234.5, "USD")).toBe("$1,234.50");
    expect(formatMoney(1234.5, "EUR")).toBe("€1,234.50");
    expect(formatMoney(1234.5, "GBP")).toBe("£1,234.50");
    expect(formatMoney(1234.5, "CAD")).toBe("CA$1,234.50");
    expect(formatMoney(1234, "JPY")).toBe("¥1,234");
    expect(formatMoney(1234.56, "JPY")).toBe("¥1,235");
    expect(formatMoney(1234567.891, "KRW")).toBe("₩1,234,568");
    expect(formatMoney(0, "KRW")).toBe("₩0");
    expect(formatMoney(1.2345, "KWD")).toBe("KWD\u00a01.235");
    expect(formatMoney(1234.5678, "BHD")).toBe("BHD\u00a01,234.568");
    expect(formatMoney(1.5, "JOD")).toBe("JOD\u00a01.500");
    expect(formatMoney(1.5, "OMR")).toBe("OMR\u00a01.500");
    expect(formatMoney(1.5, "TND")).toBe("TND\u00a01.500");
  });

  it("rounds to the currency's decimals and keeps the sign", () => {
    expect(formatMoney(99.995, "USD")).toBe("$100.00");
    expect(formatMoney(-5.5, "USD")).toBe("-$5.50");
    expect(formatMoney(0, "USD")).toBe("$0.00");
  });

  it("takes a locale", () => {
    expect(formatMoney(1234.5, "EUR", "de")).toBe("1.234,50\u00a0€");
    expect(formatMoney(1234.5, "USD", "fr")).toBe("1\u202f234,50\u00a0$US");
    expect(formatMoney(1234, "JPY", "ja")).toBe("￥1,234");
  });

  it("a well-formed unknown code gets two decimals; a malformed one a plain fallback", () => {
    expect(formatMoney(1234.5, "XYZ")).toBe("XYZ\u00a01,234.50");
    expect(formatMoney(12.345, "US")).toBe("12.35 US");
    expect(formatMoney(-3, "")).toBe("-3.00 ");
  });
});

describe("formatMoneyMinor", () => {
  it("reads stored hundredths whatever the currency", () => {
    expect(formatMoneyMinor(123450, "USD")).toBe("$1,234.50");
    expect(formatMoneyMinor("3000", "EUR")).toBe("€30.00");
    expect(formatMoneyMinor(10_000n, "USD")).toBe("$100.00");
    // Shopify's "1234" yen is stored as 123400 hundredths.
    expect(formatMoneyMinor(123400, "JPY")).toBe("¥1,234");
    expect(formatMoneyMinor(1234, "US")).toBe("12.34 US");
  });
});

describe("currencyDecimals", () => {
  it("is ICU's minor unit of the currency", () => {
    expect([currencyDecimals("JPY"), currencyDecimals("KRW")]).toEqual([0, 0]);
    expect([currencyDecimals("USD"), currencyDecimals("EUR")]).toEqual([2, 2]);
    expect(["KWD", "BHD", "JOD", "OMR", "TND"].map(currencyDecimals)).toEqual([3, 3, 3, 3, 3]);
    expect(currencyDecimals("not a code")).toBe(2);
  });
});

describe("formatPercent", () => {
  it("rounds a fraction to whole percent by default, or to the given digits", () => {
    expect(formatPercent(0.1234)).toBe("12 %");
    expect(formatPercent(0.125)).toBe("13 %");
    expect(formatPercent(0.1234, 1)).toBe("12.3 %");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(formatPercent(0.005, 1)).toBe("0.5 %");
  });

  it("matches the rounding of Math.round for probabilities (half up)", () => {
    for (const p of [0, 0.005, 0.015, 0.125, 0.135, 0.145, 0.5, 0.555, 0.995, 0.999, 1]) {
      expect(formatPercent(p)).toBe(`${Math.round(p * 100)} %`);
    }
  });
});

describe("small formatters", () => {
  it("fixed decimals, with a dash for what is not a number", () => {
    expect(formatFixed(1.23456)).toBe("1.23");
    expect(formatFixed(1.23456, 4)).toBe("1.2346");
    expect(formatFixed(2, 0)).toBe("2");
    expect(formatFixed(Number.NaN)).toBe("–");
    expect(formatFixed(Number.POSITIVE_INFINITY, 3)).toBe("–");
  });

  it("counts with thousands separators", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("timestamps in UTC to the minute", () => {
    expect(formatDateTime("2026-11-22T12:34:56.789Z")).toBe("2026-11-22 12:34 UTC");
    expect(formatDateTime(null)).toBe("–");
    expect(formatDateTime(undefined)).toBe("–");
    expect(formatShortDateTime("2026-11-22T12:34:56.789Z")).toBe("11-22 12:34");
  });

  it("durations for people", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(59)).toBe("59 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(749)).toBe("12 min");
    expect(formatDuration(3599)).toBe("60 min");
    expect(formatDuration(3600)).toBe("1 h 0 min");
    expect(formatDuration(7500)).toBe("2 h 5 min");
  });
});
