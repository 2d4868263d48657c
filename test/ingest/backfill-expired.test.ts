import { afterAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "../support/harness";

// Result URLs that expire at once: a file of its own, because the app's
// modules (and so the simulator they point at) are loaded once per file.
const domain = (name: string) => `${name}-${process.pid}.myshopify.com`;
let expiring: Harness | undefined;

afterAll(async () => {
  await expiring?.close();
});

describe("expired result files", () => {
  it("re-export a bounded number of times, then fail with the reason shown", async () => {
    expiring = await startHarness({}, { bulkUrlTtlMs: 0 });
    {
      expiring.startWorkers();
      const shop = domain("expired");
      expiring.addStore({ domain: shop, seed: 4, customers: 30, years: 1 });
      await expiring.install(shop);
      const row = await eventually(async () => {
        const r = await expiring!.app.db.prisma.shop.findUnique({ where: { domain: shop } });
        return r?.syncStatus === "failed" ? r : null;
      }, 60_000, "expired sync to fail");
      expect(row.syncError).toMatch(/expired/i);
      const state = row.syncState as { exports: Record<string, { restarts: number }> };
      expect(Math.max(...Object.values(state.exports).map((e) => e.restarts))).toBe(2);
    }
  });
});
