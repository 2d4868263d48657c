import { describe, expect, it } from "vitest";
import { hundredthsText, round6Text } from "./fixed-decimals";

// Oracle: the engine's own Number-to-string (shortest round trip, ECMA-262 Number::toString).
describe("fixed-decimal JSON numbers", () => {
  it("hundredthsText(k) is String(k / 100), edge cases and a million seeded integers", () => {
    const cases = [0, -0, 1, -1, 5, 10, 50, 99, 100, 101, 110, 1999, 2000, -2050, 123456789, 999999999999, 1e12, 1e12 + 1, 2 ** 53 - 1, -(2 ** 53 - 1), 0.5];
    for (const k of cases) expect(hundredthsText(k)).toBe(String(k / 100));
    expect(hundredthsText(1)).toBe("0.01");
    expect(hundredthsText(1760)).toBe("17.6");
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 1_000_000; i++) {
      const k = (next() % 2 ? 1 : -1) * (next() % 10 ** (1 + (i % 12)));
      if (hundredthsText(k) !== String(k / 100)) expect(hundredthsText(k)).toBe(String(k / 100));
    }
  });

  it("round6Text(v) is String(Math.round(v * 1e6) / 1e6), edge cases and a million seeded values", () => {
    const r6 = (v: number) => String(Math.round(v * 1e6) / 1e6);
    const cases = [0, -0, 1, 0.1, 0.000001, 0.0000004, 0.0000005, -0.0000004, 0.893977, 0.9999995, 1.5, 12.345678, 999999.999999, 1e6, 2e6, 1e7, -3.25, Number.NaN, Infinity, -Infinity, 1e300];
    for (const v of cases) expect(round6Text(v)).toBe(r6(v));
    expect(round6Text(0.155763)).toBe("0.155763");
    expect(round6Text(0.1)).toBe("0.1");
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let i = 0; i < 1_000_000; i++) {
      const v = i % 3 === 0 ? next() : i % 3 === 1 ? next() * 10 ** (i % 9) : -next() * 50;
      if (round6Text(v) !== r6(v)) expect(round6Text(v)).toBe(r6(v));
    }
  });
});
