// Webhook acknowledgement benchmark (npm run bench:webhooks): signed
// orders/create webhooks for an installed shop, POSTed to the built web
// process (remix-serve) on loopback at increasing rates (open loop: each
// request is due at t0 + i/rate), from a client with bounded concurrency.
// Reports per rate: achieved rate, p50/p99/max acknowledgement latency,
// non-2xx, client errors, and lost events (2xx answers without a WebhookEvent
// row). Target: 300/s sustained, p99 ≤ 100 ms, zero lost.
// Signing and URL come from the simulator's own emitter (WebhookEmitter.sign /
// urlFor), payloads from its orderPayload on a generated store.
// By default no worker runs (events stay pending in PostgreSQL and queued in
// Redis): this measures the web process alone. --with-worker starts one.
// Flags: --rates 100,200,300,400 --seconds 10 --concurrency 64 --with-worker
import { generateStore } from "../test/simulator/generator";
import { orderPayload } from "../test/simulator/webhook-payloads";
import {
  arg,
  appEnv,
  clearQueuePrefix,
  dbClient,
  ensureBuild,
  freePort,
  installApp,
  log,
  prepareDatabase,
  runMain,
  simJson,
  startSimulatorProcess,
  startWeb,
  startWorker,
  stopAll,
} from "../test/support/procs";
import { sleep } from "../test/support/timing";
import { machineLoad, otherLoad, rssMb, trackPeak } from "./support/machine";
import { openLoop, webhookSender, type OpenLoopResult } from "./support/webhook-load";
import { printTargets } from "./support/targets";

const RATES = (arg("rates") ?? process.env.BENCH_RATES ?? "100,200,300,400").split(",").map(Number);
const SECONDS = Number(arg("seconds") ?? process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(arg("concurrency") ?? 64);
const WITH_WORKER = process.argv.includes("--with-worker");
const SHOP = "bench-webhooks.myshopify.com";
const PREFIX = `bench-webhooks-${process.pid}`;
const WARMUP = 200;

interface RateResult extends OpenLoopResult {
  rate: number;
  idPrefix: string;
}

runMain(async () => {
  const loadBefore = machineLoad();
  const others = otherLoad();
  ensureBuild();
  const databaseUrl = await prepareDatabase("rfm_bench_webhooks", { fresh: true });
  await clearQueuePrefix(PREFIX);
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const { url: simUrl } = await startSimulatorProcess({ appUrl });
  await simJson(simUrl, "POST", "/_sim/shops", { domain: SHOP, generate: { seed: 3, customers: 200 } });
  const env = appEnv({ databaseUrl, queuePrefix: PREFIX, appUrl, simUrl });
  const web = await startWeb(env, appPort);
  if (WITH_WORKER) await startWorker(env);
  await installApp({ simUrl, appUrl, shop: SHOP });
  log(`web pid ${web.pid} at ${appUrl}, shop installed; worker ${WITH_WORKER ? "running" : "not running"}`);
  const webPeak = trackPeak(web.pid);

  // Payload template from the simulator's own payload builder.
  const { shop } = generateStore({ domain: SHOP, seed: 3, customers: 200 });
  const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;
  const template = orderPayload(shop, order) as Record<string, unknown>;
  const sender = webhookSender({ appUrl, concurrency: CONCURRENCY });
  let nextOrderId = 9_000_000_000_000;

  function send(webhookId: string) {
    const id = nextOrderId++;
    const body = JSON.stringify({ ...template, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, updated_at: new Date().toISOString() });
    return sender.send(SHOP, "orders/create", body, webhookId);
  }

  async function runRate(rate: number, seconds: number, idPrefix: string): Promise<RateResult> {
    const r = await openLoop({ rate, total: Math.round(rate * seconds), concurrency: CONCURRENCY, request: (i) => send(`${idPrefix}-${i}`) });
    return { ...r, rate, idPrefix };
  }

  log(`warm-up: ${WARMUP} webhooks`);
  await runRate(50, WARMUP / 50, `bench-warmup-${process.pid}`);
  const results: RateResult[] = [];
  for (const rate of RATES) {
    log(`rate ${rate}/s for ${SECONDS} s…`);
    const r = await runRate(rate, SECONDS, `bench-${rate}-${process.pid}`);
    results.push(r);
    log(`  p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.ok}/${r.sent} 2xx, web RSS ${rssMb(web.pid)?.toFixed(0)} MB`);
    await sleep(1000);
  }
  sender.close();

  const db = dbClient(databaseUrl);
  const rows = new Map<string, number>();
  for (const r of results) {
    const c = await db.query(`select count(*) from "WebhookEvent" where "webhookId" like $1 and "shopDomain" = $2 and topic = 'orders/create'`, [`${r.idPrefix}-%`, SHOP]);
    rows.set(r.idPrefix, Number(c.rows[0].count));
  }
  const pendingEvents = Number((await db.query(`select count(*) from "WebhookEvent" where status = 'pending'`)).rows[0].count);
  await db.end();
  const peak = webPeak.stop();
  const loadAfter = machineLoad();
  await stopAll();
  await clearQueuePrefix(PREFIX);

  console.log("\n=== bench:webhooks (orders/create → remix-serve, loopback) ===");
  console.log(`client: open loop, ≤ ${CONCURRENCY} in flight, keep-alive; ${SECONDS} s per rate; worker ${WITH_WORKER ? "RUNNING" : "not running (events left pending: " + pendingEvents + ")"}`);
  console.log("rate/s  achieved/s   sent    2xx  non-2xx  errors  stored  lost   p50 ms   p99 ms   max ms");
  let pass300 = true;
  let at300 = "";
  for (const r of results) {
    const stored = rows.get(r.idPrefix) ?? 0;
    const lost = r.ok - stored;
    console.log(
      `${String(r.rate).padStart(6)}  ${r.achieved.toFixed(1).padStart(10)}  ${String(r.sent).padStart(5)}  ${String(r.ok).padStart(5)}  ${String(r.non2xx).padStart(7)}  ${String(r.errors).padStart(6)}  ${String(stored).padStart(6)}  ${String(Math.max(0, lost)).padStart(4)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}`,
    );
    if (r.rate === 300) {
      pass300 = r.p99 <= 100 && r.ok === r.sent && lost === 0 && r.achieved >= 290;
      at300 = `achieved ${r.achieved.toFixed(1)}/s, p99 ${r.p99.toFixed(1)} ms, ${Math.max(0, lost)} lost, ${r.sent - r.ok} not 2xx`;
    }
  }
  console.log(`web peak RSS: ${peak.toFixed(0)} MB`);
  console.log(`machine load avg: before ${loadBefore}, after ${loadAfter} (2 cores; the client, web, PostgreSQL and Redis share them)`);
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  if (RATES.includes(300)) printTargets([{ what: "300/s with p99 ≤ 100 ms and zero lost", met: pass300, measured: at300 }]);
  return 0;
});
