// Full-recompute benchmark (npm run bench:recompute): recompute-shop of one shop
// in the real worker process, at one or more shop sizes side by side.
//   --customers N      one size (default 1,000,000)
//   --sizes a,b        several sizes, printed side by side (e.g. 200000,1000000)
//   --reuse            keep a database already prepared for that size (its scores from
//                      the last run stay: the recompute then updates them, as nightly)
//   --vacuum           after SQL seeding, VACUUM (ANALYZE) the orders and customers, as a
//                      backfill of that size does before its first recompute
//   --backfill         prepare by a simulator backfill through the worker (as bench:ingest)
//                      instead of SQL seeding; practical up to about 200,000 customers
// Data: by default each size has its own database rfm_bench_recompute_sql_<N>, seeded
// straight in PostgreSQL by bench/support/seed-recompute.ts (generate_series, seeded
// random(); ~5 orders per customer, distributions in that file): the recompute reads
// only the stored rows, and a simulator backfill of 5M orders is not yet practical.
// Per size: ShopSettings.writeBackEnabled = false and flowTriggerEnabled = false (this
// measures scoring only: read, fit, scores, transitions, snapshot; no Shopify writes);
// a worker started just for the recompute, so its VmHWM covers the recompute alone.
// Figures: JobRun startedAt → finishedAt, the worker's CPU seconds over the job (user +
// system, /proc; the machine is shared, so wall time depends on the load) and peak RSS.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { arg, REDIS_URL, appEnv, clearQueuePrefix, databaseUrlFor, dbClient, log, prepareDatabase, runMain, startWorker, stopAll } from "../test/support/procs";
import { eventually } from "../test/support/timing";
import { cpuSeconds, machineLoad, otherLoad, trackPeak } from "./support/machine";
import { runIngest } from "./support/ingest";
import { seedRecomputeShop } from "./support/seed-recompute";
import { printTargets } from "./support/targets";

const SIZES = (arg("sizes") ?? arg("customers") ?? process.env.BENCH_CUSTOMERS ?? "1000000").split(",").map((s) => Number(s.replace(/_/g, "")));
// Backfill only: generator defaults (~2.2 orders/customer); BENCH_R=1.5 → ~5 orders/customer.
const PARAMS: Record<string, number> = process.env.BENCH_R ? { r: Number(process.env.BENCH_R), alpha: 40, a: 1.5, b: 6 } : {};
const SHOP = "bench-recompute.myshopify.com";
const PREFIX = `bench-recompute-${process.pid}`;
const REUSE = process.argv.includes("--reuse");
const BACKFILL = process.argv.includes("--backfill");
const VACUUM = process.argv.includes("--vacuum");

interface SizeFigures {
  customers: number;
  data: string;
  orders: number;
  scored: number;
  previousScores: number;
  status: string;
  error: string | null;
  stats: unknown;
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  loadBefore: string;
  loadAfter: string;
}

/** User + system CPU seconds a live process has used so far; throws once it is gone. */
function processCpuSeconds(pid: number): number {
  const seconds = cpuSeconds(pid);
  if (seconds === null) throw new Error(`process ${pid} is gone`);
  return seconds;
}

const databaseFor = (customers: number) => (BACKFILL ? `rfm_bench_recompute_${customers}` : `rfm_bench_recompute_sql_${customers}`);

/** A database already prepared for this size: the shop, its customers, and (seeded) its orders. */
async function reusable(database: string, customers: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrlFor(database) });
  try {
    await c.connect();
    const r = await c.query(`select s."syncStatus", (select count(*) from "Customer" cu where cu."shopId" = s.id) as n from "Shop" s where domain = $1`, [SHOP]);
    return r.rows[0]?.syncStatus === "completed" && Number(r.rows[0].n) === customers;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The database of one size, prepared (or reused); returns the worker env and a note of how. */
async function prepare(customers: number): Promise<{ env: Record<string, string>; note: string }> {
  const database = databaseFor(customers);
  const env = appEnv({ databaseUrl: databaseUrlFor(database), queuePrefix: PREFIX, appUrl: "http://127.0.0.1:9", simUrl: "http://127.0.0.1:9" });
  if (REUSE && (await reusable(database, customers))) return { env, note: `reused ${database}` };
  if (BACKFILL) {
    const res = await runIngest({ database, queuePrefix: PREFIX, shop: SHOP, customers, params: PARAMS, seed: 42, pauseScoring: true, timeoutMs: 30 * 60_000 });
    await res.db.end();
    await res.worker.stop();
    // The paused post-sync job is dropped with the prefix; a fresh one is added below.
    await clearQueuePrefix(PREFIX);
    return { env: res.env, note: `backfilled ${res.orders.toLocaleString()} orders in ${res.seconds.toFixed(1)} s` };
  }
  const url = await prepareDatabase(database, { fresh: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    const seeded = await seedRecomputeShop(client, { shop: SHOP, customers, seed: 0.42 });
    const note = `SQL-seeded ${seeded.orders.toLocaleString()} orders in ${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (!VACUUM) return { env, note };
    // What a backfill of this size does before its first recompute (vacuumImportedTables).
    const vacuumStarted = Date.now();
    await client.query(`vacuum (analyze) "Order", "Customer"`);
    return { env, note: `${note}, vacuumed in ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s` };
  } finally {
    await client.end();
  }
}

async function measure(customers: number): Promise<SizeFigures> {
  const { env, note } = await prepare(customers);
  log(`${customers.toLocaleString()} customers: ${note}`);
  const db = dbClient(env.DATABASE_URL);
  const shopId = (await db.query(`select id from "Shop" where domain = $1`, [SHOP])).rows[0].id;
  await db.query(
    `insert into "ShopSettings" ("shopId", "writeBackEnabled", "flowTriggerEnabled", "updatedAt") values ($1, false, false, now())
     on conflict ("shopId") do update set "writeBackEnabled" = false, "flowTriggerEnabled" = false`,
    [shopId],
  );
  const before = Number((await db.query(`select coalesce(max(id), 0) as m from "JobRun"`)).rows[0].m);
  const orders = Number((await db.query(`select count(*) from "Order" where "shopId" = $1`, [shopId])).rows[0].count);
  const previousScores = Number((await db.query(`select count(*) from "CustomerScore" where "shopId" = $1`, [shopId])).rows[0].count);

  const loadBefore = machineLoad();
  const worker = await startWorker(env);
  const peak = trackPeak(worker.pid);
  const cpuBefore = processCpuSeconds(worker.pid);
  let cpuAfter = cpuBefore;
  log(`fresh worker pid ${worker.pid} (RSS ${peak.peak().toFixed(0)} MB); write-back disabled; starting recompute-shop`);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const scoring = new Queue("scoring", { connection, prefix: env.QUEUE_PREFIX });
  await scoring.add("recompute-shop", { shop: SHOP, reason: "bench" }, { jobId: `recompute-bench-${Date.now()}`, attempts: 1 });
  await scoring.resume();
  const run: any = await eventually(
    async () => {
      const r = await db.query(`select * from "JobRun" where id > $1 and name = 'recompute-shop' and "shopDomain" = $2 and status <> 'running' order by id limit 1`, [before, SHOP]);
      if (r.rows[0]) return r.rows[0];
      if (!worker.isAlive()) throw new Error(`worker died:\n${worker.tail()}`);
      cpuAfter = processCpuSeconds(worker.pid);
      return null;
    },
    {
      timeoutMs: 30 * 60_000,
      intervalMs: 200,
      timeoutMessage: "recompute did not finish in 30 minutes",
      progressEveryMs: 10_000,
      progress: () => log(`  recomputing… worker RSS peak ${peak.peak().toFixed(0)} MB, CPU ${(processCpuSeconds(worker.pid) - cpuBefore).toFixed(0)} s`),
    },
  );
  cpuAfter = worker.isAlive() ? processCpuSeconds(worker.pid) : cpuAfter;
  const peakMb = peak.stop();
  await scoring.close();
  connection.disconnect();
  const scored = Number((await db.query(`select count(*) from "CustomerScore" where "shopId" = $1`, [shopId])).rows[0].count);
  await db.end();
  await stopAll();
  await clearQueuePrefix(PREFIX);
  return {
    customers,
    data: note,
    orders,
    scored,
    previousScores,
    status: run.status,
    error: run.error ?? null,
    stats: run.stats,
    seconds: (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000,
    cpuSeconds: cpuAfter - cpuBefore,
    peakMb,
    loadBefore,
    loadAfter: machineLoad(),
  };
}

runMain(async () => {
  const others = otherLoad();
  const figures: SizeFigures[] = [];
  for (const customers of SIZES) figures.push(await measure(customers));

  const pad = (s: string) => s.padStart(24);
  const row = (label: string, f: (x: SizeFigures) => string) => console.log(`${label.padEnd(22)}${figures.map((x) => pad(f(x))).join("")}`);
  console.log("\n=== bench:recompute ===");
  row("customers", (x) => x.customers.toLocaleString());
  row("orders", (x) => x.orders.toLocaleString());
  row("scores before", (x) => x.previousScores.toLocaleString());
  row("recompute-shop", (x) => x.status);
  row("customers scored", (x) => x.scored.toLocaleString());
  row("seconds (wall)", (x) => `${x.seconds.toFixed(1)} s`);
  row("worker CPU", (x) => `${x.cpuSeconds.toFixed(1)} s`);
  row("worker peak RSS", (x) => `${x.peakMb.toFixed(0)} MB`);
  row("µs wall per customer", (x) => ((x.seconds * 1e6) / x.customers).toFixed(0));
  row("load avg before", (x) => x.loadBefore);
  row("load avg after", (x) => x.loadAfter);
  for (const x of figures) {
    console.log(`data ${x.customers.toLocaleString()}: ${x.data}`);
    console.log(`job stats ${x.customers.toLocaleString()}: ${JSON.stringify(x.stats)}${x.error ? `; error: ${x.error}` : ""}`);
  }
  console.log("wall: JobRun startedAt → finishedAt; write-back disabled (scoring only); CPU: the worker's user + system seconds over the job (2 shared cores)");
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  const million = figures.find((x) => x.customers === 1_000_000);
  printTargets([
    { what: "recompute completes", met: figures.every((x) => x.status === "completed"), measured: figures.map((x) => `${x.customers}: ${x.status}${x.error ? ` (${x.error})` : ""}`).join("; ") },
    {
      what: "recompute 1M ≤ 60 s",
      met: million !== undefined && million.seconds <= 60,
      measured: million
        ? `${million.seconds.toFixed(1)} s wall, ${million.cpuSeconds.toFixed(1)} s worker CPU, load ${million.loadBefore} → ${million.loadAfter}`
        : `not measured: sizes ${figures.map((x) => x.customers.toLocaleString()).join(", ")}`,
    },
    { what: "worker peak ≤ 1 GB", met: figures.every((x) => x.peakMb <= 1024), measured: figures.map((x) => `${x.customers}: ${x.peakMb.toFixed(0)} MB`).join("; ") },
  ]);
  return figures.every((x) => x.status === "completed") ? 0 : 1;
});
