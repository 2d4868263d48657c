// Worker process entry (`npm run worker`): one BullMQ Worker per queue, each
// dispatching by job name to the named processors. Shuts down gracefully on
// SIGTERM/SIGINT: stops taking jobs, lets running ones finish, closes IO.
import { DelayedError, Worker, type Job } from "bullmq";
import { env } from "../env.server";
import prisma from "../db.server";
import { routeShopifyTraffic } from "../shopify/outbound.server";
import { QUEUES, createRedisConnection, closeQueues, ensureSchedules, type JobName, type QueueName } from "./queue.server";
import { processors, type ProcessorDefinition } from "./processors.server";
import { startJobRun, finishJobRun } from "../models/job-runs.server";

async function dispatch(job: Job, token?: string): Promise<unknown> {
  const definition = processors[job.name as JobName] as ProcessorDefinition<JobName> | undefined;
  if (!definition) throw new Error(`No processor for job "${job.name}" on queue "${job.queueName}"`);
  if (!definition.recordRun) return definition.handle(job.data, job, token);
  const shopDomain = typeof job.data?.shop === "string" ? job.data.shop : undefined;
  const runId = await startJobRun({ shopDomain, queue: job.queueName, name: job.name, jobId: job.id });
  try {
    const stats = await definition.handle(job.data, job, token);
    await finishJobRun(runId, { stats });
    return stats;
  } catch (error) {
    if (error instanceof DelayedError) {
      await finishJobRun(runId, { stats: { delayed: true } });
      throw error;
    }
    await finishJobRun(runId, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

export function startWorkers(queueNames: QueueName[] = Object.values(QUEUES)): Worker[] {
  routeShopifyTraffic(env.SHOPIFY_SIMULATOR_URL);
  return queueNames.map(
    (name) =>
      new Worker(name, dispatch, {
        connection: createRedisConnection(),
        prefix: env.QUEUE_PREFIX,
        concurrency: env.WORKER_CONCURRENCY,
        lockDuration: env.WORKER_LOCK_MS,
        stalledInterval: env.WORKER_LOCK_MS,
      }),
  );
}

export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await prisma.$disconnect();
}

function isMain(): boolean {
  return import.meta.url === `file://${process.argv[1]}`;
}

/** Re-asserted periodically: a Redis flush must not silently stop the sweeps. */
const SCHEDULE_REFRESH_MS = 60_000;

if (isMain()) {
  const workers = startWorkers();
  const refresh = () => ensureSchedules().catch((error) => console.error(`could not ensure schedules: ${error}`));
  void refresh();
  const refreshTimer = setInterval(refresh, SCHEDULE_REFRESH_MS);
  console.log(`worker ${process.pid} started: queues ${Object.values(QUEUES).join(", ")}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(refreshTimer);
    console.log(`worker ${process.pid} received ${signal}, finishing running jobs`);
    stopWorkers(workers).then(
      () => process.exit(0),
      (error) => {
        console.error("worker shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
