// A retried bulk-finished whose export was already saved as completed: the attempt before it
// may have stopped (a lost connection, a killed worker) before the sync was marked done, or
// after that but before the shop's first recompute was queued. The retry does what is left; a
// first attempt that finds the export completed is a duplicate and changes nothing.
// (The process-faults suite found the first window; these cases are its deterministic form.)
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completedJobRun, eventually, startHarness, waitForQueuesIdle, type Harness } from "../support/harness";
import type { JobPayloads } from "../../app/queue.server";

const SHOP = `bulk-retry-${process.pid}.myshopify.com`;
let h: Harness;
let ordersExportId: string;

/** The job as BullMQ hands it to the processor on its first attempt, or on a retry. */
function jobOf(data: JobPayloads["bulk-finished"], retry: boolean): Job<JobPayloads["bulk-finished"]> {
  return { data, attemptsMade: retry ? 1 : 0, attemptsStarted: retry ? 2 : 1 } as unknown as Job<JobPayloads["bulk-finished"]>;
}

async function bulkFinishedAgain(retry: boolean): Promise<unknown> {
  const { bulkFinished } = await import("../../app/jobs/processors/backfill.server");
  const data = { shop: SHOP, bulkOperationId: ordersExportId };
  return bulkFinished(data, jobOf(data, retry));
}

const shopRow = () => h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 5, customers: 25, years: 1 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => completedJobRun(h, "recompute-shop", SHOP, started), 120_000, "first recompute");
  await waitForQueuesIdle(h, 120_000);
  const state = (await shopRow()).syncState as { exports: { orders: { bulkOperationId: string; status: string } } };
  expect(state.exports.orders.status).toBe("completed");
  ordersExportId = state.exports.orders.bulkOperationId;
});

afterAll(async () => {
  await h?.close();
});

describe("bulk-finished after its export was saved", () => {
  it("a first attempt (a duplicate delivery) changes nothing and queues nothing", async () => {
    const before = new Date();
    expect(await bulkFinishedAgain(false)).toEqual({ ignored: true });
    await waitForQueuesIdle(h, 30_000);
    expect(await completedJobRun(h, "recompute-shop", SHOP, before)).toBeNull();
  });

  it("a retry after the sync was marked done queues the first recompute the attempt before did not", async () => {
    const before = new Date();
    expect(await bulkFinishedAgain(true)).toMatchObject({ kind: "orders", recomputeQueued: true });
    await eventually(() => completedJobRun(h, "recompute-shop", SHOP, before), 60_000, "the recompute the retry queued");
  });

  it("a retry while the sync still shows running finishes it and queues the recompute", async () => {
    await waitForQueuesIdle(h, 60_000);
    const { syncStartedAt } = await shopRow();
    await h.app.db.prisma.shop.update({ where: { domain: SHOP }, data: { syncStatus: "running", syncCompletedAt: null } });
    const before = new Date();
    expect(await bulkFinishedAgain(true)).toMatchObject({ kind: "orders", finishedSync: true });
    const shop = await shopRow();
    expect(shop.syncStatus).toBe("completed");
    expect(shop.lastIncrementalSyncAt?.getTime()).toBe(syncStartedAt?.getTime());
    await eventually(() => completedJobRun(h, "recompute-shop", SHOP, before), 60_000, "the recompute after the finished sync");
  });
});
