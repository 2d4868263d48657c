// Ingest benchmark (npm run bench:ingest): backfill a generated store of
// 1,000,000 customers and ~5,000,000 orders from the simulator process through
// the real worker process (streamed bulk export → JSONL stream → COPY into
// staging tables → one merge per batch).
// Figures: order import orders/s = orders imported ÷ seconds of the orders
// export's bulk-finished run (first result line to last row committed, line items
// merged); end to end = from the bulk export start (Shop.syncStartedAt →
// syncCompletedAt); the worker's peak RSS (VmHWM). Targets: import ≥ 20,000 orders/s, ≤ 1 GB.
// The scoring queue is paused so the post-sync recompute does not run inside
// the measured window or the RSS peak.
// Flags/env: --customers N (BENCH_CUSTOMERS, 1000000), --sizes N,M (each size a
// fresh store, database and processes; figures side by side), BENCH_R (1.5 → ~5 orders/customer).
import { arg, runMain, stopAll, clearQueuePrefix } from "../test/support/procs";
import { machineLoad, otherLoad } from "./support/machine";
import { runIngest } from "./support/ingest";
import { printTargets } from "./support/targets";

const SIZES = (arg("sizes") ?? arg("customers") ?? process.env.BENCH_CUSTOMERS ?? "1000000")
  .split(",")
  .map((s) => Number(s.trim()));
if (SIZES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes/--customers: positive whole numbers, got ${SIZES.join(",")}`);
const PARAMS = { r: Number(process.env.BENCH_R ?? 1.5), alpha: 40, a: 1.5, b: 6 };
const PREFIX = `bench-ingest-${process.pid}`;

interface Figures {
  customers: number;
  simOrders: number;
  orders: number;
  importedCustomers: number;
  generateSeconds: number;
  exportSeconds: number;
  importSeconds: number;
  /** The orders export's import alone: its bulk-finished run, first result line to last row committed. */
  orderImportSeconds: number;
  customerImportSeconds: number;
  totalSeconds: number;
  importRate: number;
  endToEndRate: number;
  workerPeakMb: number;
  loadBefore: string;
  loadAfter: string;
  others: string;
}

async function measure(customers: number): Promise<Figures> {
  const loadBefore = machineLoad();
  const others = otherLoad();
  const res = await runIngest({
    database: "rfm_bench_ingest",
    queuePrefix: PREFIX,
    shop: "bench-ingest.myshopify.com",
    customers,
    params: PARAMS,
    seed: 42,
    pauseScoring: true,
    timeoutMs: 90 * 60_000,
  });
  const loadAfter = machineLoad();
  for (const j of res.jobs) console.log(`  job ${j.name}${j.kind ? ` (${j.kind})` : ""}: ${j.seconds.toFixed(1)} s`);
  await res.db.end();
  await stopAll();
  await clearQueuePrefix(PREFIX);
  const jobSeconds = (kind: string) => res.jobs.filter((j) => j.name === "bulk-finished" && j.kind === kind).reduce((sum, j) => sum + j.seconds, 0);
  return {
    customers,
    simOrders: res.simOrders,
    orders: res.orders,
    importedCustomers: res.customers,
    generateSeconds: res.generateSeconds,
    exportSeconds: res.seconds - res.importSeconds,
    importSeconds: res.importSeconds,
    orderImportSeconds: jobSeconds("orders"),
    customerImportSeconds: jobSeconds("customers"),
    totalSeconds: res.seconds,
    importRate: res.orders / jobSeconds("orders"),
    endToEndRate: res.ordersPerSecond,
    workerPeakMb: res.workerPeakMb,
    loadBefore,
    loadAfter,
    others,
  };
}

runMain(async () => {
  const runs: Figures[] = [];
  for (const n of SIZES) runs.push(await measure(n));
  const int = (x: number) => Math.round(x).toLocaleString();
  const row = (label: string, f: (r: Figures) => string) => console.log(`${label.padEnd(34)}${runs.map((r) => f(r).padStart(22)).join("")}`);
  console.log("\n=== bench:ingest ===");
  row("customers", (r) => int(r.customers));
  row("orders in the simulator", (r) => int(r.simOrders));
  row("orders imported", (r) => `${int(r.orders)}${r.orders === r.simOrders ? "" : " MISMATCH"}`);
  row("customers imported", (r) => int(r.importedCustomers));
  row("store generated (not timed), s", (r) => r.generateSeconds.toFixed(1));
  row("export + polling, s", (r) => r.exportSeconds.toFixed(1));
  row("customer import, s", (r) => r.customerImportSeconds.toFixed(1));
  row("order import, s", (r) => r.orderImportSeconds.toFixed(1));
  row("order import, orders/s", (r) => int(r.importRate));
  row("first download → sync done, s", (r) => r.importSeconds.toFixed(1));
  row("end to end, s", (r) => r.totalSeconds.toFixed(1));
  row("end to end, orders/s", (r) => int(r.endToEndRate));
  row("worker peak RSS, MB", (r) => r.workerPeakMb.toFixed(0));
  row("load avg before (2 cores)", (r) => r.loadBefore);
  row("load avg after", (r) => r.loadAfter);
  if (runs.length > 1) {
    const [a, b] = [runs[0], runs[runs.length - 1]];
    const growth = b.orderImportSeconds / a.orderImportSeconds / (b.orders / a.orders);
    console.log(`import time per order, largest ÷ smallest store: ${growth.toFixed(2)} (1.00 = linear)`);
  }
  console.log(
    "order import: the orders export's bulk-finished run (first result line → last row committed, line items merged); first download → sync done: from the first export's import to the sync completed (includes waiting for the orders export); export + polling: the rest of end to end. The simulator, web, worker and PostgreSQL share the machine",
  );
  for (const r of runs) if (r.others) console.log(`other busy processes at the start of the ${int(r.customers)}-customer run:\n    ${r.others}`);
  const largest = runs[runs.length - 1];
  const worstRate = Math.min(...runs.map((r) => r.importRate));
  const worstPeak = Math.max(...runs.map((r) => r.workerPeakMb));
  printTargets([
    { what: "import ≥ 20,000 orders/s", met: worstRate >= 20_000, measured: `${int(worstRate)} orders/s` },
    { what: "worker peak ≤ 1 GB", met: worstPeak <= 1024, measured: `${worstPeak.toFixed(0)} MB` },
    { what: "every order imported", met: runs.every((r) => r.orders === r.simOrders), measured: `${int(largest.orders)} of ${int(largest.simOrders)}` },
  ]);
  return 0;
});
