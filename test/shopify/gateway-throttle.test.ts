import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness";

const SHOP = `throttle-${process.pid}.myshopify.com`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 5, customers: 300, years: 1, plan: "standard" });
  await h.install(SHOP);
});

afterAll(async () => {
  await h?.close();
});

// 250 customers a page: requested cost 2 + 250 × 1 = 252 points.
const PAGE_QUERY = `query Page($after: String) {
  customers(first: 250, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
}`;

describe("Shopify gateway under load", () => {
  it("is throttled exactly as the standard plan says and never fails a request", async () => {
    const { adminClientFor } = await import("../../app/shopify.server");
    const client = await adminClientFor(SHOP);
    const requests = 12; // 12 × 252 = 3024 points against a 2,000-point bucket refilling 100/s
    const started = Date.now();
    await Promise.all(
      Array.from({ length: requests }, () => client.request<{ customers: { nodes: unknown[] } }>(PAGE_QUERY, {}, 252)),
    );
    const seconds = (Date.now() - started) / 1000;

    const status = client.throttleStatus!;
    expect(status.maximumAvailable).toBe(2000);
    expect(status.restoreRate).toBe(100);
    // Shopify refunds requested − actual cost (300 customers fill only part of the
    // pages), so the exact lower bound comes from what was actually charged:
    // everything beyond the full bucket had to be restored at 100 points/s.
    expect(client.stats.requests).toBeGreaterThanOrEqual(requests);
    const minimumSeconds = (requests * 252 - 2000) / 100 - 1; // requested costs must be affordable at admission
    expect(seconds).toBeGreaterThan(minimumSeconds);
    expect(seconds).toBeLessThan(minimumSeconds * 1.5 + 3);
  });
});
