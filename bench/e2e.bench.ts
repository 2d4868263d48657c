/**
 * npm run bench:e2e — one generated store through the whole pipeline on this machine, as a
 * merchant's install runs it (issue 13, "Done when"): the simulator generates the store, the
 * app is installed, the bulk backfill imports it through the real worker, the first full
 * recompute scores every customer, and the full write-back puts the tags and metafields into
 * the simulator (bulk mutation). Each stage is timed from its JobRun rows and the worker's RSS
 * is sampled per stage (VmRSS every 200 ms).
 *   --sizes 100000,1000000   (default; ~5 orders per customer: r 1.5, α 40, a 1.5, b 6)
 * Checks: every scored customer written (CustomerScore.writtenAt), and for a sample of customers
 * the simulator's tags hold exactly the segment tag the database says.
 */
import type pg from "pg";
import { arg, log, runMain, simJson, stopAll, type Child } from "../test/support/procs";
import { eventually } from "../test/support/timing";
import { machineLoad, otherLoad, rssMb } from "./support/machine";
import { queueHandle, runIngest } from "./support/ingest";
import { printTargets, type Target } from "./support/targets";

const SIZES = (arg("sizes") ?? "100000,1000000").split(",").map((s) => Number(s.replace(/_/g, "")));
const PARAMS = { r: 1.5, alpha: 40, a: 1.5, b: 6 };
const SHOP = "bench-e2e.myshopify.com";
const STAGE_TIMEOUT_MS = 3 * 3600_000;
const SAMPLE = 20;
const TAG_PREFIX = "rfm:";

interface Stage {
  seconds: number;
  peakMb: number;
}

interface SizeResult {
  customers: number;
  orders: number;
  generateSeconds: number;
  backfill: Stage & { ordersPerSecond: number; importSeconds: number; importOrdersPerSecond: number };
  recompute: Stage & { scored: number };
  writeBack: Stage & { written: number };
  sampleMismatches: number;
  loadBefore: string;
  loadAfter: string;
}

/** Highest VmRSS of the process while `run` runs (sampled every 200 ms). */
async function rssPeakDuring<T>(pid: number, run: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = rssMb(pid) ?? 0;
  const timer = setInterval(() => {
    const v = rssMb(pid);
    if (v !== null && v > peak) peak = v;
  }, 200);
  try {
    return { value: await run(), peakMb: Math.round(peak) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The first JobRun of `name` for the shop started at or after `after` (the one this stage
 * started; a later one, e.g. the recompute an incremental sync queues, is the next cycle's).
 */
async function waitForRun(db: pg.Pool, name: string, after: Date, worker: Child): Promise<{ startedAt: Date; finishedAt: Date; stats: any }> {
  let row: any;
  await eventually(
    async () => {
      const r = await db.query(
        `select status, "startedAt", "finishedAt", stats, error from "JobRun" where "shopDomain" = $1 and name = $2 and "startedAt" >= $3 order by "startedAt" limit 1`,
        [SHOP, name, after],
      );
      row = r.rows[0];
      if (row?.status === "failed") throw new Error(`${name} failed: ${row.error}`);
      if (!worker.isAlive()) throw new Error(`the worker died during ${name}; its last lines:\n${worker.tail()}`);
      return row?.status === "completed";
    },
    { timeoutMs: STAGE_TIMEOUT_MS, intervalMs: 500, progressEveryMs: 15_000, progress: () => log(`  ${name}: ${row?.status ?? "not started"}`), timeoutMessage: () => `${name} not finished` },
  );
  return row;
}

async function measure(customers: number): Promise<SizeResult> {
  const loadBefore = machineLoad();
  const prefix = `bench-e2e-${process.pid}-${customers}`;
  // The scoring queue stays paused during the backfill, so the recompute is its own stage.
  const ingest = await runIngest({ database: `rfm_bench_e2e_${customers}`, queuePrefix: prefix, shop: SHOP, customers, params: PARAMS, seed: 42, pauseScoring: true, timeoutMs: STAGE_TIMEOUT_MS });
  // The orders import: its bulk-finished run, from the first result line to the last row committed
  // (the simulator writes the export before it; the customers' import runs meanwhile).
  const importSeconds = ingest.jobs.filter((j) => j.kind === "orders").reduce((sum, j) => sum + j.seconds, 0);
  log(
    `backfill: ${ingest.orders.toLocaleString()} orders in ${ingest.seconds.toFixed(1)} s (${Math.round(ingest.ordersPerSecond).toLocaleString()}/s), ` +
      `the orders import ${importSeconds.toFixed(1)} s (${Math.round(ingest.orders / importSeconds).toLocaleString()}/s), worker peak ${Math.round(ingest.workerPeakMb)} MB`,
  );
  const { db, worker } = ingest;

  const scoring = await queueHandle(prefix, "scoring");
  const t0 = new Date();
  const recompute = await rssPeakDuring(worker.pid, async () => {
    await scoring.queue.resume();
    return waitForRun(db, "recompute-shop", new Date(t0.getTime() - 1000), worker);
  });
  await scoring.close();
  const recomputeSeconds = (recompute.value.finishedAt.getTime() - recompute.value.startedAt.getTime()) / 1000;
  log(`recompute: ${recompute.value.stats?.customers?.toLocaleString()} customers in ${recomputeSeconds.toFixed(1)} s, worker RSS peak ${recompute.peakMb} MB`);

  const writeBack = await rssPeakDuring(worker.pid, () => waitForRun(db, "write-back", recompute.value.finishedAt, worker));
  const writeBackSeconds = (writeBack.value.finishedAt.getTime() - writeBack.value.startedAt.getTime()) / 1000;
  const shopId = (await db.query(`select id from "Shop" where domain = $1`, [SHOP])).rows[0].id;
  const counts = (
    await db.query(`select count(*)::int as scored, count("writtenAt")::int as written from "CustomerScore" where "shopId" = $1`, [shopId])
  ).rows[0];
  log(`write-back: ${counts.written.toLocaleString()} of ${counts.scored.toLocaleString()} customers written in ${writeBackSeconds.toFixed(1)} s, worker RSS peak ${writeBack.peakMb} MB`);

  // Oracle: the simulator's own customer records, for a spread of customers.
  const sample = (
    await db.query(`select "customerId"::text as id, segment from "CustomerScore" where "shopId" = $1 order by "customerId" limit $2 offset $3`, [shopId, SAMPLE, Math.floor(counts.scored / 2)])
  ).rows;
  let mismatches = 0;
  for (const s of sample) {
    const c = await simJson(ingest.simUrl, "GET", `/_sim/shops/${SHOP}/customers/${s.id}`);
    const segmentTags = (c.tags as string[]).filter((t) => t.startsWith(TAG_PREFIX) && !t.endsWith("holdout"));
    if (segmentTags.length !== 1 || segmentTags[0] !== `${TAG_PREFIX}${s.segment}`) {
      mismatches++;
      log(`  customer ${s.id}: database segment ${s.segment}, simulator tags ${JSON.stringify(c.tags)}`);
    }
  }
  await stopAll();
  await db.end();
  return {
    customers,
    orders: ingest.orders,
    generateSeconds: ingest.generateSeconds,
    backfill: {
      seconds: ingest.seconds,
      peakMb: Math.round(ingest.workerPeakMb),
      ordersPerSecond: Math.round(ingest.ordersPerSecond),
      importSeconds,
      importOrdersPerSecond: Math.round(ingest.orders / importSeconds),
    },
    recompute: { seconds: recomputeSeconds, peakMb: recompute.peakMb, scored: counts.scored },
    writeBack: { seconds: writeBackSeconds, peakMb: writeBack.peakMb, written: counts.written },
    sampleMismatches: mismatches,
    loadBefore,
    loadAfter: machineLoad(),
  };
}

async function main(): Promise<number> {
  const results: SizeResult[] = [];
  for (const n of SIZES) results.push(await measure(n));
  const others = otherLoad();
  const header = ["customers", "orders", "generate s", "backfill s", "import s", "import orders/s", "backfill peak MB", "recompute s", "recompute peak MB", "write-back s", "written", "write-back peak MB", "load before → after"];
  const rows = results.map((r) => [
    r.customers.toLocaleString(),
    r.orders.toLocaleString(),
    r.generateSeconds.toFixed(1),
    r.backfill.seconds.toFixed(1),
    r.backfill.importSeconds.toFixed(1),
    r.backfill.importOrdersPerSecond.toLocaleString(),
    String(r.backfill.peakMb),
    r.recompute.seconds.toFixed(1),
    String(r.recompute.peakMb),
    r.writeBack.seconds.toFixed(1),
    `${r.writeBack.written.toLocaleString()}/${r.recompute.scored.toLocaleString()}`,
    String(r.writeBack.peakMb),
    `${r.loadBefore} → ${r.loadAfter}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) process.stdout.write(row.map((c, i) => c.padStart(widths[i])).join("  ") + "\n");
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    const g = (x: number, y: number) => `×${(y / x).toFixed(2)}`;
    process.stdout.write(`growth for ×${(b.customers / a.customers).toFixed(1)} customers: backfill ${g(a.backfill.seconds, b.backfill.seconds)}, recompute ${g(a.recompute.seconds, b.recompute.seconds)}, write-back ${g(a.writeBack.seconds, b.writeBack.seconds)}\n`);
  }
  if (others) process.stdout.write(`other busy processes at the end:\n    ${others}\n`);
  const big = results[results.length - 1];
  const targets: Target[] = [
    { what: `${big.customers.toLocaleString()}-customer store through backfill, recompute and write-back`, met: big.writeBack.written === big.recompute.scored && big.recompute.scored > 0, measured: `${big.writeBack.written} of ${big.recompute.scored} written` },
    { what: "simulator tags agree with the database (sample)", met: results.every((r) => r.sampleMismatches === 0), measured: results.map((r) => `${r.sampleMismatches}/${SAMPLE}`).join(", ") },
    { what: "import ≥ 20,000 orders/s", met: big.backfill.importOrdersPerSecond >= 20_000, measured: `${big.backfill.importOrdersPerSecond.toLocaleString()} orders/s` },
    { what: "recompute ≤ 60 s", met: big.recompute.seconds <= 60, measured: `${big.recompute.seconds.toFixed(1)} s` },
    { what: "worker ≤ 1 GB in every stage", met: results.every((r) => Math.max(r.backfill.peakMb, r.recompute.peakMb, r.writeBack.peakMb) <= 1024), measured: results.map((r) => `${Math.max(r.backfill.peakMb, r.recompute.peakMb, r.writeBack.peakMb)} MB`).join(", ") },
  ];
  printTargets(targets);
  return 0;
}

runMain(main);
