// Named processors: job name → handler. Heavy jobs are recorded as JobRun rows
// so the dashboard can show what ran, when, and why it failed.
import type { Job } from "bullmq";
import type { JobName, JobPayloads } from "./queue.server";
import { ping } from "./processors/ping.server";

export interface ProcessorDefinition<N extends JobName> {
  handle: (data: JobPayloads[N], job: Job<JobPayloads[N]>) => Promise<unknown>;
  /** Record a JobRun row (skip for high-volume jobs such as webhook apply). */
  recordRun: boolean;
}

export type ProcessorRegistry = { [N in JobName]?: ProcessorDefinition<N> };

export const processors: ProcessorRegistry = {
  ping: { handle: ping, recordRun: true },
};
