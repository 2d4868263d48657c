import { describe, expect, it } from "vitest";
import { holdoutBucket, isHoldout } from "./holdout";

describe("holdout", () => {
  it("is stable for the same shop and customer", () => {
    expect(holdoutBucket("a.myshopify.com", 123n)).toBe(holdoutBucket("a.myshopify.com", "123"));
    expect(holdoutBucket("A.myshopify.com", 123)).toBe(holdoutBucket("a.myshopify.com", 123));
    for (let i = 0; i < 100; i++) expect(isHoldout("s.myshopify.com", i, 10)).toBe(isHoldout("s.myshopify.com", i, 10));
  });

  it("buckets are in 0..9999 and the share matches the percent", () => {
    let held = 0;
    let outOfRange = 0;
    const n = 100_000;
    for (let i = 1; i <= n; i++) {
      const b = holdoutBucket("shop.myshopify.com", 7_000_000_000 + i);
      if (b < 0 || b > 9999 || !Number.isInteger(b)) outOfRange++;
      if (isHoldout("shop.myshopify.com", 7_000_000_000 + i, 10)) held++;
    }
    expect(outOfRange).toBe(0);
    expect(held / n).toBeGreaterThan(0.095);
    expect(held / n).toBeLessThan(0.105);
  });

  it("differs between shops and grows monotonically with the percent", () => {
    let same = 0;
    for (let i = 0; i < 1000; i++) if (holdoutBucket("a.myshopify.com", i) === holdoutBucket("b.myshopify.com", i)) same++;
    expect(same).toBeLessThan(10);
    for (let i = 0; i < 2000; i++) if (isHoldout("a.myshopify.com", i, 5)) expect(isHoldout("a.myshopify.com", i, 20)).toBe(true);
  });

  it("0 % holds out nobody, 100 % everybody", () => {
    for (let i = 0; i < 100; i++) {
      expect(isHoldout("a.myshopify.com", i, 0)).toBe(false);
      expect(isHoldout("a.myshopify.com", i, 100)).toBe(true);
    }
  });
});
