// Job identity as the queue module defines it, on real Redis: a per-shop
// recompute added again and again while one runs leaves exactly one rerun
// behind it (with the latest payload); a once-only job (a webhook event) is
// never queued twice; a malformed payload is refused by the producer.
import { Worker, type Job } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues, enqueue, getQueue, JOBS } from "../../app/queue.server";
import { env } from "../../app/env.server";
import { eventually } from "../support/timing";

const SHOP = `queue-identity-${process.pid}.myshopify.com`;

afterAll(async () => {
  await closeQueues();
});

/** A worker on one queue that records what it ran and holds each job until released. */
function holdingWorker(queue: string) {
  const ran: { name: string; data: unknown }[] = [];
  let release: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker(
    queue,
    async (job: Job) => {
      ran.push({ name: job.name, data: job.data });
      await held;
    },
    { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX, concurrency: 1 },
  );
  return {
    ran,
    worker,
    releaseAll() {
      release();
      held = Promise.resolve();
    },
  };
}

describe("job identity", () => {
  it("a recompute added four times while one runs runs exactly once more, with the latest data", async () => {
    const w = holdingWorker(JOBS["recompute-shop"].queue);
    try {
      await enqueue("recompute-shop", { shop: SHOP, reason: "first" });
      await eventually(() => w.ran.length === 1, { timeoutMs: 10_000, label: "the first recompute to start" });
      for (const reason of ["second", "third", "fourth", "latest"]) await enqueue("recompute-shop", { shop: SHOP, reason });
      const counts = await getQueue("scoring").getJobCounts("waiting", "delayed", "active");
      expect(counts.active + counts.waiting + counts.delayed).toBeLessThanOrEqual(2);
      w.releaseAll();
      await eventually(() => w.ran.length >= 2, { timeoutMs: 10_000, label: "the rerun" });
      // Give a wrongly queued third run the time to show up.
      await new Promise((r) => setTimeout(r, 1000));
      expect(w.ran.map((r) => (r.data as { reason: string }).reason)).toEqual(["first", "latest"]);
    } finally {
      await w.worker.close();
    }
  });

  it("the same webhook event enqueued twice (route and sweep) is one job", async () => {
    const eventId = String(900_000_000 + process.pid);
    const first = await enqueue("apply-webhook", { eventId });
    const second = await enqueue("apply-webhook", { eventId });
    expect(first).toBe(`webhook-${eventId}`);
    expect(second).toBe(first);
    expect(await getQueue("events").getJob(first!)).toBeTruthy();
    await getQueue("events").remove(first!);
  });

  it("refuses a malformed payload before it reaches Redis", async () => {
    await expect(enqueue("apply-webhook", { eventId: "not-a-number" })).rejects.toThrow(/numeric id/);
    await expect(enqueue("recompute-shop", { shop: "", reason: "x" } as never)).rejects.toThrow();
  });
});
