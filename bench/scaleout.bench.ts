// Scale-out benchmark (npm run bench:scaleout; issue 13, item 6): the same
// mixed workload with 1, 2 and 4 worker processes (--workers 1,2,4) against one
// PostgreSQL and one Redis, side by side in one run:
// - a bulk backfill of a freshly installed generated shop (--backfill-customers, 3,000),
// - live orders by webhook for another shop at --rate (20/s) for --seconds (30)
//   (orders/create + customers/update: applied, live rescores, live write-backs),
// - a full recompute of a third shop (--recompute-customers, 5,000), enqueued
//   at the start and again every 5 s (the de-duplication absorbs the rest),
//   with its full write-backs.
// Each worker count gets its own three shops (same seeds, so the same sizes)
// in one database and queue prefix; the web side (install, webhook route) and
// the simulator run in this process (test/support/harness.ts), the workers as
// real processes (test/support/procs.ts startWorker).
//
// Printed per worker count: orders imported/s (the backfill's orders over
// install → sync completed), webhook events applied/s (over the first receipt
// → last processed) and the p95 delay receipt → processed, the recompute's
// seconds (its first run), the number of runs, and the "no job ran twice in
// effect" checks (test/support/scaleout-checks.ts: overlapping per-shop runs,
// transition chains, redundant tag writes; orders and webhook events stored
// exactly once against the simulator's own counts).
//
// The machine has 2 cores: 4 processes cannot beat 2. The targets are
// correctness and "does not get slower": each throughput with more workers at
// least 0.8× the throughput with the previous count.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { machineLoad, otherLoad } from "./support/machine";
import { printTargets, type Target } from "./support/targets";
import { arg, clearQueuePrefix, log, prepareDatabase, runMain, startWorker, type Child } from "../test/support/procs";
import { effectChecks, ranTwiceInEffect, type EffectChecks } from "../test/support/scaleout-checks";
import { eventually, sleep } from "../test/support/timing";
import type { Harness } from "../test/support/harness";

const WORKER_COUNTS = (arg("workers") ?? "1,2,4").split(",").map(Number);
const BACKFILL_CUSTOMERS = Number(arg("backfill-customers") ?? 3000);
const RECOMPUTE_CUSTOMERS = Number(arg("recompute-customers") ?? 5000);
const RATE = Number(arg("rate") ?? 20);
const SECONDS = Number(arg("seconds") ?? 30);
const CONCURRENCY = arg("concurrency") ?? "4";
const STEP_MS = 15 * 60_000;
const DB_NAME = "rfm_bench_scaleout";
const PREFIX = `bench-scaleout-${randomUUID().slice(0, 8)}`;

interface Phase {
  workers: number;
  ordersImported: number;
  backfillSeconds: number;
  webhooksApplied: number;
  webhookSeconds: number;
  webhookP95Ms: number;
  recomputeSeconds: number;
  checks: EffectChecks;
  /** Orders in the database but not in the simulator, or the reverse; webhook deliveries not stored once as processed. */
  ordersMismatched: number;
  webhooksNotApplied: number;
  wallSeconds: number;
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<number> {
  for (const n of WORKER_COUNTS) if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: a comma-separated list of positive integers, got ${arg("workers")}`);
  for (const [name, v] of [["backfill-customers", BACKFILL_CUSTOMERS], ["recompute-customers", RECOMPUTE_CUSTOMERS], ["rate", RATE], ["seconds", SECONDS]] as const) {
    if (!(v > 0)) throw new Error(`--${name} must be positive`);
  }
  log(`scale-out: workers ${WORKER_COUNTS.join(", ")}; backfill ${fmt(BACKFILL_CUSTOMERS)} customers, webhooks ${RATE}/s for ${SECONDS} s, recompute ${fmt(RECOMPUTE_CUSTOMERS)} customers; load ${machineLoad()}`);
  process.env.NODE_ENV = "test";
  process.env.QUEUE_PREFIX = PREFIX;
  process.env.DATABASE_URL = await prepareDatabase(DB_NAME, { fresh: true });
  await clearQueuePrefix(PREFIX);
  const { startHarness } = await import("../test/support/harness");
  const h: Harness = await startHarness({ retry: true, timeFactor: 0.01 }, { bulkRunMs: 300 });
  h.sim.ctx.hooks!.setRateLimit("*", { restoreRate: 5000, maximumAvailable: 50_000 });
  const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  const { placeOrder, emitAll } = await import("../test/simulator/store-events");
  const q = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
  const shopSynced = async (domain: string) => {
    const [s] = await q<{ syncStatus: string; syncError: string | null }>(`select "syncStatus", "syncError" from "Shop" where domain = $1`, [domain]);
    if (s?.syncStatus === "failed") throw new Error(`backfill of ${domain} failed: ${s.syncError}`);
    return s?.syncStatus === "completed";
  };
  const writeBackDone = async (domain: string) => (await q(`select 1 from "JobRun" where "shopDomain" = $1 and name = 'write-back' and status = 'completed' limit 1`, [domain])).length > 0;
  const settled = async (workers: Child[]) => {
    let quiet = 0;
    await eventually(
      async () => {
        let busy = false;
        for (const name of Object.values(h.app.queue.QUEUES)) {
          const jobs = await h.app.queue.getQueue(name).getJobs(["waiting", "delayed", "active", "prioritized"]);
          busy ||= jobs.some((j) => !j.repeatJobKey && !String(j.id).startsWith("repeat:"));
        }
        const [{ n }] = await q<{ n: number }>(`select (select count(*) from "WebhookEvent" where status = 'pending') + (select count(*) from "JobRun" where status = 'running') as n`);
        busy ||= Number(n) > 0;
        quiet = busy ? 0 : quiet + 1;
        return quiet >= 3;
      },
      { timeoutMs: STEP_MS, intervalMs: 500, timeoutMessage: () => `the workers did not settle:\n${workers.map((w) => w.tail()).join("\n---\n")}` },
    );
  };

  const phases: Phase[] = [];
  for (const count of WORKER_COUNTS) {
    const domains = { backfill: `so-backfill-${count}.myshopify.com`, webhooks: `so-webhooks-${count}.myshopify.com`, recompute: `so-recompute-${count}.myshopify.com` };
    const workers: Child[] = [];
    for (let i = 0; i < count; i++) workers.push(await startWorker({ ...(process.env as Record<string, string>), WORKER_CONCURRENCY: CONCURRENCY, LOG_LEVEL: "info" }));
    // Preparation (not measured): the webhook and recompute shops installed, synced, scored, written back.
    h.addStore({ domain: domains.webhooks, seed: 7001, customers: 400, years: 2 });
    h.addStore({ domain: domains.recompute, seed: 7002, customers: RECOMPUTE_CUSTOMERS, years: 2 });
    await h.install(domains.webhooks);
    await h.install(domains.recompute);
    await eventually(async () => (await shopSynced(domains.webhooks)) && (await shopSynced(domains.recompute)) && (await writeBackDone(domains.webhooks)) && (await writeBackDone(domains.recompute)), {
      timeoutMs: STEP_MS,
      intervalMs: 500,
      label: "the preparation",
    });
    await settled(workers);
    log(`${count} worker process(es): prepared; measuring (load ${machineLoad()})`);

    // The measured window: backfill + webhooks + recompute at once.
    const t0 = Date.now();
    const since = new Date(t0 - 1000);
    h.addStore({ domain: domains.backfill, seed: 7003, customers: BACKFILL_CUSTOMERS, years: 2 });
    await h.install(domains.backfill);
    const backfillDone = eventually(() => shopSynced(domains.backfill), { timeoutMs: STEP_MS, intervalMs: 250, label: "the backfill" }).then(() => (Date.now() - t0) / 1000);
    const webhookShop = h.sim.ctx.shops.get(domains.webhooks)!;
    const customerIds = [...webhookShop.customers.keys()];
    let placed = 0;
    let nextRecompute = 0;
    while (Date.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
      for (; placed < due; placed++) {
        const order = placeOrder(h.sim.ctx, webhookShop, { customer: customerIds[placed % customerIds.length], amountMinor: 2000 + (placed % 13) * 350, seed: `so-${count}-${placed}`, lineItems: 1 });
        emitAll(h.sim.ctx, webhookShop, order.webhooks);
      }
      if (Date.now() - t0 >= nextRecompute) {
        await h.app.queue.enqueue("recompute-shop", { shop: domains.recompute, reason: "bench scale-out" });
        nextRecompute += 5000;
      }
      await sleep(50);
    }
    await h.emitter.flush();
    const backfillSeconds = await backfillDone;
    await settled(workers);
    const wallSeconds = (Date.now() - t0) / 1000;

    const [{ orders: ordersImported }] = await q<{ orders: number }>(`select count(*)::int as orders from "Order" o join "Shop" s on s.id = o."shopId" where s.domain = $1`, [domains.backfill]);
    const events = await q<{ receivedAt: Date; processedAt: Date | null; status: string }>(
      `select "receivedAt", "processedAt", status from "WebhookEvent" where "shopDomain" = $1 and "receivedAt" >= $2`,
      [domains.webhooks, since],
    );
    const applied = events.filter((e) => e.status === "processed" && e.processedAt);
    const firstReceived = Math.min(...applied.map((e) => e.receivedAt.getTime()));
    const lastProcessed = Math.max(...applied.map((e) => e.processedAt!.getTime()));
    const delays = applied.map((e) => e.processedAt!.getTime() - e.receivedAt.getTime()).sort((a, b) => a - b);
    const [recompute] = await q<{ seconds: number }>(
      `select extract(epoch from "finishedAt" - "startedAt")::float8 as seconds from "JobRun" where "shopDomain" = $1 and name = 'recompute-shop' and status = 'completed' and "startedAt" >= $2 order by "startedAt" limit 1`,
      [domains.recompute, since],
    );
    // Independent counts: the simulator's orders of each shop, the distinct webhook ids it delivered.
    let ordersMismatched = 0;
    for (const domain of Object.values(domains)) {
      const [{ n }] = await q<{ n: number }>(`select count(*)::int as n from "Order" o join "Shop" s on s.id = o."shopId" where s.domain = $1`, [domain]);
      ordersMismatched += Math.abs(n - h.sim.ctx.shops.get(domain)!.orders.size);
    }
    const delivered = new Set(h.emitter.emitted.filter((w) => w.shop === domains.webhooks && w.outcome === "delivered").map((w) => w.webhookId));
    const finished = await q<{ webhookId: string }>(`select "webhookId" from "WebhookEvent" where "shopDomain" = $1 and status in ('processed', 'skipped')`, [domains.webhooks]);
    const finishedIds = new Set(finished.map((r) => r.webhookId));
    const webhooksNotApplied = [...delivered].filter((id) => !finishedIds.has(id)).length;
    const checks = await effectChecks(db, Object.values(domains), h.sim.ctx.customerWrites);
    const phase: Phase = {
      workers: count,
      ordersImported,
      backfillSeconds,
      webhooksApplied: applied.length,
      webhookSeconds: (lastProcessed - firstReceived) / 1000,
      webhookP95Ms: delays[Math.floor(0.95 * (delays.length - 1))] ?? NaN,
      recomputeSeconds: recompute?.seconds ?? NaN,
      checks,
      ordersMismatched,
      webhooksNotApplied,
      wallSeconds,
    };
    phases.push(phase);
    log(`${count} worker process(es): done in ${fmt(wallSeconds, 1)} s; ${JSON.stringify(checks)}`);
    for (const w of workers) await w.stop();
  }

  const others = otherLoad();
  console.log(`\nscale-out, ${WORKER_COUNTS.join("/")} worker processes (concurrency ${CONCURRENCY} per queue each), load ${machineLoad()}${others ? `\n  other busy processes:\n    ${others}` : ""}`);
  const cols = ["workers", "orders imported/s", "webhooks applied/s", "webhook p95 ms", "recompute s", "recompute runs", "full write-backs", "overlaps", "broken chains", "redundant tags", "orders ≠ sim", "webhooks not applied"];
  const rows = phases.map((p) => [
    String(p.workers),
    `${fmt(p.ordersImported / p.backfillSeconds)} (${fmt(p.ordersImported)} in ${fmt(p.backfillSeconds, 1)} s)`,
    `${fmt(p.webhooksApplied / p.webhookSeconds, 1)} (${fmt(p.webhooksApplied)})`,
    fmt(p.webhookP95Ms),
    fmt(p.recomputeSeconds, 2),
    String(p.checks.recomputeRuns),
    String(p.checks.fullWriteBackRuns),
    String(p.checks.overlappingRecomputes + p.checks.overlappingWriteBacks),
    String(p.checks.brokenTransitions),
    String(p.checks.redundantTagWrites),
    String(p.ordersMismatched),
    String(p.webhooksNotApplied),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join("  "));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
  console.log("(2 cores: more than 2 processes add no CPU; the point is that the work stays exclusive and does not slow down)\n");

  const targets: Target[] = [];
  for (const p of phases) {
    const twice = ranTwiceInEffect(p.checks) + p.ordersMismatched + p.webhooksNotApplied;
    targets.push({ what: `no job ran twice in effect, nothing lost (${p.workers} workers)`, met: twice === 0, measured: `${twice} findings: ${JSON.stringify({ ...p.checks, ordersMismatched: p.ordersMismatched, webhooksNotApplied: p.webhooksNotApplied })}` });
  }
  for (let i = 1; i < phases.length; i++) {
    const [a, b] = [phases[i - 1], phases[i]];
    const ratios = {
      orders: b.ordersImported / b.backfillSeconds / (a.ordersImported / a.backfillSeconds),
      webhooks: b.webhooksApplied / b.webhookSeconds / (a.webhooksApplied / a.webhookSeconds),
      recompute: a.recomputeSeconds / b.recomputeSeconds,
    };
    const worst = Math.min(...Object.values(ratios));
    targets.push({
      what: `${b.workers} workers not slower than ${a.workers} (each throughput ≥ 0.8×)`,
      met: worst >= 0.8,
      measured: Object.entries(ratios).map(([k, v]) => `${k} ${v.toFixed(2)}×`).join(", "),
    });
  }
  printTargets(targets);
  await h.close();
  await db.end();
  await clearQueuePrefix(PREFIX);
  return targets.every((t) => t.met) ? 0 : 1;
}

runMain(main);
