// Scale-out (issue 13, item 6): three real worker processes against one
// PostgreSQL and one Redis take the same queues. Bursts of recompute-shop and
// full write-back requests for the same shops, mixed with live orders by
// webhook (apply, rescore, live write-backs), are fired at once while the
// workers run with a short job lock (1.5 s, so a recompute that keeps its
// process's event loop busy loses its BullMQ lock and is re-run by another
// process: the stalled-job case BullMQ's de-duplication does not cover).
//
// The oracles are independent of the code under test:
// - JobRun rows (startedAt/finishedAt, written around each run): no two
//   recompute-shop runs, and no two full write-back runs, of one shop overlap;
// - SegmentTransition rows chain per customer (each one starts where the last
//   one ended; two recomputes reading the same previous scores would insert
//   the same move twice), and the last one ends at the stored segment;
// - the simulator's own log of accepted customer writes: no tag added or
//   removed twice, no write that changed nothing.
// The web side (webhook route, install) runs in this process (test/support/harness.ts).
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimShop } from "../simulator/model";
import { emitAll, placeOrder } from "../simulator/store-events";
import { allowConsole } from "../support/console";
import { startHarness, type Harness } from "../support/harness";
import { prepareDatabase, startWorker, type Child } from "../support/procs";
import { describeOverlap, isFullWriteBack, overlappingRuns, transitionChains, type RunInterval } from "../support/scaleout-checks";
import { eventually, sleep } from "../support/timing";

const WORKERS = 3;
/** The bigger store and more bursts with FAULTS_FULL=1; the main suite's run must fit beside the other files on 2 cores. */
const FULL = process.env.FAULTS_FULL === "1";
const DB_NAME = `rfm_scaleout_${process.pid}`;
const SHOPS = [
  { domain: `so-a-${process.pid}.myshopify.com`, customers: FULL ? 2500 : 800, seed: 1301 },
  { domain: `so-b-${process.pid}.myshopify.com`, customers: 600, seed: 1302 },
];
const ROUNDS = FULL ? 4 : 2;
const ADDS_PER_ROUND = 15;
const SETTLE_MS = 480_000;

let h: Harness;
let db: pg.Pool;
const workers: Child[] = [];
/** "job completed" lines per worker process and job name (which process ran what). */
const completedBy = new Map<number, Map<string, number>>();

async function q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

function countCompletions(child: Child): void {
  const counts = new Map<string, number>();
  completedBy.set(child.pid, counts);
  let partial = "";
  child.proc.stdout!.on("data", (buf: Buffer) => {
    const lines = (partial + buf.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      // Test-mode log lines: `job completed {"queue":…,"job":"recompute-shop",…}` (app/logger.server.ts).
      if (!line.startsWith("job completed")) continue;
      const job = /"job":"([^"]+)"/.exec(line)?.[1];
      if (job) counts.set(job, (counts.get(job) ?? 0) + 1);
    }
  });
}

/** Nothing waiting, delayed, active or prioritized (but the schedules), no stored event pending, three polls in a row. */
async function settled(): Promise<void> {
  const { QUEUES, getQueue } = h.app.queue;
  let quiet = 0;
  await eventually(
    async () => {
      let busy = false;
      for (const name of Object.values(QUEUES)) {
        const jobs = await getQueue(name).getJobs(["waiting", "delayed", "active", "prioritized"]);
        busy ||= jobs.some((j) => !j.repeatJobKey && !String(j.id).startsWith("repeat:"));
      }
      const [{ n }] = await q<{ n: number }>(`select count(*)::int as n from "WebhookEvent" where status = 'pending'`);
      const [{ running }] = await q<{ running: number }>(`select count(*)::int as running from "JobRun" where status = 'running'`);
      busy ||= n > 0 || running > 0;
      quiet = busy ? 0 : quiet + 1;
      return quiet >= 3;
    },
    { timeoutMs: SETTLE_MS, intervalMs: 500, timeoutMessage: () => `the workers did not settle:\n${workers.map((w) => w.tail()).join("\n---\n")}` },
  );
}

interface Run extends RunInterval {
  jobId: string | null;
  status: string;
  error: string | null;
}

const runsOf = (shop: string, name: string) =>
  q<Run>(`select id::text, "jobId", status, "startedAt", "finishedAt", error, stats from "JobRun" where "shopDomain" = $1 and name = $2 order by "startedAt", id`, [shop, name]);

/** Events BullMQ recorded in a queue's event stream, by kind (e.g. "stalled": a job whose lock expired, moved back to run again). */
async function queueEvents(queue: string): Promise<Record<string, number>> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const entries = await redis.xrange(`${process.env.QUEUE_PREFIX}:${queue}:events`, "-", "+").finally(() => redis.disconnect());
  const out: Record<string, number> = {};
  for (const [, fields] of entries) {
    const event = fields[fields.indexOf("event") + 1];
    out[event] = (out[event] ?? 0) + 1;
  }
  return out;
}

beforeAll(async () => {
  allowConsole(/^scale-out/);
  process.env.DATABASE_URL = await prepareDatabase(DB_NAME, { fresh: true });
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  h = await startHarness({ retry: true, timeFactor: 0.01 }, { bulkRunMs: 300 });
  // Exclusivity is under test, not the leaky bucket.
  h.sim.ctx.hooks!.setRateLimit("*", { restoreRate: 5000, maximumAvailable: 50_000 });
  for (const s of SHOPS) h.addStore({ domain: s.domain, seed: s.seed, customers: s.customers, years: 2 });
  for (let i = 0; i < WORKERS; i++) {
    const child = await startWorker({ ...(process.env as Record<string, string>), WORKER_LOCK_MS: "1500", WORKER_CONCURRENCY: "4", LOG_LEVEL: "info" });
    countCompletions(child);
    workers.push(child);
  }
  for (const s of SHOPS) await h.install(s.domain);
  // Each shop backfilled, scored and written back once before the storm.
  await eventually(
    async () => {
      for (const s of SHOPS) {
        const [shop] = await q<{ syncStatus: string }>(`select "syncStatus" from "Shop" where domain = $1`, [s.domain]);
        if (shop?.syncStatus === "failed") throw new Error(`backfill of ${s.domain} failed`);
        if (shop?.syncStatus !== "completed") return false;
        if ((await runsOf(s.domain, "write-back")).filter((r) => r.status === "completed").length === 0) return false;
      }
      return true;
    },
    { timeoutMs: SETTLE_MS, intervalMs: 500, timeoutMessage: () => `install, backfill, recompute and write-back did not finish:\n${workers.map((w) => w.tail()).join("\n---\n")}` },
  );
  await settled();
}, 10 * 60_000);

afterAll(async () => {
  for (const w of workers) await w.stop().catch(() => undefined);
  await h?.close().catch(() => undefined);
  await db?.end().catch(() => undefined);
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL!.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  await admin.query(`drop database if exists "${DB_NAME}" with (force)`).catch(() => undefined);
  await admin.end();
}, 120_000);

describe(`${WORKERS} worker processes on one PostgreSQL and Redis`, () => {
  it("never runs two recomputes, or two full write-backs, of one shop at once, and no effect twice", async () => {
    const before = new Map<string, { recomputes: number; writeBacks: number }>();
    for (const s of SHOPS) {
      before.set(s.domain, {
        recomputes: (await runsOf(s.domain, "recompute-shop")).length,
        writeBacks: (await runsOf(s.domain, "write-back")).filter(isFullWriteBack).length,
      });
    }
    const { enqueue } = h.app.queue;
    let liveOrders = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const adds: Promise<unknown>[] = [];
      for (const s of SHOPS) {
        for (let i = 0; i < ADDS_PER_ROUND; i++) {
          adds.push(enqueue("recompute-shop", { shop: s.domain, reason: `storm ${round}.${i}` }));
          adds.push(enqueue("write-back", { shop: s.domain }));
        }
      }
      // The mixed workload: live orders (webhooks → apply → rescore → live write-backs) for shop A.
      const shop: SimShop = h.sim.ctx.shops.get(SHOPS[0].domain)!;
      const customers = [...shop.customers.keys()].slice(round * 10, round * 10 + 10);
      for (const [i, customer] of customers.entries()) {
        const placed = placeOrder(h.sim.ctx, shop, { customer, amountMinor: 4000 + 700 * i, seed: `storm-${round}-${i}`, lineItems: 1 });
        emitAll(h.sim.ctx, shop, placed.webhooks);
        liveOrders++;
      }
      await Promise.all(adds);
      await sleep(1500); // the next burst lands while these run
    }
    await h.emitter.flush();
    await settled();

    const failures: string[] = [];
    for (const s of SHOPS) {
      const recomputes = await runsOf(s.domain, "recompute-shop");
      const fullWriteBacks = (await runsOf(s.domain, "write-back")).filter(isFullWriteBack);
      const stormRecomputes = recomputes.length - before.get(s.domain)!.recomputes;
      const stormWriteBacks = fullWriteBacks.length - before.get(s.domain)!.writeBacks;
      console.log(`scale-out ${s.domain}: ${ROUNDS * ADDS_PER_ROUND} recompute and ${ROUNDS * ADDS_PER_ROUND} write-back requests → ${stormRecomputes} recompute runs, ${stormWriteBacks} full write-back runs`);
      // A run may fail and be retried (BullMQ's attempts); the shop's last one must have completed.
      for (const r of recomputes.filter((r) => r.status !== "completed")) console.log(`scale-out ${s.domain}: recompute run ${r.id} ${r.status}: ${r.error}`);
      expect(recomputes.at(-1)?.status).toBe("completed");
      failures.push(...overlappingRuns(recomputes).map((o) => `${s.domain} recompute-shop: ${describeOverlap(o)}`));
      failures.push(...overlappingRuns(fullWriteBacks).map((o) => `${s.domain} full write-back: ${describeOverlap(o)}`));
      // Every burst ran, and was absorbed: at least one run per round, far fewer runs than requests.
      expect(stormRecomputes).toBeGreaterThanOrEqual(2);
      expect(stormRecomputes).toBeLessThan(ROUNDS * ADDS_PER_ROUND);
      expect(stormWriteBacks).toBeGreaterThanOrEqual(1);
    }
    expect(failures, failures.join("\n")).toEqual([]);

    // Transitions chain per customer: no move recorded twice by two runs that read the same previous scores.
    const { transitions, broken, last } = await transitionChains(db, SHOPS.map((s) => s.domain));
    expect(broken.slice(0, 20), `${broken.length} broken transition chains`).toEqual([]);
    const scores = await q<{ domain: string; customerId: string; segment: string }>(
      `select s.domain, c."customerId"::text as "customerId", c.segment from "CustomerScore" c join "Shop" s on s.id = c."shopId"`,
    );
    const mismatched = scores.filter((r) => last.has(`${r.domain}/${r.customerId}`) && last.get(`${r.domain}/${r.customerId}`) !== r.segment);
    expect(mismatched.slice(0, 10)).toEqual([]);
    expect(transitions).toBeGreaterThan(0);

    // The simulator's log of accepted writes: no tag added or removed twice, no write that changed nothing.
    // (A metafield write sets the customer's whole set when any value moved, so some of its items may be unchanged.)
    const writes = h.sim.ctx.customerWrites.filter((w) => SHOPS.some((s) => s.domain === w.shop));
    const redundant = writes.filter((w) => (w.kind.startsWith("tags") ? w.redundant.length > 0 : w.redundant.length === w.items.length));
    expect(writes.length).toBeGreaterThan(0);
    expect(redundant.slice(0, 10), `${redundant.length} of ${writes.length} writes changed nothing`).toEqual([]);

    // The work was spread over the processes, and BullMQ did re-run stalled jobs (the case the lock covers).
    const spread = [...completedBy.values()].map((m) => m.get("recompute-shop") ?? 0);
    const scoringEvents = await queueEvents("scoring");
    const writebackEvents = await queueEvents("writeback");
    console.log(
      `scale-out: ${liveOrders} live orders; recompute-shop runs per process ${spread.join(", ")}; full write-backs per process ${[...completedBy.values()].map((m) => m.get("write-back") ?? 0).join(", ")}; ` +
        `scoring queue events ${JSON.stringify(scoringEvents)}; writeback queue events ${JSON.stringify(writebackEvents)}`,
    );
    expect(spread.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  }, 10 * 60_000);
});
