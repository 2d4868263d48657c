// Dashboard benchmark (npm run bench:dashboard): the merchant's pages on a 200,000-customer shop.
//
// 1. Data, set-based in PostgreSQL (database rfm_bench_dashboard; --reuse keeps it when it
//    already holds this data): a shop with 200,000 scored customers (RFM cells, segments from
//    the default map, traits, discovered segments, holdout, the reasons' numbers and trait reasons of the stored size),
//    a year of segment history (first scores a year ago, 1.5 % of the customers moving every
//    night: ~1.1M transitions) and 365 daily snapshots; a second shop with 200,000 customers
//    all in one segment, for the export (and as another shop's rows in the same tables).
// 2. The built web app (remix-serve, NODE_ENV=production; built first when stale) and the
//    simulator as child processes, both shops installed as Shopify's admin opens the app; each
//    loader timed over repeated Remix data requests (`?_data=<route>`, `Authorization: Bearer
//    <session token>` as App Bridge sends it, a fresh token fetched outside the timed part),
//    sequential, after a warm-up: home (loadDashboard), the migration page when
//    app/models/migration.server.ts is there (7, 30, 90 days), the segment index and segment
//    pages (first page, a deep keyset page near the end, the page before it, filters, trait
//    pages, a discovered segment). Wall time to the last byte of the body.
// 3. The CSV export of the 200,000-customer segment through its resource route, the body read
//    chunk by chunk: rows per second, and the web process's peak RSS (sampled from /proc every
//    10 ms) above its level before the export, in a fresh web process; then again by a client
//    that reads nothing until the server has had time to produce the whole file (a slow
//    network), which shows whether the server holds back or buffers what the client has not taken.
//
// Flags: --customers N (200000)  --export-customers N (200000)  --iterations N per page (40)
//        --reuse (keep rfm_bench_dashboard when it already holds this data)
//        --page-index (time the pages with PAGE_INDEX below created in the benchmark's own
//        database: the covering index migration 20261203140000 dropped, for a side by side)
import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import {
  API_KEY,
  ROOT,
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
  stopAll,
} from "../test/support/procs";
import { percentile } from "../test/support/stats";
import { DEFAULT_SEGMENT_MAP, SEGMENT_KEYS } from "../app/domain/segment-map";
import { machineLoad, otherLoad, rssMb } from "./support/machine";
import { printTargets, type Target } from "./support/targets";

const CUSTOMERS = Number(arg("customers") ?? process.env.BENCH_CUSTOMERS ?? 200_000);
const EXPORT_CUSTOMERS = Number(arg("export-customers") ?? process.env.BENCH_EXPORT_CUSTOMERS ?? 200_000);
const ITERATIONS = Number(arg("iterations") ?? process.env.BENCH_ITERATIONS ?? 40);
const WARMUP = 5;
const DAYS = 365;
const MOVES_PER_DAY_SHARE = 0.015;
const P95_TARGET_MS = 300;
const DB = "rfm_bench_dashboard";
const SHOP = "bench-dashboard.myshopify.com";
const EXPORT_SHOP = "bench-dashboard-export.myshopify.com";
const EXPORT_SEGMENT = "hibernating";
const PREFIX = `bench-dashboard-${process.pid}`;
const REUSE = process.argv.includes("--reuse");
const WITH_PAGE_INDEX = process.argv.includes("--page-index");
/**
 * Every column a segment page filters, sorts and shows, after the shop and segment: the schema's
 * from 20261201120000 to 20261203140000, when it cost the nightly recompute more than it saved
 * the pages (ADR 0016).
 */
const PAGE_INDEX = `CREATE INDEX IF NOT EXISTS bench_segment_page ON "CustomerScore"
  ("shopId", segment, "churnProbability", "predictedClv12m", "monetaryMinor", "recencyDays", r, f, m, holdout, "clusterId", "customerId", traits)`;
const NOW = new Date();
const DAY_MS = 86_400_000;
/** A browser's User-Agent: the library answers 410 to bots, and undici's "node" is one. */
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

type Db = ReturnType<typeof dbClient>;

/** A timestamp for a `timestamp` (UTC, without time zone) column. */
const utc = (d: Date) => d.toISOString().slice(0, 23);

// ------------------------------------------------------------------ data ----

/** Scores for customers 1..n of a shop, set-based; `segment` fixed, or from the default map's R × F cell. */
async function seedScores(db: Db, shopId: string, n: number, segment: string | null): Promise<void> {
  const grid = DEFAULT_SEGMENT_MAP.grid.flat();
  await db.query(`INSERT INTO "Customer" ("shopId", id) SELECT $1, g FROM generate_series(1, $2::int) g`, [shopId, n]);
  // R uniform, F skewed towards 1 (most customers order once or twice), M uniform; traits at
  // rates like a real shop's, listed in sorted order; the reasons' numbers and trait reasons of
  // the size the recompute stores (one sentence per trait).
  await db.query(
    `INSERT INTO "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m, segment, x, tx, "T",
        "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model, "churnModel", "recencyPercent", "frequencyPercent", "monetaryPercent", "horizonDays", holdout, traits,
        "specialistType", "expectedNextOrderAt", "clusterId", "traitReasons", "updatedAt")
     SELECT $1, g, $3::timestamp, freq, recency, spent, r, f, m, coalesce($4::text, ($5::text[])[(r - 1) * 5 + f]), freq - 1, 400 - recency, 400,
        1 - churn, churn, (1 - churn) * 0.8, round(((1 - churn) * spent / 100.0 * 0.6)::numeric, 6)::float8, 'bgnbd', 'supervised',
        r * 19, f * 18, m * 17, 90,
        g % 10 = 0, traits, CASE WHEN 'category_specialist' = ANY(traits) THEN 'Shoes' END,
        CASE WHEN freq > 1 THEN $3::timestamp + (g % 120) * interval '1 day' END, g % 6,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('key', t, 'text', 'Explained in words and numbers: ' || t || ', with the figures that put this customer over the threshold.')), '[]')
           FROM unnest(traits) t),
        now()
       FROM (
         SELECT g, r, f, 1 + floor(random() * 5)::int AS m, churn, least(12, f + floor(random() * 2)::int) AS freq,
                (6 - r) * 70 - floor(random() * 60)::int AS recency, (1000 + floor(random() * 40000))::bigint * f AS spent,
                array_remove(ARRAY[
                  CASE WHEN random() < 0.08 THEN 'category_specialist' END,
                  CASE WHEN random() < 0.15 THEN 'discount_seeker' END,
                  CASE WHEN random() < 0.05 THEN 'due_to_reorder' END,
                  CASE WHEN f = 1 AND random() < 0.04 THEN 'high_potential_first_timer' END,
                  CASE WHEN f = 1 AND random() < 0.45 THEN 'one_and_done' END,
                  CASE WHEN random() < 0.01 THEN 'recovered' END,
                  CASE WHEN random() < 0.03 THEN 'vip_at_risk' END], NULL) AS traits
           FROM (SELECT g, 1 + floor(random() * 5)::int AS r, least(5, 1 + floor(-ln(1 - random()) * 1.3)::int) AS f, random() AS churn
                   FROM generate_series(1, $2::int) g) base
       ) s`,
    [shopId, n, utc(NOW), segment, grid],
  );
}

/** A year of history: first scores a year ago, nightly moves at 03:00 UTC, one snapshot per day and segment. */
async function seedHistory(db: Db, shopId: string, n: number): Promise<void> {
  const segments = [...SEGMENT_KEYS];
  const night = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate(), 3));
  if (night > NOW) night.setTime(night.getTime() - DAY_MS);
  await db.query(
    `INSERT INTO "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
     SELECT $1, c, NULL, ($2::text[])[1 + c % 10], $3::timestamp, jsonb_build_object('why', 'first score'), 'none'
       FROM generate_series(1, $4::int) c`,
    [shopId, segments, utc(new Date(night.getTime() - DAYS * DAY_MS)), n],
  );
  // `from` uniform, `to` one of the other nine, skewed towards the next in the map's order.
  await db.query(
    `INSERT INTO "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
     SELECT $1, 1 + floor(random() * $5::int)::bigint, ($2::text[])[1 + f], ($2::text[])[1 + (f + 1 + floor(random() ^ 2 * 9)::int) % 10],
            $3::timestamp - d * interval '1 day',
            jsonb_build_object('why', 'nightly recompute', 'r', 1 + floor(random() * 5)::int, 'f', 1 + floor(random() * 5)::int, 'recencyDays', floor(random() * 400)::int),
            'sent'
       FROM generate_series(0, $4::int - 1) d, generate_series(1, $6::int) i, LATERAL (SELECT floor(random() * 10)::int + i * 0 AS f) pick`,
    [shopId, segments, utc(night), DAYS, n, Math.round(n * MOVES_PER_DAY_SHARE)],
  );
  await db.query(
    `INSERT INTO "SegmentSnapshot" ("shopId", day, segment, customers, "valueMinor", "predictedClv12m")
     SELECT $1, ($3::timestamp - d * interval '1 day')::date, ($2::text[])[k], greatest(0, round($4::int * w.share * (1 + 0.1 * sin(d / 20.0 + k))))::int,
            (round($4::int * w.share) * 12000)::bigint, round($4::int * w.share) * 80.0
       FROM generate_series(0, $5::int - 1) d, unnest(ARRAY[0.08, 0.14, 0.12, 0.06, 0.07, 0.09, 0.1, 0.13, 0.04, 0.17]) WITH ORDINALITY AS w(share, k)`,
    [shopId, segments, utc(night), n, DAYS],
  );
}

/** What the recompute stores in Shop.modelState, enough for every page (model, churn champion, discovered segments). */
function modelState(n: number) {
  const labels = ["frequent, high order value", "rare buyers, long silent", "discount-heavy", "single-category, short gaps", "typical customers", "broad baskets, recent"];
  return {
    model: "bgnbd",
    asOf: NOW.toISOString(),
    horizonDays: 90,
    customers: n,
    repeatCustomers: Math.round(n * 0.4),
    bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.43 },
    gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
    spendModel: "gamma-gamma",
    churnModel: "supervised",
    clusters: {
      k: labels.length,
      silhouette: 0.37,
      reason: null,
      clusters: labels.map((label, id) => ({ id, label, customers: Math.round(n / 6), share: 1 / 6, spendPerCustomerMinor: 12_000, totalSpendMinor: Math.round(n / 6) * 12_000 })),
    },
  };
}

async function counts(db: Db, shopId: string) {
  const r = await db.query(
    `SELECT (SELECT count(*)::int FROM "CustomerScore" WHERE "shopId" = $1) AS scores,
            (SELECT count(*)::int FROM "SegmentTransition" WHERE "shopId" = $1) AS transitions,
            (SELECT count(*)::int FROM "SegmentSnapshot" WHERE "shopId" = $1) AS snapshots`,
    [shopId],
  );
  return r.rows[0] as { scores: number; transitions: number; snapshots: number };
}

// ---------------------------------------------------------------- timing ----

interface Timing {
  what: string;
  p50: number;
  p95: number;
  max: number;
  note: string;
}

/** `prepare` (untimed: fetches a session token) then the request it returns, WARMUP untimed, then ITERATIONS timed to the last byte of the body. */
async function time(what: string, prepare: () => Promise<() => Promise<Response>>, describe: (body: any) => string): Promise<Timing> {
  let note = "";
  const run = async () => {
    const request = await prepare();
    const t = performance.now();
    const response = await request();
    const text = await response.text();
    const ms = performance.now() - t;
    if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
    note = `${describe(JSON.parse(text))}; ${(text.length / 1024).toFixed(1)} kB`;
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) times.push(await run());
  times.sort((a, b) => a - b);
  const t: Timing = { what, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1], note };
  log(`  ${what.padEnd(48)} p50 ${t.p50.toFixed(1).padStart(6)} ms  p95 ${t.p95.toFixed(1).padStart(6)} ms  max ${t.max.toFixed(1).padStart(6)} ms  ${note}`);
  return t;
}

// ---------------------------------------------------------------- export ----

interface ExportRun {
  rows: number;
  fileMb: number;
  chunks: number;
  seconds: number;
  firstChunkMs: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  growthMb: number;
  /** RSS growth (MB) when each further tenth of the rows had been read: flat when the export streams. */
  growthByTenth: number[];
}

/**
 * One export of the export shop's segment, the body read chunk by chunk after `pauseMs` without
 * reading, with the web process's RSS sampled from /proc every 10 ms.
 */
async function exportOnce(appUrl: string, webPid: number, sessionToken: string, pauseMs: number): Promise<ExportRun> {
  const rssBeforeMb = rssMb(webPid) ?? 0;
  let rssPeakMb = rssBeforeMb;
  const sample = () => {
    rssPeakMb = Math.max(rssPeakMb, rssMb(webPid) ?? 0);
  };
  const sampler = setInterval(sample, 10);
  const t0 = performance.now();
  const response = await fetch(`${appUrl}/app/segments/${EXPORT_SEGMENT}/csv`, { headers: { authorization: `Bearer ${sessionToken}`, "user-agent": BROWSER_UA } });
  if (response.status !== 200) throw new Error(`export: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  const reader = response.body!.getReader();
  let bytes = 0;
  let lines = 0;
  let chunks = 0;
  let firstChunkMs = 0;
  const growthByTenth: number[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks === 0) firstChunkMs = performance.now() - t0;
    chunks++;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    sample();
    while (lines >= ((growthByTenth.length + 1) * EXPORT_CUSTOMERS) / 10) growthByTenth.push((rssMb(webPid) ?? 0) - rssBeforeMb);
  }
  const seconds = (performance.now() - t0 - pauseMs) / 1000;
  clearInterval(sampler);
  sample();
  return { rows: lines - 1, fileMb: bytes / 2 ** 20, chunks, seconds, firstChunkMs, rssBeforeMb, rssPeakMb, growthMb: rssPeakMb - rssBeforeMb, growthByTenth };
}

const describeExport = (e: ExportRun) =>
  `${e.rows.toLocaleString("en")} rows (${e.fileMb.toFixed(1)} MB, ${e.chunks} chunks) in ${e.seconds.toFixed(2)} s of reading = ${Math.round(e.rows / e.seconds).toLocaleString("en")} rows/s; ` +
  `web process RSS ${e.rssBeforeMb.toFixed(0)} MB before, peak ${e.rssPeakMb.toFixed(0)} MB (+${e.growthMb.toFixed(1)} MB; after each tenth read: ${e.growthByTenth.map((g) => `+${g.toFixed(0)}`).join(" ")} MB)`;

// ------------------------------------------------------------------ main ----

/** The benchmark database already holds both shops' data (for --reuse). */
async function seededAlready(): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrlFor(DB) });
  try {
    await c.connect();
    const r = await c.query(
      `SELECT s.domain, (SELECT count(*)::int FROM "CustomerScore" c WHERE c."shopId" = s.id) AS scores,
              (SELECT count(*)::int FROM "SegmentSnapshot" x WHERE x."shopId" = s.id) AS snapshots
         FROM "Shop" s WHERE s.domain = ANY($1)`,
      [[SHOP, EXPORT_SHOP]],
    );
    const by = new Map(r.rows.map((row) => [row.domain, row]));
    return by.get(SHOP)?.scores === CUSTOMERS && by.get(SHOP)?.snapshots === DAYS * 10 && by.get(EXPORT_SHOP)?.scores === EXPORT_CUSTOMERS;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

runMain(async () => {
  const loadBefore = machineLoad();
  const others = otherLoad();
  ensureBuild();
  const reuse = REUSE && (await seededAlready());
  const databaseUrl = reuse ? databaseUrlFor(DB) : await prepareDatabase(DB, { fresh: true });
  const { appPort, appUrl, simUrl, env: webEnv } = await startSimulatorForApp({ databaseUrl, queuePrefix: PREFIX, simMaxOldSpaceMb: 512 });
  for (const domain of [SHOP, EXPORT_SHOP]) await simJson(simUrl, "POST", "/_sim/shops", { domain, name: domain.split(".")[0], plan: "advanced" });
  let web = await startWeb(webEnv, appPort);
  // No worker: the install's initial-sync waits in the queue (cleared at the end) and nothing rescores the seeded data.
  for (const domain of [SHOP, EXPORT_SHOP]) await installApp({ simUrl, appUrl, shop: domain });
  const setup = dbClient(databaseUrl);
  const shops: Record<string, string> = {};
  for (const domain of [SHOP, EXPORT_SHOP]) shops[domain] = (await setup.query(`SELECT id FROM "Shop" WHERE domain = $1`, [domain])).rows[0].id;
  let dataNote: string;
  if (reuse) {
    dataNote = `reused ${DB}`;
    log(dataNote);
  } else {
    const t0 = performance.now();
    log(`seeding ${CUSTOMERS.toLocaleString("en")} scored customers with a year of history, and ${EXPORT_CUSTOMERS.toLocaleString("en")} for the export…`);
    await setup.query(
      `UPDATE "Shop" SET currency = 'USD', "syncStatus" = 'completed', "syncCompletedAt" = now(), "lastScoredAt" = $2::timestamp, "modelKind" = 'bgnbd', "modelState" = $3 WHERE id = $1`,
      [shops[SHOP], utc(NOW), JSON.stringify(modelState(CUSTOMERS))],
    );
    await setup.query(`UPDATE "Shop" SET "syncStatus" = 'completed', "lastScoredAt" = $2::timestamp WHERE id = $1`, [shops[EXPORT_SHOP], utc(NOW)]);
    await seedScores(setup, shops[SHOP], CUSTOMERS, null);
    await seedHistory(setup, shops[SHOP], CUSTOMERS);
    await seedScores(setup, shops[EXPORT_SHOP], EXPORT_CUSTOMERS, EXPORT_SEGMENT);
    for (const table of ["Customer", "CustomerScore", "SegmentTransition", "SegmentSnapshot"]) await setup.query(`VACUUM ANALYZE "${table}"`);
    dataNote = `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    log(dataNote);
  }
  if (WITH_PAGE_INDEX) {
    await setup.query(PAGE_INDEX);
    await setup.query(`VACUUM ANALYZE "CustomerScore"`);
  } else await setup.query(`DROP INDEX IF EXISTS bench_segment_page`);
  const main = await counts(setup, shops[SHOP]);
  const exportCounts = await counts(setup, shops[EXPORT_SHOP]);
  const size = await setup.query(
    `SELECT pg_size_pretty(pg_total_relation_size('"CustomerScore"')) AS scores, pg_size_pretty(pg_total_relation_size('"SegmentTransition"')) AS transitions`,
  );
  const dataLine =
    `${main.scores.toLocaleString("en")} scored customers, ${main.transitions.toLocaleString("en")} transitions over ${DAYS} days, ` +
    `${main.snapshots.toLocaleString("en")} snapshot rows; export shop ${exportCounts.scores.toLocaleString("en")} customers in ${EXPORT_SEGMENT}; ` +
    `CustomerScore ${size.rows[0].scores}, SegmentTransition ${size.rows[0].transitions} (${dataNote})` +
    (WITH_PAGE_INDEX ? `; with the dropped page index: ${PAGE_INDEX.replace(/\s+/g, " ")}` : "");
  log(dataLine);

  // Segments to open: the largest, and a cursor 60 rows before its end in churn order (a deep page).
  const sizes = await setup.query<{ segment: string; n: number }>(
    `SELECT segment, count(*)::int AS n FROM "CustomerScore" WHERE "shopId" = $1 GROUP BY segment ORDER BY count(*) DESC`,
    [shops[SHOP]],
  );
  const largest = sizes.rows[0];
  const deep = (
    await setup.query<{ v: string; id: string }>(
      `SELECT "churnProbability"::text AS v, "customerId"::text AS id FROM "CustomerScore" WHERE "shopId" = $1 AND segment = $2
        ORDER BY "churnProbability", "customerId" OFFSET $3 LIMIT 1`,
      [shops[SHOP], largest.segment, largest.n - 60],
    )
  ).rows[0];
  await setup.end();
  const deepCursor = encodeURIComponent(`${deep.v}_${deep.id}`);

  const token = async (shop: string) => (await simJson<{ token: string }>(simUrl, "GET", `/store/${shop}/admin/_session-token?apiKey=${encodeURIComponent(API_KEY)}`)).token;
  /** A Remix data request from the embedded page; the token is fetched before the clock starts. */
  const get = (path: string, routeId: string) => async () => {
    const headers = { authorization: `Bearer ${await token(SHOP)}`, "user-agent": BROWSER_UA };
    const url = `${appUrl}${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`;
    return () => fetch(url, { headers });
  };
  const timings: Timing[] = [];
  log(`timing loaders: ${WARMUP} warm-up + ${ITERATIONS} data requests each, one at a time`);
  timings.push(await time("home (routes/app._index)", get("/app", "routes/app._index"), (d) => `${(d.scoredCustomers ?? 0).toLocaleString("en")} customers scored`));

  let migrationNote = "";
  if (!existsSync(join(ROOT, "app/models/migration.server.ts")) || !existsSync(join(ROOT, "app/routes/app.migration.tsx"))) {
    migrationNote = "migration loader: not present";
    console.log(migrationNote);
  } else {
    for (const days of [7, 30, 90]) {
      timings.push(
        await time(`migration ${days} days (routes/app.migration)`, get(`/app/migration?days=${days}`, "routes/app.migration"), (d) => `${(d.matrix?.total ?? 0).toLocaleString("en")} moves`),
      );
    }
  }

  const PAGE = "routes/app.segments.$key";
  const rows = (d: any) => `${d.page.customers.length} rows of ${d.page.matchingCustomers.toLocaleString("en")}`;
  const seg = largest.segment;
  timings.push(
    await time("segment index (routes/app.segments._index)", get("/app/segments", "routes/app.segments._index"), (d) => `${d.segments.length + d.traits.length + (d.discovered?.segments.length ?? 0)} groups`),
  );
  timings.push(await time(`segment ${seg}, first page`, get(`/app/segments/${seg}`, PAGE), rows));
  timings.push(await time(`segment ${seg}, deep page (churn asc)`, get(`/app/segments/${seg}?sort=churn&dir=asc&after=${deepCursor}`, PAGE), rows));
  timings.push(await time(`segment ${seg}, the page before the deep one`, get(`/app/segments/${seg}?sort=churn&dir=asc&before=${deepCursor}`, PAGE), rows));
  timings.push(await time(`segment ${seg}, churn ≥ 75 % and one and done`, get(`/app/segments/${seg}?churn=ge75&trait=one_and_done&sort=spent&dir=desc`, PAGE), rows));
  timings.push(await time("trait discount_seeker, by total spent", get("/app/segments/trait:discount_seeker?sort=spent&dir=desc", PAGE), rows));
  timings.push(await time("trait one_and_done, by recency", get("/app/segments/trait:one_and_done?sort=recency&dir=asc", PAGE), rows));
  timings.push(await time("discovered segment 2, by R", get("/app/segments/cluster:2?sort=r&dir=desc", PAGE), rows));

  // The export: the 200,000-customer segment, read chunk by chunk as a browser would; then
  // again by a client that reads nothing until the server has had time to produce it all.
  log(`exporting ${EXPORT_SEGMENT} of the export shop (${EXPORT_CUSTOMERS.toLocaleString("en")} customers) through /app/segments/${EXPORT_SEGMENT}/csv…`);
  // Each export in a fresh web process (after one small export), so its RSS before is a
  // baseline that no earlier request has raised.
  const freshWeb = async () => {
    await web.stop();
    web = await startWeb(webEnv, appPort);
    const warm = await fetch(`${appUrl}/app/segments/champions/csv`, { headers: { authorization: `Bearer ${await token(EXPORT_SHOP)}`, "user-agent": BROWSER_UA } });
    if (warm.status !== 200) throw new Error(`warm-up export: HTTP ${warm.status}`);
    await warm.arrayBuffer();
    return web.pid;
  };
  const reading = await exportOnce(appUrl, await freshWeb(), await token(EXPORT_SHOP), 0);
  log(`  reading client: ${describeExport(reading)}`);
  const pauseMs = Math.round(reading.seconds * 1500 + 1000);
  const paused = await exportOnce(appUrl, await freshWeb(), await token(EXPORT_SHOP), pauseMs);
  log(`  client paused ${(pauseMs / 1000).toFixed(1)} s before reading: ${describeExport(paused)}`);

  await stopAll();
  await clearQueuePrefix(PREFIX);
  const loadAfter = machineLoad();

  console.log("\n=== bench:dashboard ===");
  console.log(`data:             ${dataLine}`);
  console.log(
    `requests:         Remix data requests to the built web app (remix-serve, production) with a session token, ${WARMUP} warm-up + ${ITERATIONS} timed each, one at a time, wall time to the body's last byte`,
  );
  for (const t of timings) console.log(`  ${t.what.padEnd(50)} p50 ${t.p50.toFixed(1).padStart(6)} ms, p95 ${t.p95.toFixed(1).padStart(6)} ms (${t.note})`);
  if (migrationNote) console.log(`  ${migrationNote}`);
  console.log(`CSV export:       ${describeExport(reading)}`);
  console.log(`  client paused ${(pauseMs / 1000).toFixed(1)} s first: ${describeExport(paused)}`);
  console.log(`machine load avg: before ${loadBefore}, after ${loadAfter} (2 cores)`);
  if (others) console.log(`other busy processes at start:\n    ${others}`);
  const targets: Target[] = timings.map((t) => ({ what: `${t.what} p95 ≤ ${P95_TARGET_MS} ms`, met: t.p95 <= P95_TARGET_MS, measured: `p95 ${t.p95.toFixed(1)} ms` }));
  for (const [who, e] of [["reading client", reading], ["paused client", paused]] as const) {
    targets.push({ what: `CSV export of ${EXPORT_CUSTOMERS.toLocaleString("en")} customers complete (${who})`, met: e.rows === EXPORT_CUSTOMERS, measured: `${e.rows} rows` });
    targets.push({
      what: `CSV export streams (${who}): web process memory grows by less than the file's size`,
      met: e.growthMb < e.fileMb,
      measured: `+${e.growthMb.toFixed(1)} MB for a ${e.fileMb.toFixed(1)} MB file`,
    });
  }
  printTargets(targets);
  return targets.every((t) => t.met) ? 0 : 1;
});
