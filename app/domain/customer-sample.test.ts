import { describe, expect, it } from "vitest";
import { customerSample } from "./customer-sample";

// Five customers with 2, 1, 3, 1, 2 orders (times = 10·customer + order, amounts = 100·customer).
const orders = {
  offsets: [0, 2, 3, 6, 7, 9],
  timesMs: [10, 11, 20, 30, 31, 32, 40, 50, 51],
  amountsMinor: [100, 100, 200, 300, 300, 300, 400, 500, 500],
};

describe("customerSample", () => {
  it("keeps the orders as given up to the sample size", () => {
    expect(customerSample(orders, 5)).toBe(orders);
    expect(customerSample(orders, 9)).toBe(orders);
  });

  it("takes every k-th customer from the first, with all of their orders", () => {
    // 5 customers, at most 2: k = 3 → customers 0 and 3.
    const s = customerSample(orders, 2);
    expect(Array.from(s.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(s.timesMs)).toEqual([10, 11, 40]);
    expect(Array.from(s.amountsMinor)).toEqual([100, 100, 400]);
    // At most 3: k = 2 → customers 0, 2, 4.
    const t = customerSample(orders, 3);
    expect(Array.from(t.offsets)).toEqual([0, 2, 5, 7]);
    expect(Array.from(t.timesMs)).toEqual([10, 11, 30, 31, 32, 50, 51]);
    // At most 1: the first customer only.
    expect(Array.from(customerSample(orders, 1).timesMs)).toEqual([10, 11]);
  });

  it("refuses a sample size below one", () => {
    expect(() => customerSample(orders, 0)).toThrow(RangeError);
  });
});
