// Ingest benchmark (npm run bench:ingest): backfill a generated store of
// 200,000 customers and ~1,000,000 orders from the simulator process through
// the real worker process (bulk export → JSONL stream → batched upserts).
// Figures: orders/s = orders imported ÷ seconds from the bulk export start to
// import completed (Shop.syncStartedAt → syncCompletedAt), and the worker's
// peak RSS (VmHWM). Targets: ≥ 20,000 orders/s, ≤ 1 GB.
// The scoring queue is paused so the post-sync recompute does not run inside
// the measured window or the RSS peak.
// Env/flags: --customers N (BENCH_CUSTOMERS, 200000), BENCH_R (1.5 → ~5 orders/customer).
import { arg, runMain, stopAll, clearQueuePrefix } from "../test/support/procs";
import { machineLoad, otherLoad } from "./support/machine";
import { runIngest } from "./support/ingest";
import { printTargets } from "./support/targets";

const CUSTOMERS = Number(arg("customers") ?? process.env.BENCH_CUSTOMERS ?? 200_000);
const PARAMS = { r: Number(process.env.BENCH_R ?? 1.5), alpha: 40, a: 1.5, b: 6 };
const PREFIX = `bench-ingest-${process.pid}`;

runMain(async () => {
  const loadBefore = machineLoad();
  const others = otherLoad();
  const res = await runIngest({
    database: "rfm_bench_ingest",
    queuePrefix: PREFIX,
    shop: "bench-ingest.myshopify.com",
    customers: CUSTOMERS,
    params: PARAMS,
    seed: 42,
    pauseScoring: true,
    timeoutMs: 15 * 60_000,
  });
  const loadAfter = machineLoad();
  await res.db.end();
  await stopAll();
  await clearQueuePrefix(PREFIX);
  console.log("\n=== bench:ingest ===");
  console.log(`store:              ${CUSTOMERS.toLocaleString()} customers, ${res.simOrders.toLocaleString()} orders in the simulator (generated in ${res.generateSeconds.toFixed(1)} s, not timed)`);
  console.log(`imported:           ${res.customers.toLocaleString()} customers, ${res.orders.toLocaleString()} orders${res.orders === res.simOrders ? "" : "  (MISMATCH with the simulator!)"}`);
  for (const j of res.jobs) console.log(`  job ${j.name}${j.kind ? ` (${j.kind})` : ""}: ${j.seconds.toFixed(1)} s`);
  console.log(`total seconds:      ${res.seconds.toFixed(1)} s (bulk export start → import completed)`);
  console.log(`orders per second:  ${Math.round(res.ordersPerSecond).toLocaleString()} /s`);
  console.log(`of which import:    ${res.importSeconds.toFixed(1)} s from the first result download to import completed → ${Math.round(res.orders / res.importSeconds).toLocaleString()} orders/s; the rest (${(res.seconds - res.importSeconds).toFixed(1)} s) is the simulator producing the bulk export (graphql-js over every order) and polling`);
  console.log(`worker peak RSS:    ${res.workerPeakMb.toFixed(0)} MB (VmHWM)`);
  console.log(`machine load avg:   before ${loadBefore}, after ${loadAfter} (2 cores; simulator, web, worker and PostgreSQL share them)`);
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  printTargets([
    { what: "import ≥ 20,000 orders/s end to end", met: res.ordersPerSecond >= 20_000, measured: `${Math.round(res.ordersPerSecond).toLocaleString()} orders/s` },
    { what: "worker peak RSS ≤ 1024 MB", met: res.workerPeakMb <= 1024, measured: `${res.workerPeakMb.toFixed(0)} MB` },
    { what: "every order imported", met: res.orders === res.simOrders, measured: `${res.orders.toLocaleString()} of ${res.simOrders.toLocaleString()}` },
  ]);
  return 0;
});
