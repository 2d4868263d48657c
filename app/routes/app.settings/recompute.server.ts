// The last recompute as the settings page shows it: its state, times and what it did (from the
// JobRun the worker records; its stats are the recompute's result object).
import type { JobRunView } from "../../models/job-runs.server";

export interface RecomputeView {
  status: "running" | "completed" | "failed";
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Customers scored and segment changes recorded (first scores included); null when not reported. */
  customers: number | null;
  transitions: number | null;
}

const count = (stats: unknown, key: string): number | null => {
  const v = stats && typeof stats === "object" ? (stats as Record<string, unknown>)[key] : undefined;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

export function recomputeView(run: JobRunView | null): RecomputeView | null {
  if (!run) return null;
  const status = run.status === "completed" || run.status === "failed" ? run.status : "running";
  return {
    status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    customers: count(run.stats, "customers"),
    transitions: count(run.stats, "transitions"),
  };
}
