import { describe, expect, it } from "vitest";
import { CLV_HORIZONS_DAYS, predictedClv12m } from "./clv";

describe("predictedClv12m", () => {
  it("discounts each month's increment at 1 % a month", () => {
    // one purchase expected in month 1 only
    const cum = new Array(12).fill(1);
    expect(predictedClv12m(50, cum)).toBeCloseTo(50 / 1.01, 12);
    // one purchase per month → spend · Σ 1.01^-i
    const linear = Array.from({ length: 12 }, (_, i) => i + 1);
    const annuity = Array.from({ length: 12 }, (_, i) => 1.01 ** -(i + 1)).reduce((a, b) => a + b, 0);
    expect(predictedClv12m(10, linear)).toBeCloseTo(10 * annuity, 10);
    expect(predictedClv12m(10, new Array(12).fill(0))).toBe(0);
  });
  it("uses 30.4375-day months", () => {
    expect(CLV_HORIZONS_DAYS[0]).toBe(30.4375);
    expect(CLV_HORIZONS_DAYS[11]).toBe(365.25);
  });
});
