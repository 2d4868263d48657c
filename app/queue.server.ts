// The one queue module: queues, one definition per job (name, queue, zod
// payload schema, job identity, options), the Redis connections, enqueueing
// and the repeating schedules. Nothing else builds a job id or picks options.
//
// Job identity comes in two kinds (docs/decisions/0006-queues-and-job-ids.md):
// - a job id, for work that must happen once per thing (one webhook event,
//   one bulk operation, one Flow transition): a second add is a no-op;
// - a deduplication id with keepLastIfActive, for per-shop recomputes and
//   write-backs that read their data when they run: adds while one waits are
//   absorbed, an add while one runs leaves exactly one rerun behind it.
import { Queue, type Job, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { observeQueueDepths } from "./metrics.server";

export const QUEUES = {
  events: "events", // apply stored webhook events
  sync: "sync", // bulk backfill, incremental reconciliation, sweeps
  scoring: "scoring", // full recompute, live rescore
  writeback: "writeback", // tags, metafields, segments, Flow
  system: "system", // health checks, retention
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const shop = z.string().min(1);
const numericId = z.string().regex(/^\d+$/, "a numeric id");

/** Live rescores of one customer wait this long so a burst of events is scored once. */
export const RESCORE_DEBOUNCE_MS = 300;
/** A run of locked work (a definition's locks) that found its lock held waits about this long before trying again. */
export const EXCLUSIVE_RETRY_MS = 1000;
/** The bulk-export poll (bulk-finished re-delays itself while the export runs). */
export const BULK_POLL_DELAY_MS = 1000;

/**
 * The BullMQ priority of a shop's recompute in the nightly fan-out, from its customer count:
 * 1 + floor(log2(customers + 1)), so smaller shops are taken first (1 is BullMQ's highest;
 * 200,000 customers is 18, 1M is 20, far below its 2^21 cap) and a long tail of small shops
 * never queues behind a few big ones. Jobs added without a priority (live rescores, a settings
 * change's recompute) are taken before any prioritized job (docs/decisions/0015, "Fairness").
 */
export function recomputePriority(customers: number): number {
  return 1 + Math.floor(Math.log2(Math.max(0, customers) + 1));
}

interface JobLock {
  key: string;
  mode: "exclusive" | "shared";
}

interface JobDefinition<S extends z.ZodTypeAny> {
  queue: QueueName;
  schema: S;
  /** Once-only work: the BullMQ job id. */
  jobId?: (data: z.infer<S>) => string;
  /** Rerun-with-latest work: the deduplication id (keepLastIfActive). */
  dedupId?: (data: z.infer<S>) => string;
  /**
   * Work that must not overlap across worker processes: the worker holds these
   * PostgreSQL advisory locks around the run (and its JobRun row), each
   * exclusive or shared (shared holders run side by side, never beside an
   * exclusive one); a run that finds one taken is put back, delayed
   * (EXCLUSIVE_RETRY_MS). BullMQ's de-duplication alone does not exclude a
   * stalled job's re-run, nor a live rescore beside the full recompute
   * (docs/decisions/0015-scale-out-and-fairness.md).
   */
  locks?: (data: z.infer<S>) => JobLock[];
  options?: JobsOptions;
  /** Record a JobRun row (skipped for high-volume jobs such as webhook apply). */
  recordRun: boolean;
}

const define = <S extends z.ZodTypeAny>(definition: JobDefinition<S>) => definition;

export const JOBS = {
  "apply-webhook": define({
    queue: "events",
    schema: z.object({ eventId: numericId }),
    jobId: (d) => `webhook-${d.eventId}`, // the sweep re-enqueues under the same id
    recordRun: false,
  }),
  "initial-sync": define({
    queue: "sync",
    schema: z.object({ shop }),
    dedupId: (d) => `initial-sync-${d.shop}`, // a re-install re-syncs, never two at once
    recordRun: true,
  }),
  "bulk-finished": define({
    queue: "sync",
    schema: z.object({ shop, bulkOperationId: z.string().min(1) }),
    jobId: (d) => `bulk-${d.bulkOperationId}`, // the finish webhook and the poll land on one job
    recordRun: true,
  }),
  "incremental-sync": define({
    queue: "sync",
    schema: z.object({ shop }),
    dedupId: (d) => `incremental-sync-${d.shop}`,
    recordRun: true,
  }),
  "sweep-events": define({
    queue: "sync",
    schema: z.object({ olderThanMs: z.number().int().nonnegative().optional() }),
    // Under a backlog one sweep can outlast the 30 s schedule: never two at once.
    locks: () => [{ key: "sweep-events", mode: "exclusive" }],
    recordRun: false,
  }),
  "reconcile-all": define({ queue: "sync", schema: z.object({}), recordRun: false }),
  "recompute-all": define({ queue: "scoring", schema: z.object({}), recordRun: false }),
  "recompute-shop": define({
    queue: "scoring",
    schema: z.object({ shop, reason: z.string() }),
    dedupId: (d) => `recompute-shop-${d.shop}`,
    locks: (d) => [{ key: `scoring:${d.shop}`, mode: "exclusive" }],
    recordRun: true,
  }),
  "rescore-customer": define({
    queue: "scoring",
    schema: z.object({ shop, customerId: numericId }),
    dedupId: (d) => `rescore-${d.shop}-${d.customerId}`,
    // Never beside the shop's recompute, nor beside another rescore of the same customer (a stalled one's re-run).
    locks: (d) => [
      { key: `scoring:${d.shop}`, mode: "shared" },
      { key: `rescore:${d.shop}:${d.customerId}`, mode: "exclusive" },
    ],
    options: { delay: RESCORE_DEBOUNCE_MS, removeOnComplete: true, removeOnFail: 100 },
    recordRun: false,
  }),
  "write-back": define({
    queue: "writeback",
    schema: z.object({ shop, customerIds: z.array(numericId).optional() }),
    // A full write-back per shop; a live one per customer (a burst of live
    // changes to one customer writes once, with the latest score).
    dedupId: (d) => (d.customerIds ? `write-back-${d.shop}-${[...d.customerIds].sort().join("-")}` : `write-back-${d.shop}`),
    // One full write-back per shop at a time; live ones side by side, never beside a full one (both would send the same tags).
    locks: (d) => [{ key: `write-back:${d.shop}`, mode: d.customerIds ? "shared" : "exclusive" }],
    recordRun: true,
  }),
  "flow-trigger": define({
    queue: "writeback",
    schema: z.object({ shop, transitionId: numericId }),
    jobId: (d) => `flow-${d.transitionId}`,
    recordRun: false,
  }),
  "flow-trait": define({
    queue: "writeback",
    schema: z.object({ shop, traitEventId: numericId }),
    jobId: (d) => `flow-trait-${d.traitEventId}`,
    recordRun: false,
  }),
  // Daily: deletes what is past its retention period (docs/operations.md, "Retention").
  "enforce-retention": define({ queue: "system", schema: z.object({}), recordRun: true }),
  ping: define({ queue: "system", schema: z.object({ value: z.string() }), jobId: (d) => `ping-${d.value}`, recordRun: true }),
};

export type JobName = keyof typeof JOBS;
export type JobPayloads = { [N in JobName]: z.infer<(typeof JOBS)[N]["schema"]> };

/** Parses a payload against its job's schema (the worker does this before processing). */
export function parseJobData<N extends JobName>(name: N, data: unknown): JobPayloads[N] {
  return JOBS[name].schema.parse(data) as JobPayloads[N];
}

/** The advisory locks a job's run holds (none for most jobs), in the order they are taken. */
export function jobLocksOf<N extends JobName>(name: N, data: JobPayloads[N]): JobLock[] {
  const definition = JOBS[name] as unknown as JobDefinition<z.ZodTypeAny>;
  return definition.locks?.(data) ?? [];
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

// BullMQ rejects ":" in custom ids (its key separator); gids and shop domains have no other.
const safeId = (id: string) => id.replaceAll(":", "_");

/** The BullMQ options of one job: its identity and its definition's options. */
export function jobOptions<N extends JobName>(name: N, data: JobPayloads[N]): JobsOptions {
  const definition = JOBS[name] as unknown as JobDefinition<z.ZodTypeAny>;
  const options: JobsOptions = { ...definition.options };
  if (definition.jobId) options.jobId = safeId(definition.jobId(data));
  if (definition.dedupId) options.deduplication = { id: safeId(definition.dedupId(data)), keepLastIfActive: true };
  return options;
}

/** Workers block on Redis and must retry forever: BullMQ needs maxRetriesPerRequest null. */
export function createWorkerConnection(): Redis {
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error) => logger.error({ component: "redis", role: "worker" }, `worker redis: ${error.message}`));
  return connection;
}

/**
 * Producers fail fast when Redis is unreachable (no offline queue, a short
 * command timeout): a webhook still answers in time, its event is already in
 * PostgreSQL, and the sweep enqueues it once Redis is back.
 */
const PRODUCER_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 2000,
};

let producerConnection: Redis | undefined;
const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    if (!producerConnection) {
      producerConnection = new Redis(env.REDIS_URL, PRODUCER_OPTIONS);
      producerConnection.on("error", (error) => logger.error({ component: "redis", role: "producer" }, `producer redis: ${error.message}`));
    }
    queue = new Queue(name, {
      connection: producerConnection,
      prefix: env.QUEUE_PREFIX,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    });
    queue.on("error", (error) => logger.error({ queue: name }, `queue ${name}: ${error.message}`));
    queues.set(name, queue);
  }
  return queue;
}

/** Whether Redis answers a PING within the producers' timeout (readiness checks). */
export async function redisReachable(): Promise<boolean> {
  try {
    getQueue(QUEUES.system); // opens the producer connection
    const connection = producerConnection!;
    if (connection.status !== "ready") {
      // No offline queue: wait (bounded) for the connection before asking.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timeout")), 2000);
        connection.once("ready", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return (await connection.ping()) === "PONG";
  } catch {
    return false;
  }
}

const PRODUCER_DEADLINE_MS = 2500;

/**
 * Adds a job with its definition's identity and options; `overrides` only for
 * timing (a poll's delay, a benchmark's attempts) and order (the fan-out's
 * priority, recomputePriority; de-duplication is unchanged: an absorbed add
 * keeps the queued job's priority, a rerun behind an active one takes this
 * add's). Rejects within a bounded
 * time when Redis is down. Returns the job id (the existing job's when the add
 * was absorbed by de-duplication).
 */
export async function enqueue<N extends JobName>(
  name: N,
  data: JobPayloads[N],
  overrides: Pick<JobsOptions, "delay" | "attempts" | "priority"> = {},
): Promise<string | undefined> {
  const payload = parseJobData(name, data); // a producer bug fails here, not in the worker
  const add = getQueue(JOBS[name].queue).add(name, payload, { ...jobOptions(name, payload), ...overrides });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enqueue ${name}: Redis did not answer within ${PRODUCER_DEADLINE_MS} ms`)), PRODUCER_DEADLINE_MS);
  });
  try {
    const job = await Promise.race([add, deadline]);
    return job.id;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Adds many jobs of one kind in one round trip (BullMQ addBulk, one MULTI: no worker takes one
 * before all are queued), each with its definition's identity and options, and a priority per
 * item when `priorityOf` is given; rejects within the producer deadline when Redis is down.
 */
export async function enqueueMany<N extends JobName>(name: N, items: JobPayloads[N][], priorityOf?: (data: JobPayloads[N]) => number): Promise<void> {
  if (items.length === 0) return;
  const jobs = items.map((data) => {
    const payload = parseJobData(name, data);
    const opts = jobOptions(name, payload);
    if (priorityOf) opts.priority = priorityOf(payload);
    return { name, data: payload, opts };
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enqueue ${items.length} × ${name}: Redis did not answer within ${PRODUCER_DEADLINE_MS} ms`)), PRODUCER_DEADLINE_MS);
  });
  try {
    await Promise.race([getQueue(JOBS[name].queue).addBulk(jobs), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * app/uninstalled: removes the shop's jobs that have not started (waiting, delayed,
 * prioritized) from every queue whose payloads name a shop. Webhook-apply jobs carry only
 * an event id and stay (their events are still applied: data is kept until shop/redact);
 * a job already running finds the sessions gone and stops as ShopNotInstalledError.
 */
export async function removeShopJobs(shop: string): Promise<number> {
  let removed = 0;
  for (const name of Object.values(QUEUES)) {
    if (name === QUEUES.events) continue;
    const queue = getQueue(name);
    const theShops: Job[] = [];
    // Collected first: removing while paging would shift the pages.
    for (let start = 0; ; start += 500) {
      const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"], start, start + 499, true);
      theShops.push(...jobs.filter((job) => (job?.data as { shop?: unknown } | undefined)?.shop === shop));
      if (jobs.length < 500) break;
    }
    for (const job of theShops) {
      await job.remove().catch(() => undefined); // started meanwhile: it stops by itself
      removed++;
    }
  }
  return removed;
}

/** Repeating jobs. Idempotent; re-asserted periodically so a Redis flush heals. */
export const SCHEDULES: { id: string; name: JobName; repeat: { every: number } | { pattern: string } }[] = [
  { id: "sweep-events", name: "sweep-events", repeat: { every: 30_000 } },
  { id: "reconcile-all", name: "reconcile-all", repeat: { every: 10 * 60_000 } },
  // Nightly: recency moves every day even without orders, and the model is refitted.
  { id: "recompute-all", name: "recompute-all", repeat: { pattern: "0 3 * * *" } },
  { id: "enforce-retention", name: "enforce-retention", repeat: { pattern: "30 4 * * *" } },
];

export async function ensureSchedules(): Promise<void> {
  for (const schedule of SCHEDULES) {
    await getQueue(JOBS[schedule.name].queue).upsertJobScheduler(schedule.id, schedule.repeat, { name: schedule.name, data: {} });
  }
}

/** Jobs per queue and state, for the rfm_queue_jobs gauge (read on scrape). */
async function queueDepths(): Promise<{ queue: string; state: string; count: number }[]> {
  // No offline queue on the producer connection: the first scrape waits (bounded) for it.
  if (!(await redisReachable())) throw new Error("redis unreachable");
  const depths: { queue: string; state: string; count: number }[] = [];
  for (const name of Object.values(QUEUES)) {
    const counts = await getQueue(name).getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children", "failed", "completed");
    for (const [state, count] of Object.entries(counts)) depths.push({ queue: name, state, count });
  }
  return depths;
}
observeQueueDepths(queueDepths);

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  if (producerConnection) {
    await producerConnection.quit().catch(() => undefined);
    producerConnection = undefined;
  }
}
