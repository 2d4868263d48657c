// The typed registry of named processors: one handler per job name. Total by
// type: adding a job to the queue module without a processor does not compile.
import type { Job } from "bullmq";
import type { JobName, JobPayloads } from "../queue.server";
import { ping } from "./processors/ping.server";
import { writeBackJob } from "./processors/write-back.server";
import { flowTraitJob, flowTriggerJob } from "./processors/flow-trigger.server";
import { applyWebhook } from "./processors/apply-webhook.server";
import { bulkFinished, initialSync } from "./processors/backfill.server";
import { incrementalSync, reconcileAllShops, sweepEvents } from "./processors/reconcile.server";
import { recomputeAllShops, recomputeShop, rescoreCustomer } from "./processors/scoring.server";
import { enforceRetention } from "./processors/retention.server";

export type Processor<N extends JobName> = (data: JobPayloads[N], job: Job<JobPayloads[N]>, token?: string) => Promise<unknown>;

export const processors: { [N in JobName]: Processor<N> } = {
  ping,
  "write-back": writeBackJob,
  "flow-trigger": flowTriggerJob,
  "flow-trait": flowTraitJob,
  "apply-webhook": applyWebhook,
  "initial-sync": initialSync,
  "bulk-finished": bulkFinished,
  "incremental-sync": incrementalSync,
  "reconcile-all": reconcileAllShops,
  "sweep-events": sweepEvents,
  "recompute-shop": recomputeShop,
  "rescore-customer": rescoreCustomer,
  "recompute-all": recomputeAllShops,
  "enforce-retention": (data) => enforceRetention(data),
};
