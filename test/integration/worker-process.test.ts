import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { enqueue, closeQueues } from "../../app/queue.server";
import { prisma } from "../../app/db.server";
import { workerScriptEnv } from "../support/procs";
import { eventually } from "../support/timing";

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("worker process", () => {
  afterAll(async () => {
    await closeQueues();
    await prisma.$disconnect();
  });

  it("processes a job enqueued by the web side and shuts down gracefully on SIGTERM", async () => {
    const value = `ping-${process.pid}-${Date.now()}`;
    const jobId = await enqueue("ping", { value });

    // `npm run worker` runs exactly this (its variables, then node): node itself receives the signals.
    const worker = spawn("node_modules/.bin/node", ["--import", "tsx", "app/jobs/worker.server.ts"], {
      env: { ...process.env, ...workerScriptEnv(), LOG_LEVEL: "info" }, // its "received SIGTERM" line is an info line
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (d) => (output += d));
    worker.stderr!.on("data", (d) => (output += d));
    const exited = waitForExit(worker);
    try {
      const run = await eventually(() => prisma.jobRun.findFirst({ where: { name: "ping", jobId, status: "completed" } }), {
        timeoutMs: 30_000,
        label: "the ping job run",
      });
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
