import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { csvField, csvRecord, decimal, minorToDecimal, segmentExportFileName, segmentExportHeader, segmentExportRecord } from "./csv";

describe("csvField (RFC 4180)", () => {
  it("leaves plain fields alone and quotes those with a comma, a quote, CR or LF, doubling quotes", () => {
    expect(csvField("")).toBe("");
    expect(csvField("at_risk")).toBe("at_risk");
    expect(csvField("a b;c")).toBe("a b;c");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField("crlf\r\n")).toBe('"crlf\r\n"');
  });

  it("records end in CRLF and an independent RFC 4180 parser (csv-parse) reads back exactly the fields written", () => {
    const rows = [
      ["plain", "", "with,comma", 'with "quotes"', "multi\r\nline", "lf\nonly", " spaced ", ",", '""'],
      ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    ];
    const text = rows.map(csvRecord).join("");
    expect(text.endsWith("\r\n")).toBe(true);
    expect(csvRecord(["a", "b"])).toBe("a,b\r\n");
    expect(parse(text, { relax_column_count: false })).toEqual(rows);
  });
});

describe("segment export lines", () => {
  it("hundredths to a two-place decimal, exactly, for any size and sign", () => {
    expect(minorToDecimal("0")).toBe("0.00");
    expect(minorToDecimal("5")).toBe("0.05");
    expect(minorToDecimal("12345")).toBe("123.45");
    expect(minorToDecimal("-5")).toBe("-0.05");
    expect(minorToDecimal("-100")).toBe("-1.00");
    expect(minorToDecimal("9007199254740993")).toBe("90071992547409.93");
  });

  it("decimals round half away from zero on the shortest decimal form, like the pages' Intl formatting", () => {
    expect(decimal(55.555, 2)).toBe("55.56");
    expect(decimal(0.125, 2)).toBe("0.13");
    expect(decimal(1.005, 2)).toBe("1.01");
    expect(decimal(0.87654, 4)).toBe("0.8765");
    expect(decimal(0.123456, 4)).toBe("0.1235");
    expect(decimal(1 / 3, 2)).toBe("0.33");
    expect(decimal(2 / 3, 4)).toBe("0.6667");
    expect(decimal(0.1 + 0.2, 4)).toBe("0.3000");
    expect(decimal(1.5e-7, 4)).toBe("0.0000");
    expect(decimal(0.99995, 4)).toBe("1.0000");
    expect(decimal(123456789.125, 2)).toBe("123456789.13");
    expect(decimal(-2.5, 0)).toBe("-3");
    expect(decimal(-0.001, 2)).toBe("0.00");
    expect(decimal(0, 2)).toBe("0.00");
    expect(decimal(Number.NaN, 2)).toBe("");
    // Agrees with the pages' money formatting on the digits.
    for (const v of [55.555, 0.125, 1.005, 2.675, 1234.565, 99.995]) {
      expect(decimal(v, 2), String(v)).toBe(new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(v));
    }
  });

  it("header and one customer's line, byte for byte", () => {
    expect(segmentExportHeader()).toBe(
      "customer_id,segment,r,f,m,frequency,recency_days,monetary,churn_probability,churn_model,predicted_clv_12m,expected_next_order_date,traits,holdout,scored_at\r\n",
    );
    const line = segmentExportRecord({
      customerId: "7012345678901",
      segment: "at_risk",
      r: 1,
      f: 4,
      m: 5,
      frequency: 6,
      recencyDays: 200,
      monetaryMinor: "123456",
      churnProbability: 0.87654,
      churnModel: "supervised",
      predictedClv12m: 12.3456,
      expectedNextOrderDate: "2026-12-03",
      traits: ["discount_seeker", "vip_at_risk"],
      holdout: true,
      scoredAt: "2026-11-22T00:00:00.000Z",
    });
    expect(line).toBe("7012345678901,at_risk,1,4,5,6,200,1234.56,0.8765,supervised,12.35,2026-12-03,discount_seeker;vip_at_risk,true,2026-11-22T00:00:00.000Z\r\n");
    const none = segmentExportRecord({
      customerId: "1",
      segment: "new_customers",
      r: 5,
      f: 1,
      m: 1,
      frequency: 1,
      recencyDays: 0,
      monetaryMinor: "0",
      churnProbability: 0,
      churnModel: "bgnbd",
      predictedClv12m: 0,
      expectedNextOrderDate: null,
      traits: [],
      holdout: false,
      scoredAt: "2026-11-22T00:00:00.000Z",
    });
    expect(none).toBe("1,new_customers,5,1,1,1,0,0.00,0.0000,bgnbd,0.00,,,false,2026-11-22T00:00:00.000Z\r\n");
  });

  it("file names carry the group key (made file-safe) and the day", () => {
    expect(segmentExportFileName("at_risk", new Date("2026-11-22T23:59:00Z"))).toBe("segment-at_risk-2026-11-22.csv");
    expect(segmentExportFileName("trait:discount_seeker", new Date("2026-11-22T00:00:00Z"))).toBe("segment-trait-discount_seeker-2026-11-22.csv");
    expect(segmentExportFileName("cluster:3", new Date("2026-01-02T00:00:00Z"))).toBe("segment-cluster-3-2026-01-02.csv");
  });
});
