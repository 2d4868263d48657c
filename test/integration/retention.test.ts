// Retention (docs/operations.md, "Retention"): enforce-retention, run as the
// worker runs it (enqueued, picked up by a worker on the system queue), deletes
// exactly the rows past their period and nothing else. Rows are placed by hand
// an hour either side of each cut-off, with the default periods: webhook events
// 30 days (finished ones only), data requests 90 days, job runs 30 days (each
// shop's latest run of a job kept), uninstalled shops 30 days after uninstall
// (with everything of theirs); orders of installed shops are kept whatever their age.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "bullmq";
import { prisma } from "../../app/db.server";
import { env } from "../../app/env.server";
import { enqueue, SCHEDULES } from "../../app/queue.server";
import { startWorkers, stopWorkers } from "../../app/jobs/worker.server";
import { removeShops } from "../support/score-seed";
import { eventually } from "../support/timing";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const tag = `retention-${process.pid}`;
const INSTALLED = `${tag}-installed.myshopify.com`;
const GONE = `${tag}-uninstalled-31d.myshopify.com`;
const RECENT = `${tag}-uninstalled-29d.myshopify.com`;

let workers: Worker[] = [];
const now = Date.now();
const ago = (ms: number) => new Date(now - ms);
const shopIds: Record<string, string> = {};

beforeAll(async () => {
  await removeShops(prisma, [INSTALLED, GONE, RECENT]);
  await prisma.webhookEvent.deleteMany({ where: { webhookId: { startsWith: tag } } });
  await prisma.jobRun.deleteMany({ where: { shopDomain: { startsWith: tag } } });
  for (const [domain, uninstalledAt] of [
    [INSTALLED, null],
    [GONE, ago(30 * DAY + HOUR)],
    [RECENT, ago(30 * DAY - HOUR)],
  ] as const) {
    const shop = await prisma.shop.create({ data: { domain, installedAt: ago(400 * DAY), uninstalledAt } });
    shopIds[domain] = shop.id;
    await prisma.customer.create({ data: { shopId: shop.id, id: 1n } });
    // A five-year-old order: age alone never removes an order.
    await prisma.order.create({
      data: { shopId: shop.id, id: 11n, customerId: 1n, processedAt: ago(5 * 365 * DAY), shopifyUpdatedAt: ago(5 * 365 * DAY), currency: "USD", totalMinor: 1234n },
    });
  }
  const event = (suffix: string, status: string, receivedAt: Date) => ({ webhookId: `${tag}-${suffix}`, shopDomain: INSTALLED, topic: "orders/create", status, receivedAt });
  await prisma.webhookEvent.createMany({
    data: [
      event("processed-old", "processed", ago(30 * DAY + HOUR)),
      event("processed-new", "processed", ago(30 * DAY - HOUR)),
      event("rejected-old", "rejected", ago(30 * DAY + HOUR)),
      event("failed-old", "failed", ago(30 * DAY + HOUR)),
      event("skipped-old", "skipped", ago(30 * DAY + HOUR)),
      event("skipped-new", "skipped", ago(30 * DAY - HOUR)),
      event("pending-old", "pending", ago(60 * DAY)), // still work to do: kept
      { ...event("gone-shop", "processed", ago(HOUR)), shopDomain: GONE }, // goes with its shop
    ],
  });
  await prisma.dataRequest.createMany({
    data: [
      { shopId: shopIds[INSTALLED], customerId: 1n, requestId: `${tag}-dr-old`, receivedAt: ago(90 * DAY + HOUR), record: {} },
      { shopId: shopIds[INSTALLED], customerId: 1n, requestId: `${tag}-dr-new`, receivedAt: ago(90 * DAY - HOUR), record: {} },
    ],
  });
  const run = (name: string, startedAt: Date, shopDomain = INSTALLED) => ({ shopDomain, queue: "scoring", name, jobId: `${tag}-${name}-${startedAt.getTime()}`, status: "completed", startedAt, finishedAt: startedAt });
  await prisma.jobRun.createMany({
    data: [
      run("recompute-shop", ago(40 * DAY)),
      run("recompute-shop", ago(30 * DAY + HOUR)),
      run("recompute-shop", ago(30 * DAY - HOUR)),
      run("recompute-shop", ago(DAY)),
      run("initial-sync", ago(200 * DAY)), // the shop's only (so latest) initial-sync: kept
    ],
  });
  workers = startWorkers(["system"]);
});

afterAll(async () => {
  await prisma.dataRequest.deleteMany({ where: { shopId: { in: Object.values(shopIds) } } });
  await prisma.webhookEvent.deleteMany({ where: { webhookId: { startsWith: tag } } });
  await prisma.jobRun.deleteMany({ where: { shopDomain: { startsWith: tag } } });
  await removeShops(prisma, [INSTALLED, GONE, RECENT]);
  await stopWorkers(workers); // closes the queues and the database too
});

describe("enforce-retention", () => {
  it("is scheduled daily with the default periods", () => {
    expect(SCHEDULES.find((s) => s.name === "enforce-retention")?.repeat).toEqual({ pattern: "30 4 * * *" });
    expect([env.RETENTION_WEBHOOK_EVENT_DAYS, env.RETENTION_DATA_REQUEST_DAYS, env.RETENTION_JOB_RUN_DAYS, env.RETENTION_UNINSTALLED_SHOP_DAYS]).toEqual([30, 90, 30, 30]);
  });

  it("deletes exactly the rows past their period", async () => {
    const startedAt = new Date();
    await enqueue("enforce-retention", {});
    const done = await eventually(
      () => prisma.jobRun.findFirst({ where: { name: "enforce-retention", startedAt: { gte: startedAt }, status: { not: "running" } }, orderBy: { id: "desc" } }),
      { timeoutMs: 30_000, label: "the enforce-retention run" },
    );
    expect(done.status).toBe("completed");
    // Others' rows in the shared test database may count too: at least ours.
    const stats = done.stats as Record<string, number>;
    expect(stats.uninstalledShopsRemoved).toBeGreaterThanOrEqual(1);
    expect(stats.webhookEventsDeleted).toBeGreaterThanOrEqual(4);
    expect(stats.dataRequestsDeleted).toBeGreaterThanOrEqual(1);
    expect(stats.jobRunsDeleted).toBeGreaterThanOrEqual(2);

    const events = await prisma.webhookEvent.findMany({ where: { webhookId: { startsWith: tag } }, orderBy: { webhookId: "asc" } });
    expect(events.map((e) => e.webhookId.slice(tag.length + 1))).toEqual(["pending-old", "processed-new", "skipped-new"]);

    const requests = await prisma.dataRequest.findMany({ where: { shopId: shopIds[INSTALLED] } });
    expect(requests.map((r) => r.requestId)).toEqual([`${tag}-dr-new`]);

    const runs = await prisma.jobRun.findMany({ where: { shopDomain: INSTALLED }, orderBy: { startedAt: "asc" } });
    expect(runs.map((r) => [r.name, Math.round((now - r.startedAt.getTime()) / HOUR)])).toEqual([
      ["initial-sync", 200 * 24],
      ["recompute-shop", 30 * 24 - 1],
      ["recompute-shop", 24],
    ]);

    const shops = await prisma.shop.findMany({ where: { domain: { startsWith: tag } }, orderBy: { domain: "asc" }, select: { domain: true } });
    expect(shops.map((s) => s.domain)).toEqual([INSTALLED, RECENT]);
    const orders = await prisma.order.findMany({ where: { shopId: { in: Object.values(shopIds) } }, select: { shopId: true } });
    expect(orders.map((o) => o.shopId).sort()).toEqual([shopIds[INSTALLED], shopIds[RECENT]].sort());
    expect(await prisma.customer.count({ where: { shopId: shopIds[GONE] } })).toBe(0);
  });
});
