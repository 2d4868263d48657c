// The one queue module: connections, queue names, job names and payloads,
// and the enqueue helpers (with job ids for de-duplication).
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import { env } from "../env.server";

export const QUEUES = {
  events: "events", // apply stored webhook events
  sync: "sync", // bulk backfill, incremental reconciliation, sweeps
  scoring: "scoring", // full recompute, live rescore
  writeback: "writeback", // tags, metafields, segments, Flow
  system: "system", // health checks
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  "apply-webhook": { eventId: string };
  "initial-sync": { shop: string };
  "bulk-finished": { shop: string; bulkOperationId: string };
  "incremental-sync": { shop: string };
  "sweep-events": { olderThanMs?: number };
  "reconcile-all": Record<string, never>;
  "recompute-all": Record<string, never>;
  "recompute-shop": { shop: string; reason: string };
  "rescore-customer": { shop: string; customerId: string };
  "write-back": { shop: string; customerIds?: string[] };
  "flow-trigger": { shop: string; transitionId: string };
  ping: { value: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  "apply-webhook": "events",
  "initial-sync": "sync",
  "bulk-finished": "sync",
  "incremental-sync": "sync",
  "sweep-events": "sync",
  "reconcile-all": "sync",
  "recompute-all": "scoring",
  "recompute-shop": "scoring",
  "rescore-customer": "scoring",
  "write-back": "writeback",
  "flow-trigger": "writeback",
  ping: "system",
};

/** BullMQ needs maxRetriesPerRequest null on worker connections. */
export function createRedisConnection(): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
}

let sharedConnection: Redis | undefined;
const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    sharedConnection ??= createRedisConnection();
    queue = new Queue(name, {
      connection: sharedConnection,
      prefix: env.QUEUE_PREFIX,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    });
    queues.set(name, queue);
  }
  return queue;
}

export async function enqueue<N extends JobName>(
  name: N,
  data: JobPayloads[N],
  options: JobsOptions = {},
): Promise<string | undefined> {
  // BullMQ rejects ":" in custom ids (its key separator); shop domains and gids have none other.
  const jobId = options.jobId?.replaceAll(":", "_");
  const job = await getQueue(JOB_QUEUE[name]).add(name, data, { ...options, jobId });
  return job.id;
}

/** Repeating jobs. Idempotent; re-run periodically so a Redis flush heals. */
export const SCHEDULES: { id: string; name: JobName; repeat: { every: number } | { pattern: string } }[] = [
  { id: "sweep-events", name: "sweep-events", repeat: { every: 30_000 } },
  { id: "reconcile-all", name: "reconcile-all", repeat: { every: 10 * 60_000 } },
  // Nightly: recency moves every day even without orders, and the model is refitted.
  { id: "recompute-all", name: "recompute-all", repeat: { pattern: "0 3 * * *" } },
];

export async function ensureSchedules(): Promise<void> {
  for (const schedule of SCHEDULES) {
    await getQueue(JOB_QUEUE[schedule.name]).upsertJobScheduler(
      schedule.id,
      schedule.repeat,
      { name: schedule.name, data: {} },
    );
  }
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  if (sharedConnection) {
    await sharedConnection.quit().catch(() => undefined);
    sharedConnection = undefined;
  }
}
