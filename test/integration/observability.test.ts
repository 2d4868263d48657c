// Operable in production (docs/operations.md): JSON logs with credentials
// redacted and job lines carrying shop and job id; Prometheus metrics scraped
// from the web's /metrics and the worker's health server, parsed here from the
// text format and checked against what the test itself did (one webhook → its
// topic's histogram count +1, one failing job → its failure counter +1, a
// bucket of 100 points restoring 50/s → the waits the pacing must take); the
// worker process serving /healthz, /readyz and /metrics on WORKER_HEALTH_PORT.
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createServer } from "node:net";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops } from "../support/score-seed";
import { allowConsole } from "../support/console";
import { eventually } from "../support/timing";

// Read by app/env.server.ts when the app's modules first load (after startRemixApp).
const METRICS_TOKEN = `observability-${randomUUID()}`;
process.env.METRICS_TOKEN = METRICS_TOKEN;

const SHOP = `observability-${process.pid}.myshopify.com`;
const UNKNOWN_SHOP = `observability-unknown-${process.pid}.myshopify.com`;
let app: RemixApp;
let db: typeof import("../../app/db.server");
let workerModule: typeof import("../../app/jobs/worker.server");
let workers: Worker[] = [];
let health: Server | undefined;

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  workerModule = await app.import("jobs/worker.server.ts");
  app.addShop(SHOP);
  expect((await app.handle(new Request(await app.documentUrl(SHOP, "/app")))).status).toBe(200);
});

afterAll(async () => {
  if (workers.length) await Promise.all(workers.map((w) => w.close()));
  await new Promise((resolve) => (health ? health.close(resolve) : resolve(undefined)));
  if (db) {
    await db.prisma.webhookEvent.deleteMany({ where: { shopDomain: SHOP } });
    await db.prisma.jobRun.deleteMany({ where: { shopDomain: { in: [SHOP, UNKNOWN_SHOP] } } });
    await removeShops(db.prisma, [SHOP]);
  }
  await app?.close();
});

// ------------------------------------------------- the text format, parsed here ----

type Samples = Map<string, number>;

/** `name{k="v",...} value` lines → "name{k=v,...}" (labels sorted) → value; comments skipped. */
function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}=${v}`).sort();
    samples.set(`${m[1]}{${labels.join(",")}}`, Number(m[3]));
  }
  return samples;
}

function sample(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const key = `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(",")}}`;
  return samples.get(key) ?? 0;
}

async function scrapeWeb(): Promise<Samples> {
  const res = await app.handle(new Request(`${app.appUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

// ------------------------------------------------------------------ webhooks ----

const sign = (body: string, secret = app.apiSecret) => createHmac("sha256", secret).update(body).digest("base64");

function webhook(topic: string, body: string, hmac = sign(body)) {
  return new Request(`${app.appUrl}/webhooks/${topic.split("/")[0]}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-01",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  });
}

describe("logs", () => {
  it("are one JSON object per line, with tokens and authorization headers redacted at any depth the paths cover", async () => {
    const { createLogger } = await app.import<typeof import("../../app/logger.server")>("logger.server.ts");
    const lines: string[] = [];
    const log = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    log.child({ shop: SHOP, jobId: "42" }).info(
      {
        accessToken: "shpat_top_secret_1",
        session: { accessToken: "shpat_nested_2", refreshToken: "shprt_nested_3", scope: "read_orders" },
        request: { headers: { authorization: "Bearer header_secret_4", "content-type": "application/json" } },
        deep: { a: { b: { token: "deep_secret_5" } } },
      },
      "token refreshed",
    );
    expect(lines).toHaveLength(1);
    for (const secret of ["shpat_top_secret_1", "shpat_nested_2", "shprt_nested_3", "header_secret_4", "deep_secret_5"]) expect(lines[0]).not.toContain(secret);
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({
      level: "info",
      msg: "token refreshed",
      shop: SHOP,
      jobId: "42",
      accessToken: "[Redacted]",
      session: { accessToken: "[Redacted]", refreshToken: "[Redacted]", scope: "read_orders" },
      request: { headers: { authorization: "[Redacted]", "content-type": "application/json" } },
      deep: { a: { b: { token: "[Redacted]" } } },
    });
    expect(new Date(record.time).toISOString()).toBe(record.time);
  });
});

describe("web /metrics", () => {
  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    expect((await app.handle(new Request(`${app.appUrl}/metrics`))).status).toBe(401);
    expect((await app.handle(new Request(`${app.appUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } }))).status).toBe(401);
    const ok = await app.handle(new Request(`${app.appUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(await ok.text());
    expect(sample(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sample(samples, "rfm_queue_depth_read_ok")).toBe(1);
  });

  it("one signed webhook adds one 2xx answer to its topic and one waiting job to the events queue; an unsigned one counts as unverified 4xx", async () => {
    const before = await scrapeWeb();
    const ok = await app.handle(webhook("customers/delete", JSON.stringify({ id: 8101 })));
    expect(ok.status).toBe(200);
    const forged = await app.handle(webhook("customers/delete", JSON.stringify({ id: 8102 }), sign("{}", "not-the-secret")));
    expect(forged.status).toBe(401);
    const after = await scrapeWeb();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("rfm_webhook_response_seconds_count", { topic: "customers/delete", status_class: "2xx" })).toBe(1);
    expect(delta("rfm_webhook_response_seconds_count", { topic: "unverified", status_class: "4xx" })).toBe(1);
    expect(delta("rfm_webhook_response_seconds_count", { topic: "customers/delete", status_class: "4xx" })).toBe(0);
    // The answer took more than 0 and less than Shopify's 5 s; the +Inf bucket holds it.
    const seconds = delta("rfm_webhook_response_seconds_sum", { topic: "customers/delete", status_class: "2xx" });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    expect(delta("rfm_webhook_response_seconds_bucket", { topic: "customers/delete", status_class: "2xx", le: "+Inf" })).toBe(1);
    // No worker takes the events queue in this process: the stored event's job waits.
    expect(delta("rfm_queue_jobs", { queue: "events", state: "waiting" })).toBe(1);
  });

  it("counts the Admin API throttle waits the pacing takes (bucket 100 points, restoring 50/s)", async () => {
    const { adminClientFor } = await app.import<typeof import("../../app/shopify.server")>("shopify.server.ts");
    app.sim.ctx.hooks!.setRateLimit(SHOP, { restoreRate: 50, maximumAvailable: 100 });
    const client = await adminClientFor(SHOP);
    const mutation = `mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["x"]) { userErrors { field message } } }`;
    const before = await scrapeWeb();
    const startedAt = performance.now();
    // Each call says it may cost 100; each is charged 10. The first goes at once (no status
    // yet); each later one finds about 90 available and waits about (100 − 90) / 50 = 0.2 s.
    for (let i = 0; i < 3; i++) await client.request<unknown>(mutation, {}, 100);
    const elapsed = (performance.now() - startedAt) / 1000;
    const after = await scrapeWeb();
    const delta = (name: string) => sample(after, name) - sample(before, name);
    expect(delta("rfm_admin_api_requests_total")).toBe(3);
    expect(delta("rfm_admin_api_throttled_total")).toBe(0);
    expect(delta("rfm_admin_api_throttle_wait_seconds_count")).toBe(2);
    const waited = delta("rfm_admin_api_throttle_wait_seconds_sum");
    expect(waited).toBeGreaterThan(0.3);
    expect(waited).toBeLessThanOrEqual(elapsed);
  });
});

describe("worker metrics and job logs (in this process)", () => {
  it("a failing job logs its shop and job id, and moves the failure counter and the duration histogram by one", async () => {
    const { startHealthServer, healthServerPort } = await app.import<typeof import("../../app/jobs/health-server.server")>("jobs/health-server.server.ts");
    const { enqueue } = await app.import<typeof import("../../app/queue.server")>("queue.server.ts");
    health = await startHealthServer({ port: 0, host: "127.0.0.1", workersNotReady: () => null });
    const base = `http://127.0.0.1:${healthServerPort(health)}`;
    const scrape = async () => {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      return parseMetrics(await res.text());
    };
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect(await (await fetch(`${base}/healthz`)).text()).toBe("ok");
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, problems: [] });

    allowConsole(/^job scoring\/recompute-shop \S+ failed for good: /, "warn");
    const warn = vi.spyOn(console, "warn");
    const before = await scrape();
    workers = workerModule.startWorkers(["scoring", "system"]);
    const failingId = await enqueue("recompute-shop", { shop: UNKNOWN_SHOP, reason: "observability test" });
    const pingId = await enqueue("ping", { value: `observability-${process.pid}` });
    const line = await eventually(() => warn.mock.calls.map((c) => String(c[0])).find((m) => m.startsWith(`job scoring/recompute-shop ${failingId} failed for good`)), {
      timeoutMs: 30_000,
      label: "the failure log line",
    });
    await eventually(() => db.prisma.jobRun.findFirst({ where: { name: "ping", jobId: pingId, status: "completed" } }), { timeoutMs: 30_000, label: "the ping run" });
    warn.mockRestore();
    // Under NODE_ENV=test a line is "msg {fields}" on the console (app/logger.server.ts).
    const fields = JSON.parse(line.slice(line.indexOf(" {") + 1));
    expect(fields).toMatchObject({ shop: UNKNOWN_SHOP, jobId: failingId, job: "recompute-shop", queue: "scoring", final: true });
    expect(line).not.toContain("observability test"); // the payload's other fields are not logged

    const after = await eventually(
      async () => {
        const s = await scrape();
        return sample(s, "rfm_job_duration_seconds_count", { job: "ping", outcome: "completed" }) > sample(before, "rfm_job_duration_seconds_count", { job: "ping", outcome: "completed" }) && s;
      },
      { timeoutMs: 10_000, label: "the ping's duration" },
    );
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("rfm_job_failures_total", { job: "recompute-shop", final: "true" })).toBe(1);
    expect(delta("rfm_job_failures_total", { job: "recompute-shop", final: "false" })).toBe(0);
    expect(delta("rfm_job_duration_seconds_count", { job: "recompute-shop", outcome: "failed" })).toBe(1);
    expect(delta("rfm_job_duration_seconds_count", { job: "ping", outcome: "completed" })).toBe(1);
  });
});

describe("worker process", () => {
  it("serves /healthz, /readyz and /metrics on WORKER_HEALTH_PORT and logs JSON lines", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    // development: the production format (JSON on stdout) without production's required secrets.
    const child = spawn("node_modules/.bin/node", ["--import", "tsx", "app/jobs/worker.server.ts"], {
      env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await eventually(() => output.includes("worker health server listening"), { timeoutMs: 60_000, timeoutMessage: () => `no health server:\n${output}` });
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/healthz`)).text()).toBe("ok");
      const ready = await fetch(`${base}/readyz`);
      expect(await ready.json()).toEqual({ ready: true, problems: [] });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const samples = parseMetrics(await metrics.text());
      expect(sample(samples, "rfm_queue_depth_read_ok")).toBe(1);
      expect([...samples.keys()].filter((k) => k.startsWith("rfm_queue_jobs{")).length).toBe(5 * 7); // 5 queues × 7 states
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    const records = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const started = records.find((r) => /^worker \d+ started/.test(r.msg));
    expect(started).toMatchObject({ level: "info", pid: child.pid, queues: ["events", "sync", "scoring", "writeback", "system"] });
    expect(records.find((r) => r.signal === "SIGTERM")).toMatchObject({ level: "info", msg: expect.stringContaining("received SIGTERM") });
  });
});
