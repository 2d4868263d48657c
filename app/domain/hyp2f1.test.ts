import { describe, expect, it } from "vitest";
import { hyp2f1 } from "./hyp2f1";

describe("hyp2f1", () => {
  it("matches closed forms", () => {
    for (const z of [0.01, 0.3, 0.5, 0.8, 0.95, 0.999]) {
      // 2F1(1,1;2;z) = −ln(1−z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      // 2F1(a,b;b;z) = (1−z)^−a
      expect(hyp2f1(0.7, 2.5, 2.5, z) / (1 - z) ** -0.7).toBeCloseTo(1, 10);
      // 2F1(1/2,1;3/2;z²)… use 2F1(1/2,1/2;3/2;z²) = asin(z)/z
      expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 10);
    }
  });
  it("is 1 at z = 0 and rejects arguments outside its domain", () => {
    expect(hyp2f1(2, 3, 4, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -0.5, 0.3)).toThrow(RangeError);
  });
});
