// Full-recompute benchmark (npm run bench:recompute): scores 200,000
// customers from PostgreSQL in the real worker process.
// 1. Loads the orders the fastest honest way: a backfill from the simulator
//    process through the worker (as bench:ingest), with the scoring queue
//    paused. --reuse skips this when rfm_bench_recompute already holds a
//    completed backfill of the bench shop (then only a worker runs).
// 2. Sets ShopSettings.writeBackEnabled = false (this measures scoring only:
//    fit, scores, transitions, snapshot; no Shopify writes), restarts the
//    worker so its VmHWM covers the recompute alone, and runs recompute-shop
//    (the paused post-sync job, or a fresh one with --reuse).
// Figures: JobRun startedAt → finishedAt of recompute-shop, and the worker's
// peak RSS (VmHWM).
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { arg, REDIS_URL, appEnv, clearQueuePrefix, databaseUrlFor, dbClient, log, runMain, startWorker, stopAll } from "../test/support/procs";
import { eventually } from "../test/support/timing";
import { machineLoad, otherLoad, trackPeak } from "./support/machine";
import { runIngest } from "./support/ingest";
import pg from "pg";
import { printTargets } from "./support/targets";

const CUSTOMERS = Number(arg("customers") ?? process.env.BENCH_CUSTOMERS ?? 200_000);
// Generator defaults (~2.2 orders/customer, ~440k orders): the simulator cannot produce a
// 1M-order bulk export in reasonable time/memory (see bench:ingest). BENCH_R=1.5 → ~5 orders/customer.
const PARAMS: Record<string, number> = process.env.BENCH_R ? { r: Number(process.env.BENCH_R), alpha: 40, a: 1.5, b: 6 } : {};
const SHOP = "bench-recompute.myshopify.com";
const DB = "rfm_bench_recompute";
const PREFIX = `bench-recompute-${process.pid}`;
const REUSE = process.argv.includes("--reuse");

async function reusable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrlFor(DB) });
  try {
    await c.connect();
    const r = await c.query(`select s."syncStatus", (select count(*) from "Customer" cu where cu."shopId" = s.id) as n from "Shop" s where domain = $1`, [SHOP]);
    return r.rows[0]?.syncStatus === "completed" && Number(r.rows[0].n) === CUSTOMERS;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

runMain(async () => {
  const loadBefore = machineLoad();
  const others = otherLoad();
  let env: Record<string, string>;
  let ingestNote: string;
  const reuse = REUSE && (await reusable());
  if (reuse) {
    env = appEnv({ databaseUrl: databaseUrlFor(DB), queuePrefix: PREFIX, appUrl: "http://127.0.0.1:9", simUrl: "http://127.0.0.1:9" });
    await clearQueuePrefix(PREFIX);
    ingestNote = `reused the backfilled database ${DB}`;
    log(ingestNote);
  } else {
    const res = await runIngest({ database: DB, queuePrefix: PREFIX, shop: SHOP, customers: CUSTOMERS, params: PARAMS, seed: 42, pauseScoring: true, timeoutMs: 20 * 60_000 });
    ingestNote = `backfilled ${res.orders.toLocaleString()} orders of ${res.customers.toLocaleString()} customers in ${res.seconds.toFixed(1)} s (worker peak ${res.workerPeakMb.toFixed(0)} MB)`;
    log(ingestNote);
    env = res.env;
    await res.db.end();
    await res.worker.stop();
  }

  const db = dbClient(databaseUrlFor(DB));
  const shopId = (await db.query(`select id from "Shop" where domain = $1`, [SHOP])).rows[0].id;
  await db.query(
    `insert into "ShopSettings" ("shopId", "writeBackEnabled", "flowTriggerEnabled", "updatedAt") values ($1, false, false, now())
     on conflict ("shopId") do update set "writeBackEnabled" = false, "flowTriggerEnabled" = false`,
    [shopId],
  );
  const before = Number((await db.query(`select coalesce(max(id), 0) as m from "JobRun"`)).rows[0].m);
  const orders = Number((await db.query(`select count(*) from "Order" where "shopId" = $1`, [shopId])).rows[0].count);

  const worker = await startWorker(env);
  const peak = trackPeak(worker.pid);
  log(`fresh worker pid ${worker.pid} (RSS ${peak.peak().toFixed(0)} MB); write-back disabled; starting recompute-shop`);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const scoring = new Queue("scoring", { connection, prefix: env.QUEUE_PREFIX });
  if (reuse) await scoring.add("recompute-shop", { shop: SHOP, reason: "bench" }, { jobId: `recompute-bench-${Date.now()}`, attempts: 1 });
  await scoring.resume();

  const run: any = await eventually(
    async () => {
      const r = await db.query(`select * from "JobRun" where id > $1 and name = 'recompute-shop' and "shopDomain" = $2 and status <> 'running' order by id limit 1`, [before, SHOP]);
      if (r.rows[0]) return r.rows[0];
      if (!worker.isAlive()) throw new Error(`worker died:\n${worker.tail()}`);
      return null;
    },
    {
      timeoutMs: 15 * 60_000,
      intervalMs: 200,
      timeoutMessage: "recompute did not finish in 15 minutes",
      progressEveryMs: 5000,
      progress: () => log(`  recomputing… worker RSS peak ${peak.peak().toFixed(0)} MB`),
    },
  );
  const peakMb = peak.stop();
  await scoring.close();
  connection.disconnect();
  const scored = Number((await db.query(`select count(*) from "CustomerScore" where "shopId" = $1`, [shopId])).rows[0].count);
  const shopRow = (await db.query(`select "modelKind" from "Shop" where id = $1`, [shopId])).rows[0];
  await db.end();
  const loadAfter = machineLoad();
  await stopAll();
  await clearQueuePrefix(PREFIX);

  const seconds = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
  console.log("\n=== bench:recompute ===");
  console.log(`data:            ${ingestNote}`);
  console.log(`recompute-shop:  ${run.status}${run.error ? ` (${run.error})` : ""}; ${orders.toLocaleString()} orders → ${scored.toLocaleString()} customers scored, model ${shopRow?.modelKind}`);
  console.log(`job stats:       ${JSON.stringify(run.stats)}`);
  console.log(`seconds:         ${seconds.toFixed(1)} s (JobRun startedAt → finishedAt; write-back disabled: scoring only)`);
  console.log(`worker peak RSS: ${peakMb.toFixed(0)} MB (VmHWM of a worker started just for the recompute)`);
  console.log(`machine load avg: before ${loadBefore}, after ${loadAfter} (2 cores)`);
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  printTargets([
    { what: "recompute completes", met: run.status === "completed", measured: `${run.status}${run.error ? `: ${run.error}` : ""}` },
    { what: "worker peak RSS ≤ 1024 MB", met: peakMb <= 1024, measured: `${peakMb.toFixed(0)} MB` },
  ]);
  return run.status === "completed" ? 0 : 1;
});
