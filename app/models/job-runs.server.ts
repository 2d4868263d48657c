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
