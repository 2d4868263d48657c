import { describe, expect, it } from "vitest";
import { requestedCostOf, throttleStatusOf, waitBeforeRequestMs } from "./throttle-pacing";

// Shopify's leaky bucket: restoreRate points per second, up to maximumAvailable
// (20× the restore rate: Standard 100/s and 2,000, Plus 1,000/s and 20,000).

describe("waitBeforeRequestMs", () => {
  it("does not wait without a throttle status (first request)", () => {
    expect(waitBeforeRequestMs(undefined, 1000, 0)).toBe(0);
  });

  it("does not wait when the requested cost is available, including exactly available", () => {
    expect(waitBeforeRequestMs({ maximumAvailable: 2000, currentlyAvailable: 1500, restoreRate: 100 }, 1000, 0)).toBe(0);
    expect(waitBeforeRequestMs({ maximumAvailable: 2000, currentlyAvailable: 1000, restoreRate: 100 }, 1000, 0)).toBe(0);
  });

  it("waits for the missing points at the restore rate", () => {
    // 50 available, 250 needed: 200 points at 100/s = 2 s.
    expect(waitBeforeRequestMs({ maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 }, 250, 0)).toBe(2000);
    // A drained Standard bucket and a 1,000-point query: 10 s; on Plus (1,000/s) 1 s.
    expect(waitBeforeRequestMs({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 }, 1000, 0)).toBe(10_000);
    expect(waitBeforeRequestMs({ maximumAvailable: 20_000, currentlyAvailable: 0, restoreRate: 1000 }, 1000, 0)).toBe(1000);
  });

  it("counts the points restored since the status was reported", () => {
    const status = { maximumAvailable: 2000, currentlyAvailable: 50, restoreRate: 100 };
    // 0.5 s later: 50 + 50 = 100 available, 150 missing = 1.5 s.
    expect(waitBeforeRequestMs(status, 250, 500)).toBe(1500);
    // 2 s later: 50 + 200 = 250 available, enough.
    expect(waitBeforeRequestMs(status, 250, 2000)).toBe(0);
  });

  it("rounds the wait up to a whole millisecond", () => {
    // 100 points at 300/s = 333.3 ms → 334 ms (never a millisecond too early).
    expect(waitBeforeRequestMs({ maximumAvailable: 6000, currentlyAvailable: 0, restoreRate: 300 }, 100, 0)).toBe(334);
  });
});

describe("reading extensions.cost", () => {
  const extensions = {
    cost: {
      requestedQueryCost: 12,
      actualQueryCost: 10,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
    },
  };

  it("takes the throttle status and the requested cost", () => {
    expect(throttleStatusOf(extensions)).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 });
    expect(requestedCostOf(extensions)).toBe(12);
  });

  it("gives undefined when they are missing or unusable", () => {
    expect(throttleStatusOf(undefined)).toBeUndefined();
    expect(throttleStatusOf({})).toBeUndefined();
    expect(throttleStatusOf({ cost: { requestedQueryCost: 12 } })).toBeUndefined();
    // A zero restore rate would make the wait infinite: treated as no status.
    expect(throttleStatusOf({ cost: { throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 0 } } })).toBeUndefined();
    expect(requestedCostOf(undefined)).toBeUndefined();
    expect(requestedCostOf({ cost: { requestedQueryCost: "12" } })).toBeUndefined();
  });
});
