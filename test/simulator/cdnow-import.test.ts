import { describe, expect, it } from "vitest";
import { importCdnow } from "./cdnow-import";

describe("importCdnow", () => {
  it("imports every row as one order, dates shifted so the last purchase is on asOf", () => {
    const r = importCdnow({ asOf: "2026-11-22T15:00:00Z" });
    expect(r.rows).toBe(69659);
    expect(r.customers).toBe(23570);
    expect(r.shop.orders.size).toBe(69659);
    expect(r.shop.customers.size).toBe(23570);
    expect(r.lastDate).toBe("2026-11-22");
    const orders = [...r.shop.orders.values()];
    const last = orders[orders.length - 1];
    expect(last.createdAt.slice(0, 10)).toBe("2026-11-22");
    for (const o of orders) {
      expect(o.lineItems.reduce((a, l) => a + l.shopMinor, 0)).toBe(o.totalShopMinor);
      expect(o.customerId).not.toBeNull();
    }
    // File's first row: customer 00001 on 1997-01-01 spent 11.77.
    const first = orders[0];
    expect(first.totalShopMinor).toBe(1177);
    expect(first.createdAt.slice(0, 10)).toBe(r.firstDate);
  });
});
