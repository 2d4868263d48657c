// `npm run demo`: the whole product on one machine, against the local Shopify
// simulator. Builds the web app if needed, uses its own database (rfm_demo,
// recreated each run) and queue prefix (demo-rfm), starts the simulator with a
// generated store, the web (remix-serve) and worker processes with
// SHOPIFY_SIMULATOR_URL set, installs the app as the embedded admin would,
// enables the Flow trigger through the app's lifecycle callback
// (/flow/lifecycle, signed like Flow does), waits for backfill, scoring and
// write-back, streams live orders, measures order → tags+metafields latency
// in the simulator and prints a summary.
//
// Flags: --customers N (5000)  --live-seconds S (60)  --live-rate R orders/s (5)
//        --keep-running (leave everything up until Ctrl-C)
// Env:   DEMO_CUSTOMERS, DEMO_LIVE_SECONDS, DEMO_LIVE_RATE, DEMO_APP_PORT, DEMO_SIM_PORT
import { createHmac } from "node:crypto";
import {
  arg,
  API_KEY,
  API_SECRET,
  clearQueuePrefix,
  dbClient,
  ensureBuild,
  freePort,
  installApp,
  log,
  prepareDatabase,
  runMain,
  simJson,
  startSimulatorForApp,
  startWeb,
  startWorker,
  stopAll,
} from "../test/support/procs";
import { percentile } from "../test/support/stats";
import { eventually, sleep } from "../test/support/timing";

const CUSTOMERS = Number(arg("customers") ?? process.env.DEMO_CUSTOMERS ?? 5000);
const LIVE_SECONDS = Number(arg("live-seconds") ?? process.env.DEMO_LIVE_SECONDS ?? 60);
const LIVE_RATE = Number(arg("live-rate") ?? process.env.DEMO_LIVE_RATE ?? 5);
const KEEP = process.argv.includes("--keep-running");
const SHOP = "demo-store.myshopify.com";
const PREFIX = "demo-rfm";
const DB = "rfm_demo";
const STEP_TIMEOUT_MS = Number(process.env.DEMO_STEP_TIMEOUT_MS ?? 10 * 60_000);

async function portOr(preferred: number): Promise<number> {
  const net = await import("node:net");
  const free = await new Promise<boolean>((res) => {
    const s = net.createServer();
    s.once("error", () => res(false));
    s.listen(preferred, "127.0.0.1", () => s.close(() => res(true)));
  });
  return free ? preferred : freePort();
}

/** One demo step: waits for `probe`, logging `progress` every 3 s. */
function until<T>(label: string, probe: () => Promise<T>, progress?: () => Promise<string>, timeoutMs = STEP_TIMEOUT_MS) {
  return eventually(probe, {
    timeoutMs,
    intervalMs: 250,
    timeoutMessage: `timed out after ${timeoutMs / 1000} s waiting for ${label}`,
    progressEveryMs: 3000,
    progress: progress && (async () => log(`  ${label}: ${await progress()}`)),
  });
}

runMain(async () => {
  const t0 = Date.now();
  ensureBuild();
  const databaseUrl = await prepareDatabase(DB, { fresh: true });
  const { appPort, appUrl, simUrl, env } = await startSimulatorForApp({
    databaseUrl,
    queuePrefix: PREFIX,
    appPort: await portOr(Number(process.env.DEMO_APP_PORT ?? 3000)),
    simPort: await portOr(Number(process.env.DEMO_SIM_PORT ?? 4000)),
  });
  log(`database ${DB} (fresh), queue prefix ${PREFIX}`);
  const summary = await simJson(simUrl, "POST", "/_sim/shops", { domain: SHOP, name: "Demo Store", plan: "advanced", generate: { seed: 1, customers: CUSTOMERS, years: 2, plantedTraits: true } });
  log(`simulator ${simUrl}: ${SHOP} with ${summary.customers.toLocaleString()} customers, ${summary.orders.toLocaleString()} orders over two years`);

  const web = await startWeb(env, appPort);
  const worker = await startWorker(env);
  log(`web ${appUrl} (pid ${web.pid}), worker pid ${worker.pid}`);

  const db = dbClient(databaseUrl);
  const q1 = async <T = any>(sql: string, params: unknown[] = []): Promise<T> => (await db.query(sql, params)).rows[0] as T;
  const qAll = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

  await installApp({ simUrl, appUrl, shop: SHOP });
  const shopRow = await until<{ id: string }>("shop row", () => q1(`select id from "Shop" where domain = $1`, [SHOP]));
  const session = await q1(`select count(*)::int as n from "Session" where shop = $1 and "isOnline" = false`, [SHOP]);
  log(`installed (token exchange done, offline session stored: ${session.n === 1})`);

  // What Flow does when the merchant turns on a workflow using our trigger.
  const body = JSON.stringify({ flow_trigger_definition_id: "rfm-segment-changed", has_enabled_flow: true, shop_id: summary.id ?? 1, shopify_domain: SHOP, timestamp: new Date().toISOString() });
  const lr = await fetch(`${appUrl}/flow/lifecycle`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-hmac-sha256": createHmac("sha256", API_SECRET).update(body).digest("base64") },
    body,
  });
  const flowOn = await q1(`select "flowTriggerEnabled" from "ShopSettings" where "shopId" = $1`, [shopRow.id]);
  log(`Flow lifecycle callback → HTTP ${lr.status}; ShopSettings.flowTriggerEnabled = ${flowOn?.flowTriggerEnabled}`);

  // ---- backfill ----
  const tSync = Date.now();
  const synced = await until(
    "backfill",
    async () => {
      const r = await q1(`select "syncStatus", "syncError" from "Shop" where id = $1`, [shopRow.id]);
      return r.syncStatus === "completed" || r.syncStatus === "failed" ? r : null;
    },
    async () => {
      const r = await q1(`select "syncStatus", "syncRowsDone", "syncRowsTotal" from "Shop" where id = $1`, [shopRow.id]);
      return `${r.syncStatus}, ${Number(r.syncRowsDone).toLocaleString()} / ${r.syncRowsTotal ? Number(r.syncRowsTotal).toLocaleString() : "?"} rows`;
    },
  );
  if (synced.syncStatus !== "completed") throw new Error(`backfill failed: ${synced.syncError}`);
  const counts = await q1(`select (select count(*) from "Order" where "shopId" = $1)::int as orders, (select count(*) from "Customer" where "shopId" = $1)::int as customers`, [shopRow.id]);
  log(`backfill done in ${((Date.now() - tSync) / 1000).toFixed(1)} s: ${counts.customers.toLocaleString()} customers, ${counts.orders.toLocaleString()} orders`);

  // ---- scoring ----
  const recompute = await until(
    "scoring",
    () => q1(`select * from "JobRun" where name = 'recompute-shop' and "shopDomain" = $1 and status <> 'running' order by id limit 1`, [SHOP]),
    async () => `${(await q1(`select count(*)::int as n from "CustomerScore" where "shopId" = $1`, [shopRow.id])).n} customers scored`,
  );
  if (recompute.status !== "completed") throw new Error(`recompute failed: ${recompute.error}`);
  const model = await q1(`select "modelKind" from "Shop" where id = $1`, [shopRow.id]);
  log(`scored in ${((recompute.finishedAt - recompute.startedAt) / 1000).toFixed(1)} s (model ${model.modelKind}): ${JSON.stringify(recompute.stats)}`);

  // ---- write-back ----
  const wb = await until(
    "write-back",
    () => q1(`select * from "JobRun" where name = 'write-back' and "shopDomain" = $1 and status <> 'running' and "startedAt" >= $2 and not coalesce((stats->>'delayed')::boolean, false) order by id limit 1`, [SHOP, recompute.finishedAt]),
    async () => {
      const w = await q1(`select count(*) filter (where "writtenAt" is not null)::int as n from "CustomerScore" where "shopId" = $1`, [shopRow.id]);
      return `${w.n} customers written`;
    },
  );
  log(`write-back ${wb.status} in ${((wb.finishedAt - wb.startedAt) / 1000).toFixed(1)} s: ${JSON.stringify(wb.stats)}`);
  log(`installed → written back in ${((Date.now() - tSync) / 1000).toFixed(1)} s`);
  // Shopify answers every tag change with a customers/update webhook: let that echo settle before going live.
  const tSettle = Date.now();
  await simJson(simUrl, "POST", "/_sim/webhooks/flush", { timeoutMs: 120_000 }).catch(() => undefined);
  await until(
    "write-back echo (customers/update webhooks) to be applied",
    async () => (await q1(`select count(*)::int as n from "WebhookEvent" where status = 'pending'`)).n === 0,
    async () => `${(await q1(`select count(*)::int as n from "WebhookEvent" where status = 'pending'`)).n} events pending`,
    300_000,
  );
  const echoed = await q1(`select count(*)::int as n from "WebhookEvent"`);
  log(`settled in ${((Date.now() - tSettle) / 1000).toFixed(1)} s (${echoed.n} webhook events applied)`);

  // ---- live traffic ----
  const beforeLive = Number((await q1(`select coalesce(max(id), 0) as m from "SegmentTransition"`)).m);
  const liveStart = Date.now();
  log(`live traffic: ${LIVE_RATE} orders/s for ${LIVE_SECONDS} s`);
  await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/live`, { rate: LIVE_RATE, seconds: LIVE_SECONDS, seed: 7 });
  // Latency: order placement (emission of its orders/create) → the first update of the
  // customer's scored_at metafield in Shopify after it, polled while the traffic runs.
  const pending = new Map<number, number>(); // customer → placement time of its oldest unmeasured order
  const seen = new Set<string>();
  const latencies: number[] = [];
  let liveOrders = 0,
    guestLive = 0;
  const scoredAtOf = async (cid: number) => {
    const c = await simJson(simUrl, "GET", `/_sim/shops/${SHOP}/customers/${cid}`);
    const m = (c.metafields as any[]).find((x) => x.key === "scored_at" && /rfm/.test(x.namespace));
    return { updatedAt: m ? Date.parse(m.updatedAt) : NaN, tagged: (c.tags as string[]).some((t) => t.startsWith("rfm:")) };
  };
  let tagged = 0,
    measured = 0;
  const poll = async () => {
    const l = await simJson(simUrl, "GET", `/_sim/webhooks/log?topic=orders/create&shop=${SHOP}&payloads=1`);
    for (const w of l.emitted as any[]) {
      if (seen.has(w.webhookId)) continue;
      seen.add(w.webhookId);
      const at = Date.parse(w.triggeredAt);
      if (at < liveStart) continue;
      liveOrders++;
      const cid = w.payload?.customer?.id;
      if (typeof cid !== "number") guestLive++;
      else if (!pending.has(cid)) pending.set(cid, at);
    }
    await Promise.all(
      [...pending].map(async ([cid, at]) => {
        const s = await scoredAtOf(cid);
        if (Number.isFinite(s.updatedAt) && s.updatedAt >= at) {
          latencies.push(s.updatedAt - at);
          measured++;
          if (s.tagged) tagged++;
          pending.delete(cid);
        }
      }),
    );
  };
  let live: any;
  let lastPrint = 0;
  for (;;) {
    live = await simJson(simUrl, "GET", `/_sim/shops/${SHOP}/live`);
    await poll();
    if (!live.running) break;
    if (Date.now() - lastPrint > 5000) {
      lastPrint = Date.now();
      const ev = await q1(`select count(*) filter (where status = 'processed')::int as done, count(*) filter (where status = 'pending')::int as pending from "WebhookEvent" where "receivedAt" >= $1`, [new Date(liveStart)]);
      const sorted = [...latencies].sort((x, y) => x - y);
      log(`  live: ${live.ordersPlaced} orders placed; app: ${ev.done} events processed, ${ev.pending} pending; latency so far p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s over ${sorted.length}`);
    }
    if (Date.now() - liveStart > LIVE_SECONDS * 1000 + 30_000) break;
    await sleep(200);
  }
  // Orders near the end: keep polling (bounded) until their customers are written too.
  const tailEnd = Date.now() + 30_000;
  while (pending.size && Date.now() < tailEnd) {
    await sleep(200);
    await poll();
  }
  const notUpdated = pending.size;
  latencies.sort((a, b) => a - b);

  // ---- does the app's database match Shopify? ----
  await until("webhook events to be applied", () =>
    q1(`select count(*)::int as n from "WebhookEvent" where "shopDomain" = $1 and status = 'pending'`, [SHOP]).then((r) => r.n === 0),
  );
  const theirs: { customerId: number; countedOrders: number; netMinor: number }[] = (
    await simJson(simUrl, "GET", `/_sim/shops/${SHOP}/stats?perCustomer=1`)
  ).perCustomer;
  const ours = new Map(
    (
      await qAll(
        `select o."customerId"::text as id, count(*)::int as orders, sum(o."totalMinor" - o."refundedMinor")::text as net
         from "Order" o where o."shopId" = $1 and not o.test and o."cancelledAt" is null and o."customerId" is not null
         group by o."customerId"`,
        [shopRow.id],
      )
    ).map((r) => [r.id, r]),
  );
  const mismatched = theirs.filter((t) => {
    const o = ours.get(String(t.customerId));
    return !o || o.orders !== t.countedOrders || Number(o.net) !== t.netMinor;
  }).length;

  // ---- summary ----
  const segments = await qAll(
    `select segment, count(*)::int as customers, sum("monetaryMinor")::bigint as monetary, round(avg("churnProbability")::numeric, 3) as churn, round(sum("predictedClv12m")::numeric, 0) as clv
     from "CustomerScore" where "shopId" = $1 group by segment order by customers desc`,
    [shopRow.id],
  );
  const writes = await qAll(`select stats from "JobRun" where name = 'write-back' and "shopDomain" = $1 and status = 'completed'`, [SHOP]);
  const totals: Record<string, number> = {};
  const addUp = (o: unknown, prefix = "") => {
    if (!o || typeof o !== "object") return;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === "number") totals[prefix + k] = (totals[prefix + k] ?? 0) + v;
      else if (v && typeof v === "object" && !Array.isArray(v)) addUp(v, `${prefix}${k}.`);
    }
  };
  for (const w of writes) if (!w.stats?.delayed) addUp(w.stats);
  const transitions = await q1(
    `select count(*)::int as all, count(*) filter (where id > $2)::int as live, count(*) filter (where "fromSegment" is not null)::int as moves from "SegmentTransition" where "shopId" = $1`,
    [shopRow.id, beforeLive],
  );
  const traitCounts = await qAll(`select t as trait, count(*)::int as n from "CustomerScore", unnest(traits) t where "shopId" = $1 group by t order by 2 desc`, [shopRow.id]);
  const clusterState = await q1(`select "modelState"->'clusters' as c from "Shop" where id = $1`, [shopRow.id]);
  const flowStatus = await qAll(`select "flowStatus", count(*)::int as n from "SegmentTransition" where "shopId" = $1 group by 1 order by 1`, [shopRow.id]);
  const flow = await simJson(simUrl, "GET", `/_sim/flow-triggers?shop=${SHOP}`);
  const p50 = percentile(latencies, 50) / 1000;
  const p95 = percentile(latencies, 95) / 1000;

  console.log("\n================ demo summary ================");
  console.log(`store:        ${SHOP}, ${counts.customers.toLocaleString()} customers, ${counts.orders.toLocaleString()} orders backfilled; model ${model.modelKind}`);
  console.log("segments (CustomerScore):");
  for (const s of segments)
    console.log(`  ${s.segment.padEnd(20)} ${String(s.customers).padStart(6)} customers   spent ${(Number(s.monetary) / 100).toFixed(0).padStart(9)}   avg churn ${s.churn}   predicted 12m value ${s.clv}`);
  console.log(`traits:       ${traitCounts.map((t) => `${t.trait} ${t.n}`).join(", ") || "none"}`);
  const clusters = clusterState?.c as { k: number | null; reason: string | null; clusters: { label: string; customers: number }[] } | null;
  console.log(
    `discovered:   ${clusters?.k ? `${clusters.k} segments: ${clusters.clusters.map((c) => `${c.label} (${c.customers})`).join("; ")}` : `none (${clusters?.reason ?? "not computed"})`}`,
  );
  console.log(
    `match:        ${theirs.length - mismatched}/${theirs.length} customers have the same counted orders and net total in the app's database as in Shopify` +
      (ours.size === theirs.length ? "" : ` (database has ${ours.size} customers with orders)`),
  );
  console.log(`writes:       ${writes.length} write-back jobs; totals of their stats: ${JSON.stringify(totals)}`);
  console.log(`transitions:  ${transitions.all} recorded (${transitions.moves} moves between segments, ${transitions.live} during/after live traffic); flowStatus ${flowStatus.map((f) => `${f.flowStatus}=${f.n}`).join(", ")}`);
  console.log(`Flow:         enabled via the lifecycle callback POST /flow/lifecycle (ShopSettings.flowTriggerEnabled=${flowOn?.flowTriggerEnabled}); ${(flow as unknown[]).length} triggers received by the simulator (flowTriggerReceive)`);
  console.log(`live:         ${live.ordersPlaced} orders placed (${live.newCustomers} new customers, ${live.guestOrders} guest, ${live.refunds} refunds, ${live.cancellations} cancellations), ${liveOrders} orders/create emitted`);
  console.log(
    `latency:      order placed → first update of the customer's scored_at metafield in Shopify after it (polled every ~200 ms): ${measured} orders measured, ${notUpdated} not written within 30 s of the end, ${guestLive} guest orders (not scored); ${tagged}/${measured} customers carry an rfm: tag`,
  );
  console.log(`              p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${(latencies[latencies.length - 1] / 1000).toFixed(2)} s   target p95 ≤ 3 s: ${p95 <= 3 ? "ok" : "MISSED"}`);
  console.log(`dashboard:    ${simUrl}/store/${SHOP}/admin/apps/${API_KEY}   (the simulator's admin page embedding the app)`);
  console.log(`total time:   ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await db.end();

  if (KEEP) {
    console.log(`\nkeeping simulator (${simUrl}), web (${appUrl}) and worker running; Ctrl-C to stop.`);
    await new Promise(() => undefined);
  }
  await stopAll();
  await clearQueuePrefix(PREFIX);
  return 0;
});
