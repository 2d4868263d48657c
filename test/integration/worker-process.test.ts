import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { enqueue, closeQueues } from "../../app/jobs/queue.server";
import prisma from "../../app/db.server";

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("worker process", () => {
  afterAll(async () => {
    await closeQueues();
    await prisma.$disconnect();
  });

  it("processes a job enqueued by the web side and shuts down gracefully on SIGTERM", async () => {
    const value = `ping-${process.pid}-${Date.now()}`;
    await enqueue("ping", { value }, { jobId: value });

    // `npm run worker` runs exactly this: node itself receives the signals.
    const worker = spawn("node_modules/.bin/node", ["--import", "tsx", "app/jobs/worker.server.ts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (d) => (output += d));
    worker.stderr!.on("data", (d) => (output += d));
    const exited = waitForExit(worker);
    try {
      const run = await waitFor(
        () => prisma.jobRun.findFirst({ where: { name: "ping", jobId: value, status: "completed" } }),
        30_000,
      );
      const stats = run.stats as { echoed: string; pid: number };
      expect(stats.echoed).toBe(value);
      expect(stats.pid).not.toBe(process.pid); // ran in the other process
    } finally {
      worker.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).toContain("received SIGTERM");
  });
});
