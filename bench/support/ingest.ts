// Shared by bench:ingest and bench:recompute: a generated store in the
// simulator process, the built web and the worker as child processes against
// a dedicated database and queue prefix, install, and the backfill timed from
// the Shop row (syncStartedAt → syncCompletedAt) and the JobRun rows.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type pg from "pg";
import {
  REDIS_URL,
  appEnv,
  clearQueuePrefix,
  dbClient,
  ensureBuild,
  freePort,
  installApp,
  log,
  prepareDatabase,
  simJson,
  startSimulatorProcess,
  startWeb,
  startWorker,
  type Child,
} from "../../test/support/procs";
import { eventually } from "../../test/support/timing";
import { trackPeak } from "./machine";

export interface IngestOptions {
  database: string;
  queuePrefix: string;
  shop: string;
  customers: number;
  params: Record<string, number>;
  seed: number | string;
  /** The store's as-of (ISO); default the simulator's now. Pinned when the store must be generated again identically. */
  asOf?: string;
  /** Keep recompute-shop from running during the ingest (pauses the scoring queue). */
  pauseScoring: boolean;
  timeoutMs: number;
}

export interface IngestResult {
  orders: number;
  customers: number;
  simOrders: number;
  seconds: number;
  /** From the first bulk result download (export ready in the simulator) to import completed. */
  importSeconds: number;
  ordersPerSecond: number;
  workerPeakMb: number;
  generateSeconds: number;
  jobs: { name: string; kind?: string; startedAt: Date; seconds: number; stats: unknown }[];
  env: Record<string, string>;
  simUrl: string;
  appUrl: string;
  db: pg.Pool;
  worker: Child;
  workerPeak: ReturnType<typeof trackPeak>;
}

export async function queueHandle(prefix: string, name: string): Promise<{ queue: Queue; close(): Promise<void> }> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  ensureBuild();
  log(`database ${o.database} (fresh), queue prefix ${o.queuePrefix}`);
  const databaseUrl = await prepareDatabase(o.database, { fresh: true });
  await clearQueuePrefix(o.queuePrefix);

  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const { url: simUrl } = await startSimulatorProcess({ appUrl, maxOldSpaceMb: 16384 });
  log(`simulator at ${simUrl}; generating ${o.customers.toLocaleString()} customers (params ${JSON.stringify(o.params)}) inside it…`);
  const g0 = Date.now();
  const summary = await simJson(simUrl, "POST", "/_sim/shops", {
    domain: o.shop,
    plan: "plus",
    generate: { seed: o.seed, customers: o.customers, years: 2, params: o.params, asOf: o.asOf },
  });
  const generateSeconds = (Date.now() - g0) / 1000;
  log(`generated ${summary.customers.toLocaleString()} customers, ${summary.orders.toLocaleString()} orders in ${generateSeconds.toFixed(1)} s`);

  const env = appEnv({ databaseUrl, queuePrefix: o.queuePrefix, appUrl, simUrl });
  await startWeb(env, appPort);
  const worker = await startWorker(env);
  const workerPeak = trackPeak(worker.pid);
  log(`web ${appUrl} and worker pid ${worker.pid} up (worker RSS now ${workerPeak.peak().toFixed(0)} MB)`);

  if (o.pauseScoring) {
    const q = await queueHandle(o.queuePrefix, "scoring");
    await q.queue.pause();
    await q.close();
  }

  const db = dbClient(databaseUrl);
  await installApp({ simUrl, appUrl, shop: o.shop });
  log(`installed ${o.shop}; waiting for the backfill`);
  let row: any;
  await eventually(
    async () => {
      const r = await db.query(`select "syncStatus", "syncError", "syncRowsDone", "syncRowsTotal", "syncStartedAt", "syncCompletedAt", "syncState" from "Shop" where domain = $1`, [o.shop]);
      row = r.rows[0];
      if (row?.syncStatus === "completed" || row?.syncStatus === "failed") return true;
      if (!worker.isAlive()) throw new Error(`worker died during the backfill:\n${worker.tail()}`);
      return false;
    },
    {
      timeoutMs: o.timeoutMs,
      intervalMs: 250,
      timeoutMessage: () => `backfill not finished after ${o.timeoutMs / 1000} s (status ${row?.syncStatus})`,
      progressEveryMs: 5000,
      progress: () => {
        const ex = row?.syncState?.exports ?? {};
        const parts = Object.entries(ex).map(([k, v]: [string, any]) => `${k} ${v.status} ${Number(v.linesDone ?? 0).toLocaleString()}/${Number(v.objectCount ?? 0).toLocaleString()} lines`);
        log(`  sync ${row?.syncStatus ?? "no shop yet"} ${parts.join(", ")}; worker RSS ${workerPeak.peak().toFixed(0)} MB peak`);
      },
    },
  );
  const peakAtEnd = workerPeak.peak();
  if (row.syncStatus !== "completed") throw new Error(`backfill failed: ${row.syncError}`);
  const seconds = (row.syncCompletedAt.getTime() - row.syncStartedAt.getTime()) / 1000;
  const shopId = (await db.query(`select id from "Shop" where domain = $1`, [o.shop])).rows[0].id;
  const orders = Number((await db.query(`select count(*) from "Order" where "shopId" = $1`, [shopId])).rows[0].count);
  const customers = Number((await db.query(`select count(*) from "Customer" where "shopId" = $1`, [shopId])).rows[0].count);
  const jobs = (
    await db.query(`select name, stats, "startedAt", "finishedAt" from "JobRun" where "shopDomain" = $1 and name in ('initial-sync','bulk-finished') and status = 'completed' order by "startedAt"`, [o.shop])
  ).rows
    .filter((j) => !j.stats?.delayed)
    .map((j) => ({ name: j.name, kind: j.stats?.kind, startedAt: j.startedAt as Date, seconds: (j.finishedAt.getTime() - j.startedAt.getTime()) / 1000, stats: j.stats }));
  const importStart = Math.min(...jobs.filter((j) => j.name === "bulk-finished").map((j) => j.startedAt.getTime()));
  const importSeconds = (row.syncCompletedAt.getTime() - importStart) / 1000;
  return {
    orders,
    customers,
    importSeconds,
    simOrders: summary.orders,
    seconds,
    ordersPerSecond: orders / seconds,
    workerPeakMb: peakAtEnd,
    generateSeconds,
    jobs,
    env,
    simUrl,
    appUrl,
    db,
    worker,
    workerPeak,
  };
}
