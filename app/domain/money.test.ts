import { describe, expect, it } from "vitest";
import { MoneyParseError, formatMinor, parseMoneyToMinor, sumMinor } from "./money";

describe("money", () => {
  it("parses decimal strings into exact minor units", () => {
    expect(parseMoneyToMinor("12.34")).toBe(1234);
    expect(parseMoneyToMinor("0.1")).toBe(10);
    expect(parseMoneyToMinor("7")).toBe(700);
    expect(parseMoneyToMinor(".5")).toBe(50);
    expect(parseMoneyToMinor("-3.05")).toBe(-305);
    expect(parseMoneyToMinor("1.230")).toBe(123);
    expect(parseMoneyToMinor(" 19.99 ")).toBe(1999);
    expect(parseMoneyToMinor("1500", 0)).toBe(1500);
  });

  it("rejects what it cannot represent exactly", () => {
    for (const bad of ["", "abc", "1.234", "1e3", "1,50", "--1", ".", "12.3.4"]) {
      expect(() => parseMoneyToMinor(bad), bad).toThrow(MoneyParseError);
    }
  });

  it("sums exactly where binary floating point does not", () => {
    const amounts = ["0.1", "0.2", "0.3"].map((s) => parseMoneyToMinor(s));
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6); // the float trap this module exists for
    expect(sumMinor(amounts)).toBe(parseMoneyToMinor("0.6"));
    const many = Array.from({ length: 100_000 }, () => parseMoneyToMinor("0.01"));
    expect(formatMinor(sumMinor(many))).toBe("1000.00");
  });

  it("formats back to the same decimal string", () => {
    for (const s of ["0.00", "0.05", "12.34", "-0.50", "123456789.01"]) {
      expect(formatMinor(parseMoneyToMinor(s))).toBe(s);
    }
    expect(formatMinor(5, 0)).toBe("5");
  });
});
