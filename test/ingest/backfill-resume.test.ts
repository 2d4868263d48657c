import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "../support/harness";
import { expectOrdersMatchSimulator } from "../support/compare";

const SHOP = `resume-${process.pid}.myshopify.com`;
let h: Harness;
const children: ChildProcess[] = [];

// The worker runs in a process group of its own, so a kill reaches all of it,
// as a machine dying would.
function startWorkerProcess(): ChildProcess {
  const child = spawn("node_modules/.bin/node", ["--import", "tsx", "app/jobs/worker.server.ts"], {
    env: { ...process.env, WORKER_LOCK_MS: "2000" },
    stdio: "ignore",
    detached: true,
  });
  children.push(child);
  return child;
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 17, customers: 15_000, years: 2 });
});

afterAll(async () => {
  for (const child of children) killGroup(child);
  await h?.close();
});

describe("backfill crash", () => {
  it("a worker killed mid-import is replaced and the backfill finishes with no duplicates", { timeout: 240_000 }, async () => {
    const first = startWorkerProcess();
    await h.install(SHOP);
    const shopRow = () => h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });

    // Kill the worker (SIGKILL: no graceful shutdown) once the order import has committed some batches.
    await eventually(async () => {
      const shop = await shopRow();
      const orders = (shop.syncState as { exports?: { orders?: { status: string; linesDone: number; objectCount: number } } } | null)?.exports?.orders;
      return orders?.status === "importing" && orders.linesDone > 0 && orders.linesDone < orders.objectCount;
    }, 60_000, "order import in progress");
    killGroup(first);
    await new Promise((resolve) => first.once("exit", resolve));
    const atCrash = await shopRow();
    expect(atCrash.syncStatus).toBe("running");

    startWorkerProcess();
    const done = await eventually(async () => {
      const shop = await shopRow();
      return shop.syncStatus === "completed" ? shop : null;
    }, 200_000, "backfill to finish after restart");
    expect(done.syncRowsDone).toBe(done.syncRowsTotal);

    // The replacement resumed from the checkpoint rather than starting over. Its run is recorded
    // once the job has returned, which can be after the sync it completed shows as completed.
    const resumed = await eventually(
      () =>
        h.app.db.prisma.jobRun.findFirst({
          where: { shopDomain: SHOP, name: "bulk-finished", status: "completed", stats: { path: ["kind"], equals: "orders" } },
        }),
      10_000,
      "the orders import's completed run",
    );
    expect((resumed.stats as { resumedFromLine: number }).resumedFromLine).toBeGreaterThan(0);
    await expectOrdersMatchSimulator(h, SHOP);
    // Each order's item spend per product type counts every line item once across the crash:
    // the lines re-read from the checkpoint (orders carried into the uncommitted batch, line
    // items already counted) and the late ones staged and merged at the end.
    const rows = await h.app.db.prisma.order.findMany({ where: { shopId: done.id }, select: { id: true, productTypes: true, productTypeSpendMinor: true } });
    const typesOf = new Map(rows.map((r) => [Number(r.id), { types: r.productTypes, spend: r.productTypeSpendMinor.map(Number) }]));
    let typeMismatches = 0;
    for (const order of h.sim.ctx.shops.get(SHOP)!.orders.values()) {
      const byType = new Map<string, number>();
      for (const li of order.lineItems) if (li.productType) byType.set(li.productType, (byType.get(li.productType) ?? 0) + li.shopMinor + (li.discountMinor ?? 0));
      const types = [...byType.keys()].sort();
      const expected = { types, spend: types.map((t) => byType.get(t)) };
      if (JSON.stringify(typesOf.get(order.id)) !== JSON.stringify(expected) && ++typeMismatches <= 3) expect(typesOf.get(order.id), `order ${order.id}`).toEqual(expected);
    }
    expect(typeMismatches).toBe(0);
    const customers = await h.app.db.prisma.customer.count({ where: { shopId: done.id } });
    expect(customers).toBe(h.sim.ctx.shops.get(SHOP)!.customers.size);
  });
});
