// Fair scheduling of the nightly fan-out (docs/decisions/0015-scale-out-and-fairness.md,
// "Fairness"): recompute-all enqueues every installed shop's recompute-shop with a priority
// from its customer count, so when a big shop and several small ones are fanned out at once
// the small ones are taken first. On real PostgreSQL and Redis: the shops are SQL rows, the
// fan-out is the real processor, and a worker of concurrency 1 records the order BullMQ hands
// the jobs out in (it runs nothing: the test database is shared with other files, whose shops
// the fan-out enqueues too, so they are only recorded and ignored).
//
// The fan-out also adds smallest first (a worker with free slots takes jobs while later
// chunks are still being added), so the order alone would survive losing the priority: the
// priorities are checked on the queued jobs, and without them this test fails there.
import { Worker, type Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../../app/env.server";
import { pool } from "../../app/db-pool.server";
import { recomputeAllShops } from "../../app/jobs/processors/scoring.server";
import { closeQueues, getQueue, recomputePriority } from "../../app/queue.server";
import { eventually } from "../support/timing";

const pid = process.pid;
const BIG = { id: `fair-big-${pid}`, domain: `a-fair-big-${pid}.myshopify.com`, customers: 3000 };
const SMALL = [20, 35, 50, 80, 120].map((customers, i) => ({ id: `fair-small-${pid}-${i}`, domain: `b-fair-small-${pid}-${i}.myshopify.com`, customers }));
const MINE = [BIG, ...SMALL];
const ID_BASE = 9_100_000_000_000 + (pid % 1000) * 10_000;

beforeAll(async () => {
  for (const [n, shop] of MINE.entries()) {
    await pool.query(
      `insert into "Shop" (id, domain, currency, "grantedScopes", "syncStatus", "syncCompletedAt") values ($1, $2, 'USD', 'read_all_orders', 'completed', now())`,
      [shop.id, shop.domain],
    );
    await pool.query(`insert into "Customer" ("shopId", id) select $1, $2::bigint + g from generate_series(1, $3::int) g`, [shop.id, ID_BASE + n * 5000, shop.customers]);
  }
});

afterAll(async () => {
  await pool.query(`delete from "Shop" where id = any($1)`, [MINE.map((s) => s.id)]);
  await getQueue("scoring").obliterate({ force: true });
  await closeQueues();
  await pool.end();
});

describe("the nightly fan-out", () => {
  it("gives each shop's recompute a priority from its size, and small shops are taken before the big one", async () => {
    // Every job queued before anyone takes one: the order is the queue's, not the race of adds and takes.
    const fanned = (await recomputeAllShops()) as { shops: number };
    expect(fanned.shops).toBeGreaterThanOrEqual(MINE.length);

    const queued = await getQueue("scoring").getJobs(["prioritized", "waiting"], 0, -1);
    const priorityOf = new Map(queued.map((job) => [(job.data as { shop: string }).shop, job.opts.priority]));
    for (const shop of MINE) expect(priorityOf.get(shop.domain), shop.domain).toBe(recomputePriority(shop.customers));
    expect(recomputePriority(BIG.customers)).toBeGreaterThan(Math.max(...SMALL.map((s) => recomputePriority(s.customers))));

    const taken: string[] = [];
    const worker = new Worker(
      "scoring",
      async (job: Job) => {
        if (job.name === "recompute-shop") taken.push((job.data as { shop: string }).shop);
      },
      { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX, concurrency: 1 },
    );
    try {
      const mine = () => taken.filter((d) => MINE.some((s) => s.domain === d));
      await eventually(() => mine().length === MINE.length, { timeoutMs: 20_000, label: "all six recomputes taken" });
      const order = mine();
      // Every small shop before the big one, and the small ones smallest first (their priorities rise with size).
      expect(order.at(-1)).toBe(BIG.domain);
      expect(order.slice(0, SMALL.length)).toEqual(SMALL.map((s) => s.domain));
    } finally {
      await worker.close();
    }
  });
});
