// Soak benchmark (npm run bench:soak): --minutes (10) of signed webhooks at
// --rate (200) per second into the built web process while full recomputes and
// write-backs run, one after the other, on a --customers (100,000) shop; all
// real processes (simulator, remix-serve, worker). docs/soak.md has the whole
// story; in short:
//
// 1. Preparation, reusable: a backfill of the generated shop (seed, as-of
//    pinned) into rfm_bench_soak_base_{customers} with scoring paused, so
//    that database is "installed and synced, never scored". --reuse skips it when that database
//    already holds this shop at this size. Every run then copies it
//    (CREATE DATABASE … TEMPLATE) into rfm_bench_soak, so each soak starts from
//    the same state and its first write-back writes every customer.
// 2. A new simulator generates the same shop again (same seed and as-of: the
//    same ids), the web process installs it (token exchange; the re-sync the
//    install enqueues is removed before the worker starts: the data is there),
//    Flow is turned on through the lifecycle callback, the worker starts.
// 3. Traffic: open loop (request i due at t0 + i/rate, ≤ --concurrency in
//    flight) of Shopify-shaped webhooks for the shop's own customers, made by
//    the simulator's store mutations on a local copy of the generated shop:
//    placeOrder (orders/create + customers/update), updateOrder
//    (orders/updated), refundOrder of a historical order (refunds/create +
//    orders/updated), and 2 % re-deliveries of an earlier webhook (same id and
//    body, as Shopify's at-least-once delivery does). Signed like the
//    simulator's emitter. The worker applies them: live rescores, per-customer
//    write-backs and Flow triggers.
// 4. Cycles: 5 s after the traffic starts a recompute-shop is enqueued; a cycle
//    ends when the full write-back it enqueues has completed; the next starts at
//    once, until the window closes (the one running then is waited for).
// 5. Drain: after the traffic, wait until none of the soak's events is pending.
//
// Lost: a webhook id that got a 2xx answer and is not, after draining, a
// WebhookEvent row with status 'processed' or 'skipped' (the app's recorded
// safe skip, e.g. a customers/update that carries nothing it uses); pending,
// failed or missing all count. Target 0.
// Flat: memory is compared after the same phase, the end of a recompute +
// write-back cycle under traffic, so a heap that a recompute grew and V8 keeps
// is not mistaken for a leak: RSS at the end of the last cycle completed inside
// the window ≤ RSS at the end of the first cycle × 1.2 + 50 MB, for the web and
// the worker each. With fewer than two cycles in the window it is not judged
// (MISSED). Peaks (VmHWM) are printed beside.
//
// Flags: --minutes 10 --rate 200 --customers 100000 --concurrency 64 --drain-minutes 20 --reuse
import { createHmac } from "node:crypto";
import pg from "pg";
import { generateStore } from "../test/simulator/generator";
import type { SimShop } from "../test/simulator/model";
import { placeOrder, refundOrder, updateOrder, type EventsContext } from "../test/simulator/store-events";
import { refundedShopMinor } from "../test/simulator/webhook-payloads";
import {
  API_SECRET,
  arg,
  clearQueuePrefix,
  databaseUrlFor,
  dbClient,
  ensureBuild,
  installApp,
  log,
  prepareDatabase,
  runMain,
  simJson,
  startSimulatorForApp,
  startWeb,
  startWorker,
  stopAll,
  type Child,
} from "../test/support/procs";
import { createRng } from "../test/support/random";
import { percentile } from "../test/support/stats";
import { eventually, sleep } from "../test/support/timing";
import { queueHandle, runIngest } from "./support/ingest";
import { cpuSeconds, machineLoad, otherLoad, rssMb, trackPeak } from "./support/machine";
import { printTargets } from "./support/targets";
import { openLoop, webhookSender, type Answer } from "./support/webhook-load";

const MINUTES = Number(arg("minutes") ?? 10);
const RATE = Number(arg("rate") ?? 200);
const CUSTOMERS = Number(arg("customers") ?? 100_000);
const CONCURRENCY = Number(arg("concurrency") ?? 64);
const REUSE = process.argv.includes("--reuse");
const SHOP = "bench-soak.myshopify.com";
const SEED = 12;
/** One prepared database per size, so a short try does not replace the 100,000-customer one. */
const BASE_DB = `rfm_bench_soak_base_${CUSTOMERS}`;
const DB = "rfm_bench_soak";
const PREFIX = `bench-soak-${process.pid}`;
const IDS = `soak-${process.pid}`;
const DUPLICATE_SHARE = 0.02;
const FIRST_CYCLE_AFTER_MS = 5_000;
const CYCLE_TIMEOUT_MS = 15 * 60_000;
/** The drain gives up when the soak's pending events stop going down for this long, or after --drain-minutes. */
const DRAIN_STALL_MS = 3 * 60_000;
const DRAIN_MAX_MS = Number(arg("drain-minutes") ?? 20) * 60_000;
const P99_TARGET_MS = 100;

// ------------------------------------------------------------ preparation ----

interface Base {
  asOf: string;
  orders: number;
}

/** The prepared database's marker row, when it holds this shop at this size. */
async function preparedBase(): Promise<Base | null> {
  const c = new pg.Client({ connectionString: databaseUrlFor(BASE_DB) });
  try {
    await c.connect();
    const r = await c.query(`select as_of, sim_orders from bench_soak_base where seed = $1 and customers = $2 and shop = $3`, [SEED, CUSTOMERS, SHOP]);
    return r.rows[0] ? { asOf: (r.rows[0].as_of as Date).toISOString(), orders: r.rows[0].sim_orders } : null;
  } catch {
    return null; // no such database or no marker: prepare it
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function prepareBase(): Promise<Base & { note: string }> {
  const asOf = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const prefix = `${PREFIX}-prep`;
  const res = await runIngest({ database: BASE_DB, queuePrefix: prefix, shop: SHOP, customers: CUSTOMERS, params: {}, seed: SEED, asOf, pauseScoring: true, timeoutMs: 30 * 60_000 });
  // Written last: a preparation cut short leaves no marker and is redone.
  await res.db.query(`create table bench_soak_base (shop text, seed int, customers int, as_of timestamptz, sim_orders int)`);
  await res.db.query(`insert into bench_soak_base values ($1, $2, $3, $4, $5)`, [SHOP, SEED, CUSTOMERS, asOf, res.simOrders]);
  await res.db.end();
  await stopAll();
  await clearQueuePrefix(prefix);
  const note = `prepared ${BASE_DB}: ${res.customers.toLocaleString()} customers, ${res.orders.toLocaleString()} orders backfilled in ${res.seconds.toFixed(1)} s (generation ${res.generateSeconds.toFixed(1)} s)`;
  return { asOf, orders: res.simOrders, note };
}

/** rfm_bench_soak as a fresh copy of the prepared database, migrated to the current schema. */
async function copyBase(): Promise<string> {
  const admin = new pg.Client({ connectionString: databaseUrlFor("postgres") });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${DB}" with (force)`);
    await admin.query(`create database "${DB}" template "${BASE_DB}" strategy file_copy`);
  } finally {
    await admin.end();
  }
  return prepareDatabase(DB, { fresh: false });
}

// ---------------------------------------------------------------- traffic ----

interface Webhook {
  topic: string;
  body: string;
  webhookId: string;
}

/**
 * Webhooks as Shopify sends them when the shop's customers buy, orders change
 * and refunds happen: the simulator's own mutations on a local copy of the shop
 * return the payloads. A share of sends re-delivers an earlier webhook.
 */
function trafficFor(shop: SimShop) {
  const rng = createRng(`soak|${SHOP}`);
  const ctx: EventsContext = { now: () => new Date() };
  const customers = [...shop.customers.values()].filter((c) => !c.deleted).map((c) => c.id);
  const historical = [...shop.orders.values()].filter((o) => o.customerId !== null && !o.test && !o.cancelledAt).map((o) => o.id);
  const created: number[] = [];
  const queue: Webhook[] = [];
  const recent: Webhook[] = [];
  const byTopic = new Map<string, number>();
  let n = 0;
  let duplicates = 0;
  const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];

  function refund() {
    for (let tries = 0; tries < 5; tries++) {
      const order = shop.orders.get(pick(historical))!;
      const remaining = order.totalShopMinor - refundedShopMinor(order);
      if (remaining >= 200) return refundOrder(ctx, shop, order.id, { amountMinor: Math.floor(remaining / 4) }).webhooks;
    }
    return updateOrder(ctx, shop, pick(historical)).webhooks;
  }

  function refill() {
    const x = rng();
    let hooks;
    if (x < 0.5) {
      const placed = placeOrder(ctx, shop, { customer: pick(customers) });
      created.push(placed.order.id);
      hooks = placed.webhooks;
    } else if (x < 0.8) {
      hooks = updateOrder(ctx, shop, created.length && rng() < 0.7 ? pick(created) : pick(historical)).webhooks;
    } else {
      hooks = refund();
    }
    for (const w of hooks) queue.push({ topic: w.topic, body: JSON.stringify(w.payload), webhookId: `${IDS}-${n++}` });
  }

  return {
    next(): Webhook {
      if (recent.length && rng() < DUPLICATE_SHARE) {
        duplicates++;
        return pick(recent);
      }
      if (!queue.length) refill();
      const w = queue.shift()!;
      byTopic.set(w.topic, (byTopic.get(w.topic) ?? 0) + 1);
      recent.push(w);
      if (recent.length > 1000) recent.shift();
      return w;
    },
    stats: () => ({ distinct: n - queue.length, duplicates, byTopic, ordersCreated: created.length }),
  };
}

// ----------------------------------------------------------------- cycles ----

interface Cycle {
  recomputeSeconds: number;
  writeBackSeconds: number;
  customersWritten: number;
  status: "completed" | "recompute failed" | "write-back timed out";
  endedAt: number;
  web: number | null;
  worker: number | null;
}

runMain(async () => {
  const began = Date.now();
  const loadBefore = machineLoad();
  const others = otherLoad();
  ensureBuild();

  // ---- 1. the prepared database and this run's copy ----
  let base: Base | null = REUSE ? await preparedBase() : null;
  let dataNote: string;
  if (base) {
    dataNote = `reused ${BASE_DB} (prepared for as-of ${base.asOf})`;
  } else {
    const prepared = await prepareBase();
    base = prepared;
    dataNote = prepared.note;
  }
  log(dataNote);
  const databaseUrl = await copyBase();
  const db = dbClient(databaseUrl);
  const q1 = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0];
  const soakPending = async () => Number((await q1(`select count(*) from "WebhookEvent" where "webhookId" like $1 and status = 'pending'`, [`${IDS}-%`])).count);
  // The copy's session holds a token of the preparation's simulator: the install below exchanges a new one.
  await db.query(`delete from "Session" where shop = $1`, [SHOP]);
  const shopId: string = (await q1(`select id from "Shop" where domain = $1`, [SHOP])).id;
  log(`copied ${BASE_DB} → ${DB} (${((Date.now() - began) / 1000).toFixed(0)} s so far)`);

  // ---- 2. processes ----
  const { appPort, appUrl, simUrl, env } = await startSimulatorForApp({ databaseUrl, queuePrefix: PREFIX, simMaxOldSpaceMb: 8192 });
  const generate = { seed: SEED, customers: CUSTOMERS, years: 2, params: {}, asOf: base.asOf };
  const summary = await simJson(simUrl, "POST", "/_sim/shops", { domain: SHOP, plan: "plus", generate });
  const local = generateStore({ domain: SHOP, plan: "plus", ...generate }).shop;
  if (summary.orders !== base.orders || local.orders.size !== base.orders) {
    throw new Error(`the shop generated again differs from the prepared one: ${summary.orders} / ${local.orders.size} orders, prepared ${base.orders}`);
  }
  const web = await startWeb(env, appPort);
  await installApp({ simUrl, appUrl, shop: SHOP });
  const removed = await removeQueuedJobs("sync", "initial-sync");
  await enableFlow(appUrl);
  const flowOn = (await q1(`select "flowTriggerEnabled" from "ShopSettings" where "shopId" = $1`, [shopId]))?.flowTriggerEnabled;
  if (!flowOn) throw new Error("the Flow lifecycle callback did not enable the trigger");
  const worker = await startWorker(env);
  const webPeak = trackPeak(web.pid);
  const workerPeak = trackPeak(worker.pid);
  log(`simulator ${simUrl}, web pid ${web.pid}, worker pid ${worker.pid}; installed (re-sync removed: ${removed}), Flow on`);

  // ---- 3. traffic, 4. cycles ----
  const scoring = await queueHandle(PREFIX, "scoring");
  const traffic = trafficFor(local);
  const sender = webhookSender({ appUrl, concurrency: CONCURRENCY });
  const okIds = new Set<string>();
  const recentMs: number[] = [];
  let answered = 0;
  let notOk = 0;
  const total = Math.round(RATE * MINUTES * 60);
  const firstRunId = BigInt((await q1(`select coalesce(max(id), 0) as m from "JobRun"`)).m);
  const cpuAtStart = { web: cpuSeconds(web.pid) ?? NaN, worker: cpuSeconds(worker.pid) ?? NaN };
  const t0 = Date.now();
  const windowEnd = t0 + MINUTES * 60_000;
  const inWindow = () => Date.now() < windowEnd;
  const cycles: Cycle[] = [];
  let cyclePhase = "waiting";
  let backlogMax = 0;
  let cold: { web: number | null; worker: number | null } = { web: null, worker: null };

  const sample = () => ({ web: rssMb(web.pid), worker: rssMb(worker.pid) });
  const mb = (v: number | null | undefined) => (v === null || v === undefined ? "?" : v.toFixed(0));

  const loop = openLoop({
    rate: RATE,
    total,
    concurrency: CONCURRENCY,
    // The window is time: a client that falls behind the schedule sends fewer, and says so (achieved rate).
    stop: () => !inWindow(),
    request: (): Promise<Answer> => {
      const w = traffic.next();
      return sender.send(SHOP, w.topic, w.body, w.webhookId).then((a) => {
        answered++;
        if (a.status !== null && a.status >= 200 && a.status < 300) okIds.add(w.webhookId);
        else notOk++;
        recentMs.push(a.ms);
        return a;
      });
    },
  });

  async function waitRun(sql: string, params: unknown[], what: string, child: Child) {
    return eventually(
      async () => {
        if (!child.isAlive()) throw new Error(`worker died during the ${what}:\n${child.tail()}`);
        return (await db.query(sql, params)).rows[0] ?? null;
      },
      { timeoutMs: CYCLE_TIMEOUT_MS, intervalMs: 500, timeoutMessage: `${what} did not finish in ${CYCLE_TIMEOUT_MS / 60_000} minutes` },
    ).catch((error: Error) => {
      if (/did not finish/.test(error.message)) return null;
      throw error;
    });
  }

  async function runCycle(n: number): Promise<Cycle> {
    const before = BigInt((await q1(`select coalesce(max(id), 0) as m from "JobRun"`)).m);
    cyclePhase = `recompute ${n}`;
    // The app's own de-duplication id (app/queue.server.ts): one the app enqueued itself (a reconciliation) and this one never run at once.
    await scoring.queue.add("recompute-shop", { shop: SHOP, reason: "soak" }, { deduplication: { id: `recompute-shop-${SHOP}`, keepLastIfActive: true }, attempts: 1 });
    const rec = await waitRun(
      `select id, status, "startedAt", "finishedAt" from "JobRun" where "shopDomain" = $1 and name = 'recompute-shop' and id > $2 and status <> 'running' order by id limit 1`,
      [SHOP, before],
      "recompute",
      worker,
    );
    const endSample = () => ({ endedAt: Date.now(), ...sample() });
    if (!rec || rec.status !== "completed") return { recomputeSeconds: NaN, writeBackSeconds: NaN, customersWritten: 0, status: "recompute failed", ...endSample() };
    cyclePhase = `write-back ${n}`;
    // The full write-back (stats carry its native segments; a live one's do not) the recompute enqueued.
    const wb = await waitRun(
      `select "startedAt", "finishedAt", stats from "JobRun" where "shopDomain" = $1 and name = 'write-back' and id > $2 and status = 'completed' and stats->'segments' is not null order by id limit 1`,
      [SHOP, rec.id],
      "write-back",
      worker,
    );
    const recomputeSeconds = (rec.finishedAt.getTime() - rec.startedAt.getTime()) / 1000;
    if (!wb) return { recomputeSeconds, writeBackSeconds: NaN, customersWritten: 0, status: "write-back timed out", ...endSample() };
    return {
      recomputeSeconds,
      writeBackSeconds: (wb.finishedAt.getTime() - wb.startedAt.getTime()) / 1000,
      customersWritten: Number(wb.stats?.customersWritten ?? 0),
      status: "completed",
      ...endSample(),
    };
  }

  const cycling = (async () => {
    await sleep(FIRST_CYCLE_AFTER_MS);
    cold = sample();
    for (let n = 1; inWindow(); n++) {
      const c = await runCycle(n);
      cycles.push(c);
      log(`  cycle ${n} ${c.status}: recompute ${c.recomputeSeconds.toFixed(1)} s, write-back ${c.writeBackSeconds.toFixed(1)} s (${c.customersWritten.toLocaleString()} customers written); web ${mb(c.web)} MB, worker ${mb(c.worker)} MB`);
    }
    cyclePhase = "done";
  })();

  const progress = setInterval(() => {
    void (async () => {
      const ms = recentMs.splice(0).sort((a, b) => a - b);
      const pending = await q1(`select count(*) filter (where "webhookId" like $1)::int as soak, count(*)::int as "all" from "WebhookEvent" where status = 'pending'`, [`${IDS}-%`]);
      const s = sample();
      backlogMax = Math.max(backlogMax, pending.soak);
      log(
        `${((Date.now() - t0) / 1000).toFixed(0)} s: ${answered.toLocaleString()} answered (${notOk} not 2xx), last 30 s p99 ${percentile(ms, 99).toFixed(1)} ms; ` +
          `web ${mb(s.web)} MB, worker ${mb(s.worker)} MB; ${cycles.length} cycles, now ${cyclePhase}; events pending: ${pending.soak.toLocaleString()} of the soak, ${pending.all.toLocaleString()} in all`,
      );
    })().catch(() => undefined);
  }, 30_000);

  log(`traffic: ${RATE}/s for ${MINUTES} min (${total.toLocaleString()} webhooks), ≤ ${CONCURRENCY} in flight; recompute + write-back cycles from ${FIRST_CYCLE_AFTER_MS / 1000} s`);
  const result = await loop;
  const trafficSeconds = (Date.now() - t0) / 1000;
  const atTrafficEnd = sample();
  const backlogAtEnd = await soakPending();
  log(`traffic done after ${trafficSeconds.toFixed(0)} s; waiting for the running cycle`);
  await cycling;

  // ---- 5. drain ----
  const drainStart = Date.now();
  let pendingLeft = await soakPending();
  let fewest = pendingLeft;
  let fewestAt = Date.now();
  let loggedAt = Date.now();
  while (pendingLeft > 0) {
    if (pendingLeft < fewest) {
      fewest = pendingLeft;
      fewestAt = Date.now();
    }
    if (Date.now() - fewestAt > DRAIN_STALL_MS || Date.now() - drainStart > DRAIN_MAX_MS) {
      log(`drain given up: ${pendingLeft} events still pending (they count as lost)`);
      break;
    }
    if (Date.now() - loggedAt >= 10_000) {
      loggedAt = Date.now();
      log(`  draining: ${pendingLeft.toLocaleString()} soak events pending`);
    }
    await sleep(1000);
    pendingLeft = await soakPending();
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  clearInterval(progress);
  const drained = sample();
  const cpuUsed = { web: (cpuSeconds(web.pid) ?? NaN) - cpuAtStart.web, worker: (cpuSeconds(worker.pid) ?? NaN) - cpuAtStart.worker };

  const ids = [...okIds];
  const applied = Number((await q1(`select count(*) from "WebhookEvent" where "webhookId" = any($1::text[]) and status in ('processed', 'skipped')`, [ids])).count);
  const statuses = (await db.query(`select status, count(*)::int as n from "WebhookEvent" where "webhookId" like $1 group by status order by status`, [`${IDS}-%`])).rows;
  // Webhooks the soak did not send: the simulator announcing the app's own tag writes (customer.tags_added/removed), as Shopify does.
  const echoes = (
    await db.query(`select topic, count(*)::int as n, count(*) filter (where status = 'pending')::int as pending from "WebhookEvent" where "webhookId" not like $1 and "receivedAt" >= $2 group by topic order by topic`, [`${IDS}-%`, new Date(t0)])
  ).rows as { topic: string; n: number; pending: number }[];
  const processedSince = Number((await q1(`select count(*) from "WebhookEvent" where status in ('processed', 'skipped') and "processedAt" >= $1`, [new Date(t0)])).count);
  const runs = (
    await db.query(
      `select name, status, (stats->'segments' is not null) as full, count(*)::int as n from "JobRun" where "shopDomain" = $1 and id > $2 group by 1, 2, 3 order by 1, 2, 3`,
      [SHOP, firstRunId],
    )
  ).rows as { name: string; status: string; full: boolean; n: number }[];
  const runCount = (name: string, status: string, full?: boolean) => runs.filter((r) => r.name === name && r.status === status && (full === undefined || r.full === full)).reduce((a, r) => a + r.n, 0);
  const transitions = (await q1(`select count(*)::int as n, count(*) filter (where "flowStatus" = 'sent')::int as sent from "SegmentTransition" where "shopId" = $1 and at >= $2`, [shopId, new Date(t0)]));
  const flowTriggers = (await simJson<unknown[]>(simUrl, "GET", `/_sim/flow-triggers?shop=${SHOP}`)).length;
  const webPeakMb = webPeak.stop();
  const workerPeakMb = workerPeak.stop();
  const loadAfter = machineLoad();
  sender.close();
  await scoring.close();
  await db.end();
  await stopAll();
  await clearQueuePrefix(PREFIX);

  // ---- figures ----
  const t = traffic.stats();
  const lost = okIds.size - applied;
  const done = cycles.filter((c) => c.status === "completed");
  const inside = done.filter((c) => c.endedAt <= windowEnd);
  const first = inside[0];
  const last = inside.length >= 2 ? inside[inside.length - 1] : undefined;
  const flat = (a: number | null | undefined, b: number | null | undefined) => a != null && b != null && b <= a * 1.2 + 50;
  const columns = ["traffic start", "after 1st cycle", "after last cycle", "traffic end", "drained", "peak"];
  const row = (name: string, values: string[]) => `${name.padEnd(16)}${values.map((v, i) => v.padStart(columns[i].length + 2)).join("")}`;
  const rssRow = (k: "web" | "worker", peak: number) => row(k, [cold[k], first?.[k], last?.[k], atTrafficEnd[k], drained[k], peak].map(mb));
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  console.log("\n=== bench:soak ===");
  console.log(`data:        ${dataNote}; run on the copy ${DB}`);
  console.log(`traffic:     ${RATE}/s for ${MINUTES} min, open loop, ≤ ${CONCURRENCY} in flight; achieved ${result.achieved.toFixed(1)}/s over ${trafficSeconds.toFixed(0)} s; requests started up to ${(result.maxLagMs / 1000).toFixed(1)} s after their due time`);
  console.log(`             ${[...t.byTopic].map(([k, v]) => `${k} ${v.toLocaleString()}`).join(", ")}; ${t.duplicates.toLocaleString()} re-deliveries; ${t.ordersCreated.toLocaleString()} new orders`);
  console.log(`sent:        ${result.sent.toLocaleString()} requests of ${total.toLocaleString()} due in the window (${t.distinct.toLocaleString()} distinct webhooks + ${t.duplicates.toLocaleString()} re-deliveries)`);
  console.log(`2xx:         ${result.ok.toLocaleString()}; non-2xx ${result.non2xx}, errors/timeouts ${result.errors}`);
  console.log(`answer time: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
  console.log(`events:      ${okIds.size.toLocaleString()} distinct webhooks answered 2xx, ${applied.toLocaleString()} applied (status processed, or skipped: a recorded safe skip) after draining ${drainSeconds.toFixed(0)} s; lost ${lost}`);
  console.log(`             WebhookEvent rows of the soak by status: ${statuses.map((s) => `${s.status} ${s.n.toLocaleString()}`).join(", ")}`);
  console.log(`backlog:     ${backlogAtEnd.toLocaleString()} of the soak's events pending when the traffic ended (most seen in the 30 s samples: ${Math.max(backlogMax, backlogAtEnd).toLocaleString()})`);
  console.log(`other webhooks: ${echoes.map((e) => `${e.topic} ${e.n.toLocaleString()} (${e.pending.toLocaleString()} still pending)`).join(", ") || "none"} (sent by the simulator, mostly announcing the app's own tag writes)`);
  console.log(`cycles:      ${done.length} recompute + write-back completed (${inside.length} inside the window), ${cycles.length - done.length} failed or timed out; recompute avg ${avg(done.map((c) => c.recomputeSeconds)).toFixed(1)} s, full write-back avg ${avg(done.map((c) => c.writeBackSeconds)).toFixed(1)} s; customers written per cycle ${done.map((c) => c.customersWritten).join(", ")}`);
  console.log(`jobs:        recompute-shop ${runCount("recompute-shop", "completed")} completed / ${runCount("recompute-shop", "failed")} failed; write-back full ${runCount("write-back", "completed", true)}, live ${runCount("write-back", "completed", false)} completed, ${runCount("write-back", "failed")} failed attempts`);
  console.log(`             ${transitions.n.toLocaleString()} segment transitions since the traffic started (${transitions.sent.toLocaleString()} Flow sent); ${flowTriggers.toLocaleString()} Flow triggers received by the simulator`);
  const echoed = echoes.reduce((a, e) => a + e.n, 0);
  console.log(
    `CPU:         web ${cpuUsed.web.toFixed(0)} s, worker ${cpuUsed.worker.toFixed(0)} s from the traffic's start to the drain's end; ` +
      `web ${((cpuUsed.web * 1000) / (result.sent + echoed)).toFixed(1)} ms per webhook received (${(result.sent + echoed).toLocaleString()}, the simulator's included), ` +
      `worker ${((cpuUsed.worker * 1000) / processedSince).toFixed(1)} ms per event applied (${processedSince.toLocaleString()}; recomputes, write-backs and Flow included)`,
  );
  console.log(row("memory (RSS MB)", columns));
  console.log(rssRow("web", webPeakMb));
  console.log(rssRow("worker", workerPeakMb));
  console.log(`flat:         after the last cycle in the window ≤ after the first × 1.2 + 50 MB (both at the end of a recompute + write-back under traffic)`);
  console.log(`machine load avg: before ${loadBefore}, after ${loadAfter} (2 cores; simulator, web, worker, client, PostgreSQL and Redis share them)`);
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  console.log(`wall time:   ${((Date.now() - began) / 60_000).toFixed(1)} min in all`);
  const flatNote = (k: "web" | "worker") => (last ? `${mb(first?.[k])} → ${mb(last[k])} MB` : `${inside.length} cycle(s) in the window, need 2`);
  printTargets([
    { what: "0 non-2xx or failed requests", met: result.non2xx + result.errors === 0, measured: `${result.non2xx} non-2xx, ${result.errors} errors` },
    { what: "0 events lost", met: lost === 0, measured: `${lost} of ${okIds.size}` },
    { what: `p99 answer ≤ ${P99_TARGET_MS} ms`, met: result.p99 <= P99_TARGET_MS, measured: `${result.p99.toFixed(1)} ms` },
    { what: "offered rate held (achieved ≥ 95 % of --rate)", met: result.achieved >= 0.95 * RATE, measured: `${result.achieved.toFixed(1)}/s` },
    { what: "recompute + write-back cycles all completed (≥ 1)", met: done.length >= 1 && done.length === cycles.length, measured: `${done.length} of ${cycles.length}` },
    { what: "web RSS flat", met: !!last && flat(first?.web, last.web), measured: flatNote("web") },
    { what: "worker RSS flat", met: !!last && flat(first?.worker, last.worker), measured: flatNote("worker") },
  ]);
  return 0;
});

/** Removes waiting jobs of one name (the install's re-sync: this shop's data is already there). */
async function removeQueuedJobs(queueName: string, jobName: string): Promise<number> {
  const q = await queueHandle(PREFIX, queueName);
  let n = 0;
  try {
    for (const job of await q.queue.getJobs(["waiting", "delayed", "prioritized"])) {
      if (job?.name === jobName) {
        await job.remove();
        n++;
      }
    }
  } finally {
    await q.close();
  }
  return n;
}

/** What Flow does when the merchant turns on a workflow using the app's trigger. */
async function enableFlow(appUrl: string): Promise<void> {
  const body = JSON.stringify({ flow_trigger_definition_id: "rfm-segment-changed", has_enabled_flow: true, shop_id: 1, shopify_domain: SHOP, timestamp: new Date().toISOString() });
  const r = await fetch(`${appUrl}/flow/lifecycle`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-hmac-sha256": createHmac("sha256", API_SECRET).update(body).digest("base64") },
    body,
  });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`Flow lifecycle callback answered ${r.status}`);
}
