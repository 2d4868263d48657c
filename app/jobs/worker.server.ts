// Worker process entry (`npm run worker`): one BullMQ Worker per queue, each
// dispatching by job name to the typed processor registry after validating the
// payload against the job's schema. Work that can never succeed (a malformed
// payload, a shop that is not installed) fails at once as UnrecoverableError
// instead of being retried. Shuts down gracefully on SIGTERM/SIGINT: stops
// taking jobs, lets running ones finish, closes Redis and PostgreSQL.
import type { Server } from "node:http";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { ZodError } from "zod";
import { env } from "../env.server";
import { closeDatabase } from "../db-pool.server";
import { routeShopifyTraffic } from "../shopify/outbound.server";
import { ShopNotInstalledError, ShopReauthRequiredError } from "../shopify/admin-client.server";
import { UnknownShopError } from "../models/shops.server";
import { startJobRun, finishJobRun } from "../models/job-runs.server";
import { closeAdvisoryLocks, tryAdvisoryLock, type HeldAdvisoryLock } from "../models/advisory-locks.server";
import {
  EXCLUSIVE_RETRY_MS,
  JOBS,
  QUEUES,
  closeQueues,
  createWorkerConnection,
  ensureSchedules,
  jobLocksOf,
  isJobName,
  parseJobData,
  type JobName,
  type JobPayloads,
  type QueueName,
} from "../queue.server";
import { processors, type Processor } from "./processors.server";
import { healthServerPort, startHealthServer } from "./health-server.server";
import { logger, type Logger } from "../logger.server";
import { jobDuration, jobFailures } from "../metrics.server";

/** Errors that no retry can fix. */
function unrecoverable(error: unknown): UnrecoverableError | null {
  if (error instanceof UnrecoverableError) return error;
  if (error instanceof ZodError) return new UnrecoverableError(`invalid payload: ${error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  if (error instanceof ShopNotInstalledError || error instanceof ShopReauthRequiredError || error instanceof UnknownShopError) return new UnrecoverableError(error.message);
  return null;
}

async function run(job: Job, token?: string): Promise<unknown> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`No processor for job "${job.name}" on queue "${job.queueName}"`);
  const name: JobName = job.name;
  const data = parseJobData(name, job.data);
  const wanted = jobLocksOf(name, data);
  if (wanted.length === 0) return runRecorded(name, data, job, token);
  // Per-shop work that must not overlap, whichever process runs it: the locks span the JobRun row.
  const held: HeldAdvisoryLock[] = [];
  try {
    for (const { key, mode } of wanted) {
      const lock = await tryAdvisoryLock(key, mode);
      if (!lock) {
        await job.moveToDelayed(Date.now() + EXCLUSIVE_RETRY_MS + Math.floor(Math.random() * EXCLUSIVE_RETRY_MS), token);
        throw new DelayedError();
      }
      held.push(lock);
    }
    return await runRecorded(name, data, job, token);
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}

async function runRecorded(name: JobName, data: JobPayloads[JobName], job: Job, token?: string): Promise<unknown> {
  const processor = processors[name] as Processor<JobName>;
  if (!JOBS[name].recordRun) return processor(data, job, token);
  const shopDomain = "shop" in data && typeof data.shop === "string" ? data.shop : undefined;
  const runId = await startJobRun({ shopDomain, queue: job.queueName, name, jobId: job.id });
  try {
    const stats = await processor(data, job, token);
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

/** Payload fields a job's log lines carry: the shop and the app's own record ids, nothing else of the payload. */
const LOGGED_PAYLOAD_FIELDS = ["shop", "eventId", "bulkOperationId", "transitionId", "traitEventId"] as const;

/** A job's log lines carry its queue, name and id, and the LOGGED_PAYLOAD_FIELDS its payload has. */
function jobLogger(job: Job): Logger {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const ids = Object.fromEntries(LOGGED_PAYLOAD_FIELDS.filter((k) => typeof data[k] === "string").map((k) => [k, data[k]]));
  return logger.child({ queue: job.queueName, job: job.name, jobId: job.id, ...ids });
}

async function dispatch(job: Job, token?: string): Promise<unknown> {
  const startedAt = performance.now();
  const seconds = () => (performance.now() - startedAt) / 1000;
  try {
    const result = await run(job, token);
    jobDuration.observe({ job: job.name, outcome: "completed" }, seconds());
    // Low-volume jobs (those with a JobRun) at info; per-event and per-customer jobs at debug.
    const level = isJobName(job.name) && JOBS[job.name].recordRun ? "info" : "debug";
    jobLogger(job)[level]({ durationMs: Math.round(seconds() * 1000), attempt: job.attemptsMade + 1 }, "job completed");
    return result;
  } catch (error) {
    jobDuration.observe({ job: job.name, outcome: error instanceof DelayedError ? "delayed" : "failed" }, seconds());
    throw unrecoverable(error) ?? error;
  }
}

/** Times a job whose worker died may be picked up again before it fails for good. */
const WORKER_MAX_STALLED = 5;

export function startWorkers(queueNames: QueueName[] = Object.values(QUEUES)): Worker[] {
  routeShopifyTraffic(env.SHOPIFY_SIMULATOR_URL);
  return queueNames.map((name) => {
    // BullMQ does not close a connection it was handed: close it with the worker.
    const connection = createWorkerConnection();
    const worker = new Worker(name, dispatch, {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.WORKER_LOCK_MS,
      stalledInterval: env.WORKER_LOCK_MS,
      // BullMQ's default (1) fails a job the second time its worker dies under it: a backfill or
      // recompute killed twice (a crash loop, two deploys) would then never finish. Every job
      // resumes or is idempotent, so it may be picked up again a few times.
      maxStalledCount: WORKER_MAX_STALLED,
    });
    worker.on("error", (error) => logger.error({ queue: name }, `worker ${name}: ${error.message}`));
    worker.on("closed", () => connection.disconnect());
    worker.on("failed", (job, error) => {
      if (error instanceof DelayedError) return;
      const final = error instanceof UnrecoverableError || (job?.attemptsMade ?? 0) >= (job?.opts.attempts ?? 1);
      jobFailures.inc({ job: job?.name ?? "unknown", final: String(final) });
      // Ids and messages only: payloads may name a shop, never a person.
      (job ? jobLogger(job) : logger.child({ queue: name })).warn(
        { final, attempt: job?.attemptsMade, error: error.message },
        `job ${name}/${job?.name} ${job?.id} failed${final ? " for good" : ", will retry"}: ${error.message}`,
      );
    });
    return worker;
  });
}

export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await closeAdvisoryLocks();
  await closeDatabase();
}

function isMain(): boolean {
  return import.meta.url === `file://${process.argv[1]}`;
}

/** Re-asserted periodically: a Redis flush must not silently stop the sweeps. */
const SCHEDULE_REFRESH_MS = 60_000;

if (isMain()) {
  const workers = startWorkers();
  const refresh = () => ensureSchedules().catch((error) => logger.error(`could not ensure schedules: ${error}`));
  void refresh();
  const refreshTimer = setInterval(refresh, SCHEDULE_REFRESH_MS);
  logger.info({ queues: Object.values(QUEUES) }, `worker ${process.pid} started: queues ${Object.values(QUEUES).join(", ")}`);
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, `unhandled rejection in worker: ${reason}`));
  let stopping = false;
  const health = env.WORKER_HEALTH_PORT > 0 ? serveHealth(() => (stopping ? "shutting down" : workers.every((w) => w.isRunning()) ? null : "workers not running")) : undefined;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true; // /readyz answers 503 from here on
    clearInterval(refreshTimer);
    logger.info({ signal }, `worker ${process.pid} received ${signal}, finishing running jobs`);
    stopWorkers(workers)
      .then(() => health?.then(closeServer))
      .then(
        () => process.exit(0),
        (error) => {
          logger.error({ err: error }, `worker shutdown failed: ${error}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function serveHealth(workersNotReady: () => string | null): Promise<Server> {
  const { WORKER_HEALTH_HOST: host, WORKER_HEALTH_PORT: port } = env;
  return startHealthServer({ port, host, workersNotReady }).then(
    (server) => {
      logger.info({ port: healthServerPort(server) }, `worker health server listening on ${host}:${healthServerPort(server)}`);
      return server;
    },
    (error: Error) => {
      // A probe port that cannot be bound is a deployment error: say so and stop.
      logger.fatal(`worker health server could not listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    },
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
