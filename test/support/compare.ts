// Compares what the app stored with what the simulated Shopify holds.
import { expect } from "vitest";
import { orderNet } from "../simulator/generator";
import type { Harness } from "./harness";
import { eventually } from "./timing";

export async function expectOrdersMatchSimulator(h: Harness, domain: string): Promise<number> {
  const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain } });
  const rows = await h.app.db.prisma.order.findMany({
    where: { shopId: shop.id },
    select: { id: true, customerId: true, cancelledAt: true, test: true, totalMinor: true, refundedMinor: true },
  });
  const ours = new Map(rows.map((r) => [Number(r.id), r]));
  const theirs = h.sim.ctx.shops.get(domain)!.orders;
  expect(ours.size).toBe(theirs.size);
  let mismatches = 0;
  for (const order of theirs.values()) {
    const row = ours.get(order.id);
    const expected = {
      customerId: order.customerId,
      cancelled: order.cancelledAt !== null,
      test: order.test,
      totalMinor: order.totalShopMinor,
      // A cancelled order never counts, so its net amount is not compared.
      netMinor: order.cancelledAt ? null : orderNet(order).netShopMinor,
    };
    const actual = row && {
      customerId: row.customerId === null ? null : Number(row.customerId),
      cancelled: row.cancelledAt !== null,
      test: row.test,
      totalMinor: Number(row.totalMinor),
      netMinor: row.cancelledAt ? null : Number(row.totalMinor - row.refundedMinor),
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      mismatches++;
      if (mismatches <= 5) expect(actual, `order ${order.id}`).toEqual(expected);
    }
  }
  expect(mismatches).toBe(0);
  return theirs.size;
}

/** Waits until every stored webhook event has been processed. */
export async function drainWebhookEvents(h: Harness, domain: string, timeoutMs = 30_000): Promise<void> {
  let pending = 0;
  await eventually(async () => (pending = await h.app.db.prisma.webhookEvent.count({ where: { shopDomain: domain, status: "pending" } })) === 0, {
    timeoutMs,
    timeoutMessage: () => `${pending} webhook events still pending`,
  });
}
