import { prisma } from "../db.server";

export async function startJobRun(input: {
  shopDomain?: string;
  queue: string;
  name: string;
  jobId?: string;
}): Promise<bigint> {
  const run = await prisma.jobRun.create({
    data: { ...input, status: "running" },
    select: { id: true },
  });
  return run.id;
}

export async function finishJobRun(id: bigint, outcome: { error?: string; stats?: unknown }): Promise<void> {
  await prisma.jobRun.update({
    where: { id },
    data: {
      status: outcome.error ? "failed" : "completed",
      finishedAt: new Date(),
      error: outcome.error ?? null,
      stats: outcome.stats === undefined ? undefined : JSON.parse(JSON.stringify(outcome.stats, bigintToString)),
    },
  });
}

function bigintToString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export interface JobRunView {
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  stats: unknown;
}

/** The shop's most recent run of one job (by start time), or null when it never ran. */
export async function loadLastJobRun(shopDomain: string, name: string): Promise<JobRunView | null> {
  const run = await prisma.jobRun.findFirst({
    where: { shopDomain, name },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    select: { status: true, startedAt: true, finishedAt: true, error: true, stats: true },
  });
  if (!run) return null;
  return { status: run.status, startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null, error: run.error, stats: run.stats };
}
