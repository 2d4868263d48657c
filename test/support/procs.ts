// Process supervision shared by the demo and the benchmarks: build-if-needed,
// a dedicated database per run, and the simulator, web (remix-serve) and
// worker as child processes of Node 22 with the right environment. Every
// child is registered so that Ctrl-C, an error or a normal exit stops them.
// (The BENCH_* environment variables predate the demo's use; they apply to both.)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { eventually } from "./timing";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Node 22 from the `node` devDependency (the system node is 20). */
export const NODE = existsSync(join(ROOT, "node_modules/.bin/node")) ? join(ROOT, "node_modules/.bin/node") : process.execPath;
export const API_KEY = process.env.SHOPIFY_API_KEY ?? "rfm-churn-local-client-id";
/** Not the local default: the web process runs with NODE_ENV=production, which refuses the default secret. */
export const API_SECRET = process.env.BENCH_API_SECRET ?? "bench-local-secret-0123456789";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PG_BASE = process.env.BENCH_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";

export const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ------------------------------------------------------------ children ----

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  isAlive(): boolean;
  tail(): string;
  stop(timeoutMs?: number): Promise<void>;
}

const children = new Set<Child>();

/** Pids of the children still registered (to tell our own processes from the machine's other load). */
export function childPids(): number[] {
  return [...children].map((c) => c.pid);
}

export function spawnNode(name: string, args: string[], env: Record<string, string>, opts: { echo?: boolean } = {}): Child {
  const proc = spawn(NODE, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (buf: Buffer) => {
    for (const l of buf.toString("utf8").split("\n")) {
      if (!l) continue;
      lines.push(l);
      if (lines.length > 200) lines.shift();
      if (opts.echo || process.env.BENCH_VERBOSE === "1") console.log(`  [${name}] ${l}`);
    }
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  let alive = true;
  const exited = new Promise<number | null>((r) =>
    proc.on("exit", (code) => {
      alive = false;
      r(code);
    }),
  );
  const child: Child = {
    name,
    proc,
    pid: proc.pid!,
    exited,
    isAlive: () => alive,
    tail: () => lines.slice(-40).join("\n"),
    async stop(timeoutMs = 15_000) {
      if (!alive) return void children.delete(child);
      proc.kill("SIGTERM");
      const t = setTimeout(() => alive && proc.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(t);
      children.delete(child);
    },
  };
  children.add(child);
  return child;
}

export async function stopAll(): Promise<void> {
  // Worker first (finishes its jobs), then web, then the simulator.
  const order = ["worker", "web", "simulator"];
  const list = [...children].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (const c of list) await c.stop().catch(() => undefined);
}

let exiting = false;
/** Stop every child on SIGINT/SIGTERM/uncaught errors; run `main` and exit with its code. */
export function runMain(main: () => Promise<number | void>): void {
  const bail = async (code: number) => {
    if (exiting) return;
    exiting = true;
    await stopAll();
    process.exit(code);
  };
  process.on("SIGINT", () => {
    console.log("\ninterrupted, stopping child processes…");
    void bail(130);
  });
  process.on("SIGTERM", () => void bail(143));
  process.on("exit", () => {
    for (const c of children) if (c.isAlive()) c.proc.kill("SIGKILL");
  });
  main().then(
    (code) => bail(code ?? 0),
    (error) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error);
      for (const c of children) if (c.isAlive()) console.error(`--- last output of ${c.name} (pid ${c.pid}) ---\n${c.tail()}`);
      void bail(1);
    },
  );
}

// ---------------------------------------------------------------- ports ----

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export async function waitForHttp(url: string, child: Child | null, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      if (child && !child.isAlive()) throw new Error(`${child.name} exited before answering ${url}:\n${child.tail()}`);
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        return true;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs, intervalMs: 200, timeoutMessage: `timed out waiting for ${url}` },
  );
}

// ---------------------------------------------------------------- build ----

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build` when {buildDir}/server/index.js is missing or older than app/ sources.
 * `buildDir` (default build/) is relative to the repository (vite.config.ts reads REMIX_BUILD_DIRECTORY).
 */
export function ensureBuild(buildDir = "build"): void {
  const out = join(ROOT, buildDir, "server/index.js");
  const sources = Math.max(newestMtime(join(ROOT, "app")), ...["vite.config.ts", "package.json"].map((f) => (existsSync(join(ROOT, f)) ? statSync(join(ROOT, f)).mtimeMs : 0)));
  if (existsSync(out) && statSync(out).mtimeMs >= sources) return;
  log(existsSync(out) ? "web build is stale, running npm run build…" : "no web build, running npm run build…");
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, env: { ...process.env, REMIX_BUILD_DIRECTORY: buildDir }, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  log("build done");
}

// ------------------------------------------------------------- database ----

export function databaseUrlFor(name: string): string {
  return `${PG_BASE}/${name}`;
}

/** Drops (when fresh) and creates+migrates a dedicated database through `npm run db:migrate`. */
export async function prepareDatabase(name: string, opts: { fresh: boolean }): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  const url = databaseUrlFor(name);
  if (opts.fresh) {
    const admin = new pg.Client({ connectionString: databaseUrlFor("postgres") });
    await admin.connect();
    try {
      await admin.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await admin.end();
    }
  }
  const r = spawnSync("npm", ["run", "--silent", "db:migrate"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`db:migrate for ${name} failed:\n${r.stdout}\n${r.stderr}`);
  return url;
}

export function dbClient(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 2 });
}

// -------------------------------------------------- redis queue prefixes ----

/** Deletes every key under a BullMQ prefix of our own (never a shared one). */
export async function clearQueuePrefix(prefix: string): Promise<void> {
  if (!["bench-", "demo-", "browser-", "privacy-"].some((p) => prefix.startsWith(p))) throw new Error(`refusing to clear prefix ${prefix}`);
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

// ------------------------------------------------------------ processes ----

/** Environment of the app's processes (web and worker). */
export function appEnv(o: { databaseUrl: string; queuePrefix: string; appUrl: string; simUrl: string }): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: o.databaseUrl,
    REDIS_URL,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: o.appUrl,
    SHOPIFY_SIMULATOR_URL: o.simUrl,
    QUEUE_PREFIX: o.queuePrefix,
    // Production refuses the public development key (app/env.server.ts): a fixed key of these local runs.
    TOKEN_ENCRYPTION_KEYS: process.env.TOKEN_ENCRYPTION_KEYS ?? `local-run:${Buffer.alloc(32, 11).toString("base64")}`,
  };
}

/** The simulator (`test/simulator/main.ts`) as its own process, with no seeded store. */
export async function startSimulatorProcess(o: { appUrl: string; port?: number; maxOldSpaceMb?: number }): Promise<{ url: string; child: Child }> {
  const port = o.port ?? (await freePort());
  const child = spawnNode("simulator", [`--max-old-space-size=${o.maxOldSpaceMb ?? 4096}`, "--import", "tsx", "test/simulator/main.ts"], {
    SIMULATOR_PORT: String(port),
    SIMULATOR_HOST: "127.0.0.1",
    SIMULATOR_CUSTOMERS: "0",
    SIMULATOR_SHOP: "unused-seed-store.myshopify.com",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: o.appUrl,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/_sim/shops`, child, 60_000);
  return { url, child };
}

export async function startWeb(env: Record<string, string>, port: number, buildDir = "build"): Promise<Child> {
  const prof = process.env.BENCH_WEB_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WEB_CPU_PROF_DIR}`] : [];
  const child = spawnNode("web", [...prof, join(ROOT, "node_modules/@remix-run/serve/dist/cli.js"), `./${buildDir}/server/index.js`], { ...env, PORT: String(port), HOST: "127.0.0.1" });
  await waitForHttp(`http://127.0.0.1:${port}/`, child, 60_000);
  return child;
}

/**
 * The variables package.json's `worker` script sets before node (glibc malloc tuning, ADR 0016),
 * so a worker started here runs as `npm run worker` does.
 */
export function workerScriptEnv(): Record<string, string> {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.worker;
  const prefix = script.slice(0, script.indexOf("node "));
  return Object.fromEntries([...prefix.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

export async function startWorker(env: Record<string, string>, extra: Record<string, string> = {}): Promise<Child> {
  // BENCH_CPU_PROF_DIR=/tmp/prof writes a V8 CPU profile of the worker on exit (for "where does the time go").
  const prof = process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawnNode("worker", [...prof, "--import", "tsx", join(ROOT, "app/jobs/worker.server.ts")], { ...workerScriptEnv(), ...env, ...extra });
  await eventually(
    () => {
      if (/worker \d+ started/.test(child.tail())) return true;
      if (!child.isAlive()) throw new Error(`worker exited:\n${child.tail()}`);
      return false;
    },
    { timeoutMs: 60_000, timeoutMessage: () => `worker did not start:\n${child.tail()}` },
  );
  return child;
}

/** Where the simulator and the app listen, and the app's environment (see startSimulatorForApp). */
export interface AppStage {
  appPort: number;
  appUrl: string;
  simUrl: string;
  simulator: Child;
  env: Record<string, string>;
}

/**
 * The start shared by the demo and the benchmarks: an empty queue prefix of their own,
 * the app's port, the simulator process (no store yet) and the app's environment.
 * The caller creates its stores and starts web and worker when its steps need them.
 */
export async function startSimulatorForApp(o: {
  databaseUrl: string;
  queuePrefix: string;
  appPort?: number;
  simPort?: number;
  simMaxOldSpaceMb?: number;
}): Promise<AppStage> {
  await clearQueuePrefix(o.queuePrefix);
  const appPort = o.appPort ?? (await freePort());
  const appUrl = `http://127.0.0.1:${appPort}`;
  const { url: simUrl, child: simulator } = await startSimulatorProcess({ appUrl, port: o.simPort, maxOldSpaceMb: o.simMaxOldSpaceMb });
  return { appPort, appUrl, simUrl, simulator, env: appEnv({ databaseUrl: o.databaseUrl, queuePrefix: o.queuePrefix, appUrl, simUrl }) };
}

// ------------------------------------------------------------ simulator ----

export async function simJson<T = any>(simUrl: string, method: string, path: string, body?: unknown, timeoutMs = 600_000): Promise<T> {
  const r = await fetch(`${simUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** What Shopify's admin does when it opens the embedded app: a document request with a fresh session token. */
export async function installApp(o: { simUrl: string; appUrl: string; shop: string }): Promise<number> {
  const { token } = await simJson<{ token: string }>(o.simUrl, "GET", `/store/${o.shop}/admin/_session-token?apiKey=${encodeURIComponent(API_KEY)}`);
  const host = Buffer.from(`${o.shop}/admin`).toString("base64url");
  const url = `${o.appUrl}/app?embedded=1&shop=${o.shop}&host=${host}&id_token=${token}`;
  // A browser User-Agent: the library answers 410 to bots, and undici's "node" is one.
  const headers = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36" };
  const r = await fetch(url, { redirect: "manual", headers, signal: AbortSignal.timeout(60_000) });
  await r.arrayBuffer();
  if (r.status >= 400) throw new Error(`install: GET /app answered ${r.status}`);
  return r.status;
}

// ------------------------------------------------------------- arguments ----

/** The value after `--name` on the command line, if any. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
