// Named processors: job name → handler. Heavy jobs are recorded as JobRun rows
// so the dashboard can show what ran, when, and why it failed.
import type { Job } from "bullmq";
import type { JobName, JobPayloads } from "./queue.server";
import { ping } from "./processors/ping.server";
import { writeBackJob } from "./processors/write-back.server";
import { flowTriggerJob } from "./processors/flow-trigger.server";
import { applyWebhook } from "./processors/apply-webhook.server";
import { bulkFinished, initialSync } from "./processors/backfill.server";
import { incrementalSync, reconcileAllShops, sweepEvents } from "./processors/reconcile.server";
import { recomputeAllShops, recomputeShop, rescoreCustomer } from "./processors/scoring.server";

export interface ProcessorDefinition<N extends JobName> {
  handle: (data: JobPayloads[N], job: Job<JobPayloads[N]>, token?: string) => Promise<unknown>;
  /** Record a JobRun row (skip for high-volume jobs such as webhook apply). */
  recordRun: boolean;
}

export type ProcessorRegistry = { [N in JobName]?: ProcessorDefinition<N> };

export const processors: ProcessorRegistry = {
  ping: { handle: ping, recordRun: true },
  "write-back": { handle: writeBackJob, recordRun: true },
  "flow-trigger": { handle: flowTriggerJob, recordRun: false },
  "apply-webhook": { handle: applyWebhook, recordRun: false },
  "initial-sync": { handle: initialSync, recordRun: true },
  "bulk-finished": { handle: bulkFinished, recordRun: true },
  "incremental-sync": { handle: incrementalSync, recordRun: true },
  "reconcile-all": { handle: reconcileAllShops, recordRun: false },
  "sweep-events": { handle: sweepEvents, recordRun: false },
  "recompute-shop": { handle: recomputeShop, recordRun: true },
  "rescore-customer": { handle: rescoreCustomer, recordRun: false },
  "recompute-all": { handle: recomputeAllShops, recordRun: false },
};
