// Privacy scan (issue 12, item 7; docs/privacy.md): the demo's flow against the
// real processes, on a store whose customers and guest buyers carry personal
// data as Shopify has it (names, emails, phones, addresses: the simulator's
// `personalData` option), then every table of the app's database and every
// line the web and worker processes wrote (stdout and stderr, whatever the
// logger) searched for every one of those strings. None may appear.
//
// The flow: install (token exchange), the Flow trigger turned on through the
// lifecycle callback, bulk backfill, recompute, write-back (tags, metafields,
// segments) and its customers/update echo, Flow triggers, live orders (new
// customers among them), customer updates and a new customer by webhook, an
// opt-out, customers/data_request (the records the app keeps for the
// merchant) and a customers/redact.
//
// The run's Redis keys (queued, finished and failed jobs) are searched too.
//
// The zero means something only if the scanner can see: a self-check plants
// personal strings in a scratch table (text, jsonb and text[] columns), a
// Redis key and a log line and requires the scan to report exactly those.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimPerson } from "../simulator/model";
import type { PersonalDataRow } from "../simulator/personal-data";
import { testDatabaseUrl } from "../test-env";
import {
  API_SECRET,
  REDIS_URL,
  ROOT,
  clearQueuePrefix,
  dbClient,
  NODE,
  installApp,
  prepareDatabase,
  simJson,
  spawnNode,
  startSimulatorForApp,
  stopAll,
  waitForHttp,
  type Child,
} from "../support/procs";
import { eventually, sleep } from "../support/timing";

const SHOP = "privacy-scan.myshopify.com";
/** Its own build (not build/, which the demo and benchmarks share, nor the browser tests'). */
const BUILD_DIR = ".cache/privacy-build";
const STEP_MS = 180_000;
/** The captured log lines are kept here for a look (test-results/ is not committed). */
const LOG_DIR = join(ROOT, "test-results", "privacy-scan");

const log = (msg: string) => console.log(`[privacy ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ------------------------------------------------------------- needles ----

interface Needle {
  text: string;
  kind: string;
}

/** Every personal string of every person, each once (case-insensitive), with what it is. */
function needlesOf(rows: PersonalDataRow[]): Needle[] {
  const byText = new Map<string, Needle>();
  const add = (text: string | null, kind: string) => {
    if (text && !byText.has(text.toLowerCase())) byText.set(text.toLowerCase(), { text, kind });
  };
  for (const { person } of rows) {
    const p: SimPerson = person;
    const a = p.defaultAddress;
    add(p.firstName, "first name");
    add(p.lastName, "last name");
    add(`${p.firstName} ${p.lastName}`, "full name");
    add(p.email, "email");
    add(p.phone, "phone");
    add(p.phone.replace(/^\+/, ""), "phone digits");
    add(a.address1, "address1");
    add(a.address2, "address2");
    add(a.city, "city");
    add(a.province, "province");
    add(a.zip, "zip");
    add(a.country, "country");
  }
  return [...byText.values()];
}

/** Aho–Corasick over lower-cased text: every needle found in one pass. */
class Scanner {
  private next: Map<number, number>[] = [new Map()];
  private fail: number[] = [0];
  private out: number[][] = [[]];

  constructor(readonly needles: Needle[]) {
    needles.forEach((n, i) => {
      let s = 0;
      for (const ch of n.text.toLowerCase()) {
        const c = ch.codePointAt(0)!;
        let t = this.next[s].get(c);
        if (t === undefined) {
          t = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          this.next[s].set(c, t);
        }
        s = t;
      }
      this.out[s].push(i);
    });
    const queue: number[] = [...this.next[0].values()];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      for (const [c, t] of this.next[s]) {
        let f = this.fail[s];
        while (f !== 0 && !this.next[f].has(c)) f = this.fail[f];
        const g = this.next[f].get(c);
        this.fail[t] = g !== undefined && g !== t ? g : 0;
        this.out[t] = [...this.out[t], ...this.out[this.fail[t]]];
        queue.push(t);
      }
    }
  }

  /** Indices of the needles in `text`. */
  find(text: string): number[] {
    const found = new Set<number>();
    let s = 0;
    for (const ch of text.toLowerCase()) {
      const c = ch.codePointAt(0)!;
      while (s !== 0 && !this.next[s].has(c)) s = this.fail[s];
      s = this.next[s].get(c) ?? 0;
      for (const i of this.out[s]) found.add(i);
    }
    return [...found];
  }
}

// -------------------------------------------------------------- the scan ----

interface Finding {
  where: string;
  needle: string;
  kind: string;
  excerpt: string;
}
interface DbScan {
  tables: number;
  columns: number;
  rows: number;
  findings: Finding[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function excerpt(text: string, needle: string): string {
  const at = text.toLowerCase().indexOf(needle.toLowerCase());
  return text.slice(Math.max(0, at - 60), at + needle.length + 60);
}

/** Every text, varchar, json, jsonb and text-array column of every table in the public schema, cast to text. */
async function scanDatabase(db: pg.Pool, scanner: Scanner): Promise<DbScan> {
  const { rows: cols } = await db.query<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = 'public'
        and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'USER-DEFINED')
             or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar', '_bpchar', '_json', '_jsonb')))
      order by c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of cols) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  const out: DbScan = { tables: byTable.size, columns: cols.length, rows: 0, findings: [] };
  for (const [table, columns] of byTable) {
    const select = columns.map((c, i) => `${quote(c)}::text as c${i}`).join(", ");
    const { rows } = await db.query<Record<string, string | null>>(`select ${select} from ${quote(table)}`);
    out.rows += rows.length;
    for (const row of rows) {
      columns.forEach((column, i) => {
        const value = row[`c${i}`];
        if (!value) return;
        for (const n of scanner.find(value)) {
          const needle = scanner.needles[n];
          out.findings.push({ where: `${table}.${column}`, needle: needle.text, kind: needle.kind, excerpt: excerpt(value, needle.text) });
        }
      });
    }
  }
  return out;
}

interface RedisScan {
  keys: number;
  values: number;
  findings: Finding[];
}

/** Every key of the run's queue prefix (BullMQ's job hashes, lists, sets, streams), every value. */
async function scanRedis(prefix: string, scanner: Scanner): Promise<RedisScan> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL);
  const out: RedisScan = { keys: 0, values: 0, findings: [] };
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const values =
          type === "string"
            ? [(await redis.get(key)) ?? ""]
            : type === "hash"
              ? Object.entries(await redis.hgetall(key)).flat()
              : type === "list"
                ? await redis.lrange(key, 0, -1)
                : type === "set"
                  ? await redis.smembers(key)
                  : type === "zset"
                    ? await redis.zrange(key, 0, -1)
                    : type === "stream"
                      ? (await redis.xrange(key, "-", "+")).flatMap(([id, fields]) => [id, ...fields])
                      : [];
        out.keys++;
        for (const value of [key, ...values]) {
          out.values++;
          for (const n of scanner.find(value)) {
            const needle = scanner.needles[n];
            out.findings.push({ where: `redis ${key}`, needle: needle.text, kind: needle.kind, excerpt: excerpt(value, needle.text) });
          }
        }
      }
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return out;
}

function scanLines(lines: { source: string; line: string }[], scanner: Scanner): Finding[] {
  const findings: Finding[] = [];
  for (const { source, line } of lines) {
    for (const n of scanner.find(line)) {
      const needle = scanner.needles[n];
      findings.push({ where: `log ${source}`, needle: needle.text, kind: needle.kind, excerpt: excerpt(line, needle.text) });
    }
  }
  return findings;
}

const describeFindings = (f: Finding[]) => f.slice(0, 20).map((x) => `${x.where}: ${x.kind} ${JSON.stringify(x.needle)} in …${x.excerpt}…`);

// --------------------------------------------------------------- the run ----

/** Every line a child writes on stdout and stderr, from its first byte (procs' own tail keeps only the last 200). */
function capture(child: Child, into: { source: string; line: string }[]): void {
  for (const [stream, name] of [
    [child.proc.stdout!, "stdout"],
    [child.proc.stderr!, "stderr"],
  ] as const) {
    let partial = "";
    stream.on("data", (buf: Buffer) => {
      const parts = (partial + buf.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      for (const l of parts) if (l) into.push({ source: `${child.name} ${name}`, line: l });
    });
    stream.on("end", () => {
      if (partial) into.push({ source: `${child.name} ${name}`, line: partial });
      partial = "";
    });
  }
}

/**
 * procs' ensureBuild, run in a child process: its spawnSync would block this test process
 * for the whole build (a minute or two on a loaded machine), and vitest's RPC with it.
 */
async function ensureBuildInChild(dir: string): Promise<void> {
  const child = spawn(NODE, ["--import", "tsx", "-e", `import("./test/support/procs.ts").then((m) => m.ensureBuild(${JSON.stringify(dir)}))`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`building the web app into ${dir} failed:\n${output}`);
  if (output.trim()) log(output.trim());
}

function privacyDatabaseName(): string {
  const name = decodeURIComponent(new URL(testDatabaseUrl()).pathname.slice(1));
  return `${name}_privacy`.replace(/[^a-z0-9_]/g, "_");
}

describe("privacy scan: no customer's personal data in the app's tables or logs", () => {
  const logLines: { source: string; line: string }[] = [];
  const prefix = `privacy-${process.pid}`;
  const dbName = privacyDatabaseName();
  let db: pg.Pool;
  let simUrl = "";
  let scanner: Scanner;
  let people: PersonalDataRow[] = [];
  const figures: Record<string, number | string> = {};
  /** Delivered webhooks whose payload carried personal data, per topic. */
  const withPersonalData: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    await ensureBuildInChild(BUILD_DIR);
    const databaseUrl = await prepareDatabase(dbName, { fresh: true });
    const stage = await startSimulatorForApp({ databaseUrl, queuePrefix: prefix, simMaxOldSpaceMb: 1024 });
    const { appPort, appUrl } = stage;
    simUrl = stage.simUrl;
    const summary = await simJson(simUrl, "POST", "/_sim/shops", {
      domain: SHOP,
      name: "Privacy Scan Store",
      plan: "advanced",
      generate: { seed: 12, customers: 400, years: 2, plantedTraits: true, personalData: true },
    });
    // The most verbose the app logs: whatever a debug line carries is scanned too.
    const env = { ...stage.env, LOG_LEVEL: "debug" };
    const web = spawnNode("web", [join(ROOT, "node_modules/@remix-run/serve/dist/cli.js"), `./${BUILD_DIR}/server/index.js`], { ...env, PORT: String(appPort), HOST: "127.0.0.1" });
    capture(web, logLines);
    const worker = spawnNode("worker", ["--import", "tsx", join(ROOT, "app/jobs/worker.server.ts")], env);
    capture(worker, logLines);
    await waitForHttp(`${appUrl}/`, web, 60_000);
    db = dbClient(databaseUrl);
    const one = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;
    const wait = <T>(label: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = STEP_MS) =>
      eventually(probe, { timeoutMs, intervalMs: 250, timeoutMessage: `timed out waiting for ${label}` });
    const settled = async (label: string) => {
      await simJson(simUrl, "POST", "/_sim/webhooks/flush", { timeoutMs: 120_000 });
      await wait(label, async () => {
        const r = await one<{ pending: number; running: number; flow: number }>(
          `select (select count(*) from "WebhookEvent" where status = 'pending')::int as pending,
                  (select count(*) from "JobRun" where status = 'running')::int as running,
                  (select count(*) from "SegmentTransition" where "flowStatus" in ('pending', 'sending'))::int
                    + (select count(*) from "TraitEvent" where "flowStatus" in ('pending', 'sending'))::int as flow`,
        );
        return r.pending === 0 && r.running === 0 && r.flow === 0;
      });
    };
    log(`simulator ${simUrl} (${summary.customers} customers, ${summary.orders} orders), web ${appUrl}, worker, database ${dbName}`);

    await installApp({ simUrl, appUrl, shop: SHOP });
    const { id: shopId } = await wait("the shop row", () => one<{ id: string }>(`select id from "Shop" where domain = $1`, [SHOP]));
    // What Flow does when the merchant turns on a workflow using the trigger (scripts/demo.ts).
    const body = JSON.stringify({ flow_trigger_definition_id: "rfm-segment-changed", has_enabled_flow: true, shop_id: summary.id ?? 1, shopify_domain: SHOP, timestamp: new Date().toISOString() });
    const lifecycle = await fetch(`${appUrl}/flow/lifecycle`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-hmac-sha256": createHmac("sha256", API_SECRET).update(body).digest("base64") },
      body,
    });
    expect(lifecycle.status).toBe(200);

    const synced = await wait("the backfill", async () => {
      const r = await one<{ syncStatus: string; syncError: string | null }>(`select "syncStatus", "syncError" from "Shop" where id = $1`, [shopId]);
      return r.syncStatus === "completed" || r.syncStatus === "failed" ? r : null;
    });
    if (synced.syncStatus !== "completed") throw new Error(`backfill failed: ${synced.syncError}`);
    const recompute = await wait("the recompute", () =>
      one<{ status: string; error: string | null; finishedAt: Date }>(`select status, error, "finishedAt" from "JobRun" where name = 'recompute-shop' and "shopDomain" = $1 and status <> 'running' order by id limit 1`, [SHOP]),
    );
    if (recompute.status !== "completed") throw new Error(`recompute failed: ${recompute.error}`);
    await wait("the write-back", () =>
      one(`select id from "JobRun" where name = 'write-back' and "shopDomain" = $1 and status = 'completed' and "startedAt" >= $2 order by id limit 1`, [SHOP, recompute.finishedAt]),
    );
    await settled("the write-back echo and Flow triggers");
    log(`installed, backfilled, scored, written back (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

    // Live: orders from existing, new and guest buyers, refunds and cancellations.
    await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/live`, { rate: 4, seconds: 10, seed: 3, newCustomerShare: 0.3, wait: true });
    // Customer updates by webhook: merchant tags, one opt-out, a new customer and its order, a guest order.
    const customers = (await simJson<{ id: number; deleted: boolean; tags: string[] }[]>(simUrl, "GET", `/_sim/shops/${SHOP}/customers`)).filter((c) => !c.deleted);
    const [optOut, dataA, dataB, redacted, ...rest] = customers.slice(10);
    for (const c of rest.slice(0, 4)) await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/customers/${c.id}/update`, { tags: [...c.tags, "wholesale"] });
    await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/customers/${optOut.id}/update`, { tags: [...optOut.tags, "no-profiling"] });
    const created = await simJson<{ customer: { id: number } }>(simUrl, "POST", `/_sim/shops/${SHOP}/customers`, {});
    await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/orders`, { customerId: created.customer.id, amount: "41.50" });
    await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/orders`, { guest: true, amount: "19.99" });
    await settled("the live orders, updates and rescoring");
    await sleep(3000); // debounced rescores and their write-backs
    await settled("the rescores' write-backs");

    // Compliance: two data requests (records kept for the merchant) and one redaction.
    for (const c of [dataA, dataB]) await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/compliance/customers/data_request`, { customerId: c.id });
    await simJson(simUrl, "POST", `/_sim/shops/${SHOP}/compliance/customers/redact`, { customerId: redacted.id });
    await wait("the data-request records", async () => (await one<{ n: number }>(`select count(*)::int as n from "DataRequest" where "shopId" = $1`, [shopId])).n >= 2);
    await settled("the compliance webhooks");

    const flow = await simJson<unknown[]>(simUrl, "GET", `/_sim/flow-triggers?shop=${SHOP}`);
    const counts = await one<Record<string, number>>(
      `select (select count(*) from "Customer" where "shopId" = $1)::int as customers,
              (select count(*) from "Order" where "shopId" = $1)::int as orders,
              (select count(*) from "CustomerScore" where "shopId" = $1)::int as scores,
              (select count(*) from "WebhookEvent" where "shopDomain" = $2)::int as webhooks,
              (select count(*) from "DataRequest" where "shopId" = $1)::int as "dataRequests",
              (select count(*) from "JobRun" where "shopDomain" = $2)::int as "jobRuns"`,
      [shopId, SHOP],
    );
    Object.assign(figures, counts, { flowTriggers: flow.length });
    expect(flow.length).toBeGreaterThan(0);
    expect(counts.dataRequests).toBe(2);

    // Stop the app so every line it wrote has been read; then the needles, after all the traffic.
    await worker.stop();
    await web.stop();
    people = await simJson<PersonalDataRow[]>(simUrl, "GET", `/_sim/shops/${SHOP}/personal-data`);
    scanner = new Scanner(needlesOf(people));
    // What the app was handed: the webhooks delivered to it, and how many carried personal data.
    const { emitted } = await simJson<{ emitted: { topic: string; outcome: string; payload: unknown }[] }>(simUrl, "GET", `/_sim/webhooks/log?shop=${SHOP}&payloads=1`);
    for (const w of emitted) {
      if (w.outcome !== "delivered" || w.payload === undefined || scanner.find(JSON.stringify(w.payload)).length === 0) continue;
      withPersonalData[w.topic] = (withPersonalData[w.topic] ?? 0) + 1;
    }
    figures.webhooksDelivered = emitted.filter((w) => w.outcome === "delivered").length;
    await stopAll();
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(join(LOG_DIR, "app-logs.txt"), logLines.map((l) => `[${l.source}] ${l.line}`).join("\n") + "\n");
    log(`flow done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(figures)}`);
  }, 20 * 60_000);

  afterAll(async () => {
    await db?.query(`drop table if exists privacy_scan_scratch`).catch(() => undefined);
    await db?.end().catch(() => undefined);
    await stopAll();
    await clearQueuePrefix(prefix).catch(() => undefined);
    const admin = new URL(testDatabaseUrl());
    admin.pathname = "/postgres";
    const client = dbClient(admin.toString());
    await client.query(`drop database if exists "${dbName}" with (force)`).catch(() => undefined);
    await client.end();
  });

  it("has personal data to look for, and logs to look in", () => {
    const customers = people.filter((p) => p.customerId !== null).length;
    expect(customers).toBeGreaterThan(400); // the generated 400 and those created since
    expect(people.some((p) => p.customerId === null)).toBe(true); // guest buyers
    expect(logLines.filter((l) => l.source.startsWith("worker")).length).toBeGreaterThan(0);
    expect(logLines.filter((l) => l.source.startsWith("web")).length).toBeGreaterThan(0);
    // The app was handed personal data in every kind of payload that carries it (so stripping it is what kept it out).
    log(`webhooks delivered with personal data, by topic: ${JSON.stringify(withPersonalData)}`);
    for (const topic of ["orders/create", "customers/create", "customers/update", "customers/data_request", "customers/redact"]) expect(withPersonalData[topic] ?? 0, topic).toBeGreaterThan(0);
  });

  it("self-check: the scan reports personal strings planted in a scratch table and in a log line", async () => {
    const [a, b, c] = people.map((p) => p.person);
    await db.query(`create table privacy_scan_scratch (note text, payload jsonb, labels text[])`);
    try {
      await db.query(`insert into privacy_scan_scratch values ($1, null, null), (null, $2, null), (null, null, $3)`, [
        `contact: ${a.email.toUpperCase()}`,
        JSON.stringify({ deep: { nested: [{ phone: b.phone }] } }),
        ["vip", c.defaultAddress.address1],
      ]);
      const scan = await scanDatabase(db, scanner);
      const found = scan.findings.filter((f) => f.where.startsWith("privacy_scan_scratch.")).map((f) => `${f.where} ${f.needle}`);
      // The oracle: a naive case-insensitive substring test of every needle against each planted value as PostgreSQL prints it.
      const { rows } = await db.query<{ note: string | null; payload: string | null; labels: string | null }>(`select note, payload::text as payload, labels::text as labels from privacy_scan_scratch`);
      const expected = rows.flatMap((r) =>
        (["note", "payload", "labels"] as const).flatMap((col) =>
          r[col] ? scanner.needles.filter((n) => r[col]!.toLowerCase().includes(n.text.toLowerCase())).map((n) => `privacy_scan_scratch.${col} ${n.text}`) : [],
        ),
      );
      expect(found.sort()).toEqual(expected.sort());
      expect(found).toEqual(expect.arrayContaining([`privacy_scan_scratch.note ${a.email}`, `privacy_scan_scratch.payload ${b.phone}`, `privacy_scan_scratch.labels ${c.defaultAddress.address1}`]));
    } finally {
      await db.query(`drop table if exists privacy_scan_scratch`);
    }
    const { Redis } = await import("ioredis");
    const redis = new Redis(REDIS_URL);
    try {
      await redis.hset(`${prefix}:privacy-scratch`, "data", JSON.stringify({ customer: { email: a.email } }));
      const found = (await scanRedis(prefix, scanner)).findings.filter((f) => f.where === `redis ${prefix}:privacy-scratch`).map((f) => f.needle);
      expect(found).toContain(a.email);
    } finally {
      await redis.del(`${prefix}:privacy-scratch`);
      redis.disconnect();
    }
    const line = `{"level":"info","msg":"order for ${c.firstName} ${c.lastName}"}`;
    const planted = scanLines([...logLines, { source: "planted", line }], scanner).filter((f) => f.where === "log planted");
    expect(planted.map((f) => f.needle).sort()).toEqual(scanner.needles.filter((n) => line.toLowerCase().includes(n.text.toLowerCase())).map((n) => n.text).sort());
    expect(planted.map((f) => f.kind)).toEqual(expect.arrayContaining(["first name", "last name", "full name"]));
  });

  it("finds none of them in any table or any log line", async () => {
    const scan = await scanDatabase(db, scanner);
    const logFindings = scanLines(logLines, scanner);
    const queued = await scanRedis(prefix, scanner);
    const line = `tables ${scan.tables}, columns ${scan.columns}, rows ${scan.rows}, redis keys ${queued.keys} (${queued.values} values), log lines ${logLines.length} (web ${logLines.filter((l) => l.source.startsWith("web")).length}, worker ${logLines.filter((l) => l.source.startsWith("worker")).length}), people ${people.length}, needles ${scanner.needles.length}; found in tables ${scan.findings.length}, in redis ${queued.findings.length}, in logs ${logFindings.length}`;
    log(`scanned: ${line}`);
    log(`flow: ${JSON.stringify(figures)}`);
    expect(describeFindings(scan.findings)).toEqual([]);
    expect(describeFindings(logFindings)).toEqual([]);
    expect(describeFindings(queued.findings)).toEqual([]);
    expect(queued.keys).toBeGreaterThan(0);
    expect(scan.tables).toBeGreaterThan(10);
  });

  it("finds no Shopify access or refresh token either (tokens are ciphertext at rest, never logged or queued)", async () => {
    const tokens = new Scanner([
      { text: "shpat_", kind: "offline access token" },
      { text: "shpua_", kind: "online access token" },
      { text: "shprt_", kind: "refresh token" },
    ]);
    const found = [...(await scanDatabase(db, tokens)).findings, ...(await scanRedis(prefix, tokens)).findings, ...scanLines(logLines, tokens)];
    expect(describeFindings(found)).toEqual([]);
  });
});
