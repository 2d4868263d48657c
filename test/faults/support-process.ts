// Real processes for the process-fault scenarios: a private redis-server (never
// the machine's Redis on 6379: other suites use it), a database of the file's
// own (pg_terminate_backend only ever touches it), and the worker as a child
// process that can be SIGKILLed and started again.
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import pg from "pg";
import { freePort, startWorker, type Child } from "../support/procs";
import { eventually, sleep } from "../support/timing";

/** FAULTS_FULL=1 (npm run test:faults): the full run; unset (the main suite): a reduced one. */
export const FULL = process.env.FAULTS_FULL === "1";

/** A seeded stream of numbers in [0, 1) (mulberry32), so kill points repeat run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: everything in memory is gone (no persistence), like a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty). */
  start(): Promise<void>;
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await eventually(
      async () => {
        const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on("error", () => undefined);
        try {
          await r.connect();
          return (await r.ping()) === "PONG";
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      },
      { timeoutMs: 10_000, label: `redis-server on ${port}` },
    );
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
    proc = null;
  };
  await start();
  return {
    url,
    port,
    kill,
    start,
    async flushAll() {
      const r = new Redis(url);
      try {
        await r.flushall();
      } finally {
        r.disconnect();
      }
    },
    stop: kill,
  };
}

/** The worker as a process of its own, killed and restarted by the scenarios. */
export class WorkerProcess {
  child: Child | null = null;
  kills = 0;
  constructor(private env: Record<string, string>) {}

  async start(): Promise<void> {
    this.child = await startWorker(this.env);
  }

  /** SIGKILL (no graceful shutdown: active jobs stay locked until they stall), then a new worker. */
  async killAndRestart(pauseMs = 200): Promise<void> {
    const c = this.child;
    if (c?.isAlive()) {
      c.proc.kill("SIGKILL");
      await c.exited;
      this.kills++;
    }
    await sleep(pauseMs);
    await this.start();
  }

  async stop(): Promise<void> {
    await this.child?.stop();
    this.child = null;
  }
}

/** Terminates every other connection to our own database (never another one), returns how many. */
export async function terminateConnections(admin: pg.Pool, database: string): Promise<number> {
  if (!/^rfm_faults_\d+$/.test(database)) throw new Error(`refusing to terminate connections of ${database}`);
  const r = await admin.query<{ ok: boolean }>(
    `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
    [database],
  );
  return r.rows.filter((x) => x.ok).length;
}
