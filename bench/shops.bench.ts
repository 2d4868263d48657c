// Many shops benchmark (npm run bench:shops): the nightly recompute fan-out over a
// long tail of small shops and a few big ones, in the real worker process.
//   --shops a,b     shop counts, one run each, printed side by side (default 250,1000)
//   --big a,b       customers of each big shop, paired with --shops (default 50000,200000)
//   --reuse         keep a database already seeded for that size (its scores stay: the
//                   recompute then updates them, as nightly)
// Data per size (its own database rfm_bench_shops_<shops>_<big>, seeded straight in
// PostgreSQL by bench/support/seed-recompute.ts, ~5 orders per customer): 3 big shops,
// one 20,000-customer shop per 100 shops, the rest log-uniform between 50 and 2,000
// customers (a fixed pseudo-random draw). Write-back and Flow off (scoring only).
// The run: one worker process (concurrency 4 per queue, the default), recompute-all
// added as the nightly schedule adds it; then, while a big shop recomputes, probes: a
// recompute-shop of a small shop already done, added as the app's other producers add it
// (settings, reconciliation: the definition's de-duplication, no priority), timed from the
// add to its JobRun's finish; one at a time, the next PROBE_EVERY_MS after the last add at
// the earliest. (The worker's boot also runs the reconcile-all schedule: each shop's
// incremental-sync fails at once, these shops have no sessions.)
// Figures: total time from the trigger to the last recompute done; small shops'
// schedule → done in the fan-out (p50/p95) and how many were taken after a big one
// started; the probes' add → done (p50/p95/max); the worker's peak RSS; Redis
// (used_memory of the whole instance, shared with other runs, and this prefix's keys and
// their MEMORY USAGE) and PostgreSQL (pg_database_size, the largest app tables).
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { arg, REDIS_URL, appEnv, clearQueuePrefix, databaseUrlFor, dbClient, log, prepareDatabase, runMain, startWorker, stopAll } from "../test/support/procs";
import { sleep } from "../test/support/timing";
import { machineLoad, otherLoad, trackPeak } from "./support/machine";
import { seedRecomputeShop } from "./support/seed-recompute";
import { printTargets } from "./support/targets";

const list = (s: string) => s.split(",").map((x) => Number(x.replace(/_/g, "")));
const SHOP_COUNTS = list(arg("shops") ?? "250,1000");
const BIG_SIZES = list(arg("big") ?? (arg("shops") ? SHOP_COUNTS.map(() => "200000").join(",") : "50000,200000"));
if (BIG_SIZES.length !== SHOP_COUNTS.length) throw new Error("--big needs one size per --shops count");
const REUSE = process.argv.includes("--reuse");
const PREFIX = `bench-shops-${process.pid}`;
const BIG_SHOPS = 3;
const MID_CUSTOMERS = 20_000;
const SMALL_MIN = 50;
const SMALL_MAX = 2_000;
const PROBE_EVERY_MS = 2_000;
const SMALL_P95_TARGET_S = 30;

interface ShopPlan {
  domain: string;
  customers: number;
  kind: "small" | "mid" | "big";
}

/** The shops of one size: a long tail of small ones, one mid-size shop per 100, three big ones. */
function planShops(shops: number, big: number): ShopPlan[] {
  const mid = Math.max(1, Math.round(shops / 100));
  const small = Math.max(0, shops - BIG_SHOPS - mid);
  let state = 12345; // a fixed LCG: the same shops on every run
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const plan: ShopPlan[] = [];
  for (let i = 0; i < small; i++) {
    plan.push({ domain: `bench-shops-small-${i}.myshopify.com`, customers: Math.round(SMALL_MIN * (SMALL_MAX / SMALL_MIN) ** next()), kind: "small" });
  }
  for (let i = 0; i < mid; i++) plan.push({ domain: `bench-shops-mid-${i}.myshopify.com`, customers: Math.min(MID_CUSTOMERS, big), kind: "mid" });
  for (let i = 0; i < BIG_SHOPS; i++) plan.push({ domain: `bench-shops-big-${i}.myshopify.com`, customers: big, kind: "big" });
  return plan;
}

const databaseFor = (shops: number, big: number) => `rfm_bench_shops_${shops}_${big}`;

async function reusable(url: string, plan: ShopPlan[]): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const r = await c.query(`select count(*) as shops, (select count(*) from "Customer") as customers from "Shop" where "syncStatus" = 'completed'`);
    return Number(r.rows[0].shops) === plan.length && Number(r.rows[0].customers) === plan.reduce((s, p) => s + p.customers, 0);
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function prepare(shops: number, big: number, plan: ShopPlan[]): Promise<{ url: string; note: string }> {
  const database = databaseFor(shops, big);
  const url = databaseUrlFor(database);
  if (REUSE && (await reusable(url, plan))) return { url, note: `reused ${database}` };
  await prepareDatabase(database, { fresh: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  let orders = 0;
  try {
    for (const [i, shop] of plan.entries()) {
      const seeded = await seedRecomputeShop(client, {
        shop: shop.domain,
        customers: shop.customers,
        shopId: `shop${i}`,
        idBase: 7_000_000_000_000 + i * 1_000_000,
        seed: ((i * 7919) % 1999) / 1000 - 0.999,
        analyze: false,
      });
      orders += seeded.orders;
      if (i % 100 === 99) log(`  seeded ${i + 1} of ${plan.length} shops`);
    }
    await client.query(
      `insert into "ShopSettings" ("shopId", "writeBackEnabled", "flowTriggerEnabled", "updatedAt") select id, false, false, now() from "Shop"
       on conflict ("shopId") do update set "writeBackEnabled" = false, "flowTriggerEnabled" = false`,
    );
    await client.query(`analyze`);
  } finally {
    await client.end();
  }
  return { url, note: `SQL-seeded ${plan.length} shops, ${orders.toLocaleString()} orders in ${((Date.now() - started) / 1000).toFixed(0)} s` };
}

interface Run {
  shop: string;
  startedAt: number;
  finishedAt: number | null;
  status: string;
  error: string | null;
}

interface Figures {
  shops: number;
  big: number;
  customers: number;
  data: string;
  totalSeconds: number;
  allDone: boolean;
  failed: string[];
  smallFanoutP50: number;
  smallFanoutP95: number;
  smallAfterBig: number;
  bigSeconds: number[];
  probes: number[];
  peakMb: number;
  redisUsedMb: number;
  redisKeys: number;
  redisPrefixMb: number;
  pgDatabaseMb: number;
  pgTables: string;
  loadBefore: string;
  loadAfter: string;
}

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function redisFootprint(redis: Redis): Promise<{ usedMb: number; keys: number; prefixMb: number }> {
  const info = await redis.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${PREFIX}:*`, "COUNT", 1000);
    cursor = next;
    keys += batch.length;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory("USAGE", key);
    for (const [, v] of (await pipeline.exec()) ?? []) bytes += Number(v ?? 0);
  } while (cursor !== "0");
  return { usedMb: used / 2 ** 20, keys, prefixMb: bytes / 2 ** 20 };
}

async function measure(shops: number, big: number): Promise<Figures> {
  const plan = planShops(shops, big);
  const kindOf = new Map(plan.map((p) => [p.domain, p.kind]));
  const customers = plan.reduce((s, p) => s + p.customers, 0);
  log(`${shops} shops (${customers.toLocaleString()} customers, big ${big.toLocaleString()}): preparing`);
  const { url, note } = await prepare(shops, big, plan);
  log(`  ${note}`);
  const env = appEnv({ databaseUrl: url, queuePrefix: PREFIX, appUrl: "http://127.0.0.1:9", simUrl: "http://127.0.0.1:9" });
  const db = dbClient(url);
  const before = Number((await db.query(`select coalesce(max(id), 0) as m from "JobRun"`)).rows[0].m);
  const loadBefore = machineLoad();
  const worker = await startWorker(env);
  const peak = trackPeak(worker.pid);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const scoring = new Queue("scoring", { connection, prefix: PREFIX });

  /** The finished (or running) recompute-shop runs since the start, the lock-delayed ones left out. */
  const runs = async (): Promise<Run[]> =>
    (
      await db.query(
        `select "shopDomain" as shop, "startedAt", "finishedAt", status, error from "JobRun"
         where id > $1 and name = 'recompute-shop' and not coalesce((stats->>'delayed')::boolean, false) order by id`,
        [before],
      )
    ).rows.map((r) => ({ shop: r.shop, startedAt: r.startedAt.getTime(), finishedAt: r.finishedAt?.getTime() ?? null, status: r.status, error: r.error }));

  const t0 = Date.now();
  // As the nightly schedule adds it (its data is {}).
  await scoring.add("recompute-all", {}, { jobId: `bench-recompute-all-${t0}` });
  log(`  recompute-all added; worker pid ${worker.pid}`);

  const probes: { shop: string; at: number; done: number | null }[] = [];
  const smallShops = plan.filter((p) => p.kind === "small").map((p) => p.domain);
  let fanout = new Map<string, Run>(); // each shop's fan-out run
  let lastProbe = 0;
  let lastLog = Date.now();
  const deadline = t0 + 60 * 60_000;
  for (;;) {
    if (!worker.isAlive()) throw new Error(`worker died:\n${worker.tail()}`);
    const all = await runs();
    fanout = new Map();
    // A shop's first completed run (probes come after it); a failed attempt gives way to its retry.
    for (const r of all) if (fanout.get(r.shop)?.status !== "completed") fanout.set(r.shop, r);
    const fanoutDone = [...fanout.values()].filter((r) => r.status !== "running").length;
    // Probes: a small shop already done, recomputed again while a big shop's first run is going.
    const bigRunning = [...fanout.values()].some((r) => kindOf.get(r.shop) === "big" && r.status === "running");
    for (const p of probes) {
      if (p.done !== null) continue;
      const r = all.find((x) => x.shop === p.shop && x.startedAt >= p.at - 50 && x.finishedAt !== null);
      if (r) p.done = r.finishedAt;
    }
    // One probe at a time: probes must not queue behind each other (a backlog of their own would be measured).
    if (bigRunning && probes.every((p) => p.done !== null) && Date.now() - lastProbe >= PROBE_EVERY_MS) {
      const candidate = smallShops.find((s) => fanout.get(s)?.status === "completed" && !probes.some((p) => p.shop === s));
      if (candidate) {
        lastProbe = Date.now();
        // The definition's identity (app/queue.server.ts: recompute-shop), no priority: as settings or reconciliation add it.
        await scoring.add("recompute-shop", { shop: candidate, reason: "bench probe" }, { deduplication: { id: `recompute-shop-${candidate}`, keepLastIfActive: true }, attempts: 5 });
        probes.push({ shop: candidate, at: lastProbe, done: null });
      }
    }
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  ${fanoutDone} of ${plan.length} shops done, ${probes.filter((p) => p.done).length}/${probes.length} probes done, worker RSS peak ${peak.peak().toFixed(0)} MB, load ${machineLoad()}`);
    }
    if (fanoutDone >= plan.length && probes.every((p) => p.done !== null)) break;
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  const peakMb = peak.stop();
  const redis = await redisFootprint(connection);
  const pgSize = Number((await db.query(`select pg_database_size(current_database()) as b`)).rows[0].b);
  const tables = (
    await db.query(
      `select relname, pg_total_relation_size(relid) as b from pg_stat_user_tables where schemaname = 'public' order by b desc limit 6`,
    )
  ).rows
    .map((r) => `${r.relname} ${(Number(r.b) / 2 ** 20).toFixed(0)} MB`)
    .join(", ");
  await scoring.close();
  connection.disconnect();
  await db.end();
  await stopAll();
  await clearQueuePrefix(PREFIX);

  const fan = [...fanout.values()];
  const done = fan.filter((r) => r.status === "completed" && r.finishedAt !== null);
  const firstBigStart = Math.min(...fan.filter((r) => kindOf.get(r.shop) === "big").map((r) => r.startedAt));
  const smallRuns = done.filter((r) => kindOf.get(r.shop) === "small");
  const small = smallRuns.map((r) => (r.finishedAt! - t0) / 1000);
  return {
    shops,
    big,
    customers,
    data: note,
    totalSeconds: (Math.max(...done.map((r) => r.finishedAt!)) - t0) / 1000,
    allDone: done.length === plan.length,
    failed: fan.filter((r) => r.status !== "completed").map((r) => `${r.shop}: ${r.status} ${r.error ?? ""}`),
    smallFanoutP50: quantile(small, 0.5),
    smallFanoutP95: quantile(small, 0.95),
    smallAfterBig: smallRuns.filter((r) => r.startedAt > firstBigStart).length,
    bigSeconds: fan.filter((r) => kindOf.get(r.shop) === "big").map((r) => ((r.finishedAt ?? Date.now()) - r.startedAt) / 1000),
    probes: probes.filter((p) => p.done !== null).map((p) => (p.done! - p.at) / 1000),
    peakMb,
    redisUsedMb: redis.usedMb,
    redisKeys: redis.keys,
    redisPrefixMb: redis.prefixMb,
    pgDatabaseMb: pgSize / 2 ** 20,
    pgTables: tables,
    loadBefore,
    loadAfter: machineLoad(),
  };
}

runMain(async () => {
  const others = otherLoad();
  const figures: Figures[] = [];
  for (const [i, shops] of SHOP_COUNTS.entries()) figures.push(await measure(shops, BIG_SIZES[i]));

  const s = (x: number) => `${x.toFixed(1)} s`;
  const pad = (v: string) => v.padStart(26);
  const row = (label: string, f: (x: Figures) => string) => console.log(`${label.padEnd(36)}${figures.map((x) => pad(f(x))).join("")}`);
  console.log("\n=== bench:shops ===");
  row("shops", (x) => x.shops.toLocaleString());
  row("customers (all shops)", (x) => x.customers.toLocaleString());
  row("big shops × customers", (x) => `${BIG_SHOPS} × ${x.big.toLocaleString()}`);
  row("all recomputed", (x) => (x.allDone ? "yes" : `no (${x.failed.length} not)`));
  row("total: trigger → last done", (x) => s(x.totalSeconds));
  row("small shops: schedule → done p50", (x) => s(x.smallFanoutP50));
  row("small shops: schedule → done p95", (x) => s(x.smallFanoutP95));
  row("small shops taken after a big one", (x) => String(x.smallAfterBig));
  row("big shops' recompute (each)", (x) => x.bigSeconds.map((b) => b.toFixed(0)).join(", ") + " s");
  row("probes while a big one runs", (x) => String(x.probes.length));
  row("probe add → done p50", (x) => s(quantile(x.probes, 0.5)));
  row("probe add → done p95", (x) => s(quantile(x.probes, 0.95)));
  row("probe add → done max", (x) => s(Math.max(...x.probes)));
  row("worker peak RSS", (x) => `${x.peakMb.toFixed(0)} MB`);
  row("Redis used_memory (instance)", (x) => `${x.redisUsedMb.toFixed(1)} MB`);
  row("Redis keys / MEMORY USAGE (prefix)", (x) => `${x.redisKeys} / ${x.redisPrefixMb.toFixed(1)} MB`);
  row("PostgreSQL database", (x) => `${x.pgDatabaseMb.toFixed(0)} MB`);
  row("load avg before", (x) => x.loadBefore);
  row("load avg after", (x) => x.loadAfter);
  for (const x of figures) {
    console.log(`data ${x.shops}: ${x.data}`);
    console.log(`largest tables ${x.shops}: ${x.pgTables}`);
    if (x.failed.length) console.log(`not recomputed ${x.shops}: ${x.failed.slice(0, 5).join("; ")}`);
  }
  console.log(
    `small: ${SMALL_MIN}–${SMALL_MAX.toLocaleString()} customers; schedule = the recompute-all trigger; probes: a small shop's recompute-shop added while a big shop recomputes, one at a time, at most every ${PROBE_EVERY_MS / 1000} s (no priority, as settings or reconciliation add it), add → its JobRun's finish; one worker process, concurrency 4, 2 shared cores`,
  );
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  printTargets([
    { what: "all shops recomputed", met: figures.every((x) => x.allDone), measured: figures.map((x) => `${x.shops}: ${x.failed.length} not`).join("; ") },
    {
      what: "no small shop taken after a big one in the fan-out",
      met: figures.every((x) => x.smallAfterBig === 0),
      measured: figures.map((x) => `${x.shops}: ${x.smallAfterBig}`).join("; "),
    },
    {
      what: `small-shop p95 wait while a big shop recomputes ≤ ${SMALL_P95_TARGET_S} s`,
      met: figures.every((x) => x.probes.length > 0 && quantile(x.probes, 0.95) <= SMALL_P95_TARGET_S),
      measured: figures.map((x) => `${x.shops}: p95 ${quantile(x.probes, 0.95).toFixed(1)} s of ${x.probes.length} probes, load ${x.loadBefore} → ${x.loadAfter}`).join("; "),
    },
  ]);
  return figures.every((x) => x.allDone) ? 0 : 1;
});
