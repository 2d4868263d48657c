// Prometheus metrics of one process (web or worker), one registry, served in
// the text exposition format by the web's /metrics route and the worker's
// health server (docs/operations.md, "Metrics"). Labels are bounded sets (job
// names, queue names, states, topics Shopify signed, status classes): never a
// shop, customer or id, so the series count does not grow with the shops.
import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { env } from "./env.server";

const registry = new Registry();
// process_* and nodejs_* (CPU, memory, event loop lag, GC), under their standard names.
collectDefaultMetrics({ register: registry });

/** Counts of jobs per queue and state, read when scraped (the queue module supplies the reader). */
type QueueDepthReader = () => Promise<{ queue: string; state: string; count: number }[]>;
let readQueueDepths: QueueDepthReader | undefined;

/** The queue module registers how to read the depths (this module imports nothing above it). */
export function observeQueueDepths(reader: QueueDepthReader): void {
  readQueueDepths = reader;
}

type QueueDepths = { queue: string; state: string; count: number }[] | null;
let inFlight: Promise<QueueDepths> | undefined;

/** One read per scrape, shared by the two gauges below (the registry collects them concurrently). */
function readDepthsOnce(): Promise<QueueDepths> {
  if (!inFlight) {
    const reader = readQueueDepths;
    inFlight = (reader ? reader() : Promise.resolve([])).catch(() => null); // null: Redis down (and /readyz says why)
    void inFlight.finally(() => (inFlight = undefined));
  }
  return inFlight;
}

new Gauge({
  name: "rfm_queue_depth_read_ok",
  help: "1 when this scrape read the queue depths from Redis, 0 when it could not",
  registers: [registry],
  async collect() {
    this.set((await readDepthsOnce()) === null ? 0 : 1);
  },
});

new Gauge({
  name: "rfm_queue_jobs",
  help: "Jobs per BullMQ queue and state (waiting, active, delayed, prioritized, waiting-children, failed, completed), read from Redis on scrape",
  labelNames: ["queue", "state"],
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, state, count } of (await readDepthsOnce()) ?? []) this.set({ queue, state }, count);
  },
});

export const jobDuration = new Histogram({
  name: "rfm_job_duration_seconds",
  help: "Wall time of one job attempt in the worker, by job name and outcome (completed, failed, delayed)",
  labelNames: ["job", "outcome"],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: "rfm_job_failures_total",
  help: "Failed job attempts by job name; final=true when no retry follows (attempts used up or unrecoverable)",
  labelNames: ["job", "final"],
  registers: [registry],
});

export const webhookResponseTime = new Histogram({
  name: "rfm_webhook_response_seconds",
  help: "Time from a webhook request's arrival to its answer, by topic (as signed by Shopify; 'unverified' before the HMAC check passes) and status class",
  labelNames: ["topic", "status_class"],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const adminRequests = new Counter({
  name: "rfm_admin_api_requests_total",
  help: "Admin GraphQL requests sent by the gateway (each retry counts)",
  registers: [registry],
});

const adminThrottled = new Counter({
  name: "rfm_admin_api_throttled_total",
  help: "Admin GraphQL responses that were THROTTLED (retried after the bucket's wait)",
  registers: [registry],
});

const adminThrottleWait = new Histogram({
  name: "rfm_admin_api_throttle_wait_seconds",
  help: "Each wait the gateway paced itself for before a request, from the bucket's throttleStatus (sum = total time spent waiting)",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
  registers: [registry],
});

/** The gateway's hooks (app/shopify/admin-client.server.ts): plain numbers, no shop. */
export const adminApiMetrics = {
  request: () => adminRequests.inc(),
  throttled: () => adminThrottled.inc(),
  waited: (ms: number) => adminThrottleWait.observe(ms / 1000),
};

/** "2xx", "4xx", "5xx" for a status code. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Whether a scrape may read the metrics: always without METRICS_TOKEN, else only with `Bearer <token>`. */
function metricsRequestAllowed(authorization: string | null): boolean {
  if (!env.METRICS_TOKEN) return true;
  const given = Buffer.from(authorization ?? "");
  const expected = Buffer.from(`Bearer ${env.METRICS_TOKEN}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The scrape answer: the registry in Prometheus text format, or 401. */
export async function metricsResponse(authorization: string | null): Promise<{ status: number; contentType: string; body: string }> {
  if (!metricsRequestAllowed(authorization)) return { status: 401, contentType: "text/plain", body: "Unauthorized" };
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}
