// Production web entry with several processes (npm run start:cluster):
//   WEB_CONCURRENCY=2 node --import tsx server.cluster.ts [./build/server/index.js]
// remix-serve has no cluster mode, so this serves the same Remix build with
// node:http and @remix-run/node's request handler, in WEB_CONCURRENCY
// processes (Node's cluster module: the primary accepts connections and hands
// them out round-robin) sharing PORT. One process (WEB_CONCURRENCY=1, the
// default) serves from this process. A process that dies is replaced.
// Webhook POSTs (/webhooks/*) go straight to that route's action, the same
// code Remix would run, without Remix's router in front (see webhook() below).
// Besides the Remix handler it serves the client build's static files
// (build/client; /assets immutable for a year), as remix-serve does; it does
// not compress (the proxy in front does) nor log each request (pino logs what
// matters; a line per webhook at 1,000/s is a core's worth of stdout).
// PORT (3000), HOST (all interfaces) and WEB_CONCURRENCY are read here because
// this file runs before, and outside, the app (app/env.server.ts validates the
// app's own settings when the build loads).
import cluster from "node:cluster";
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import { extname, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { createReadableStreamFromReadable, createRequestHandler, installGlobals, type ServerBuild } from "@remix-run/node";

process.env.NODE_ENV = process.env.NODE_ENV ?? "production";

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const concurrency = positiveInt("WEB_CONCURRENCY", 1);
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
const host = process.env.HOST || undefined;
const buildPath = resolve(process.argv[2] ?? "build/server/index.js");
/** How long a stopping process waits for requests in flight before it exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** A file of the client build for a GET/HEAD path, or null (then Remix answers). */
function staticFile(clientDir: string, publicPath: string, pathname: string): { path: string; size: number; immutable: boolean } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const path = resolve(clientDir, `.${decoded}`);
  if (!path.startsWith(clientDir + sep)) return null; // ".." out of the build
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return null;
    return { path, size: stat.size, immutable: decoded.startsWith(`${publicPath}assets/`) };
  } catch {
    return null;
  }
}

function remixRequest(req: http.IncomingMessage, res: http.ServerResponse): Request {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  // Abort loaders and actions when the client goes away before the answer is written.
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

async function sendResponse(res: http.ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  // As @remix-run/express does: Remix's Headers (not Node's) yield each Set-Cookie on its own.
  const cookies: string[] = [];
  for (const [key, value] of response.headers) {
    if (key === "set-cookie") cookies.push(value);
    else res.setHeader(key, value);
  }
  if (cookies.length) res.setHeader("set-cookie", cookies);
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * Streams a body with backpressure: the next chunk is read only once the socket has taken the
 * last (@remix-run/node's writeReadableStreamToWritable does not wait for 'drain', so a slow
 * client of a large CSV export made the process hold the whole export). A client that goes
 * away cancels the stream.
 */
async function writeBody(body: ReadableStream<Uint8Array>, res: http.ServerResponse): Promise<void> {
  const reader = body.getReader();
  const closed = new Promise<"closed">((resolve) => res.once("close", () => resolve("closed")));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        const waited = await Promise.race([new Promise<"drained">((resolve) => res.once("drain", () => resolve("drained"))), closed]);
        if (waited === "closed") {
          await reader.cancel();
          return;
        }
      }
    }
    res.end();
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

async function serve(): Promise<void> {
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  const handle = createRequestHandler(build, process.env.NODE_ENV);
  const clientDir = resolve(build.assetsBuildDirectory);
  const webhookAction = Object.values(build.routes).find((route) => route?.path === "webhooks/*")?.module.action;
  if (!webhookAction) throw new Error(`${buildPath} has no webhooks/* route with an action (app/routes/webhooks.$.tsx)`);

  /**
   * The webhook route's own action, called directly: Remix's router would match the path
   * against every route (compiling each pattern on every request) and run its data strategy
   * for a route that renders nothing, a sixth of the CPU of a webhook. What the action
   * answers or throws as a Response is the answer; another error is a 500, logged.
   */
  async function webhook(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    let response: Response;
    try {
      const answer: unknown = await webhookAction!({ request: remixRequest(req, res), params: { "*": pathname.slice("/webhooks/".length) }, context: {} });
      response = answer instanceof Response ? answer : new Response(null, { status: 204 });
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    await sendResponse(res, response);
  }

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    const failed = (error: unknown) => {
      console.error(`web: request ${req.method} ${pathname} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end("Unexpected Server Error");
      else res.destroy();
    };
    if (req.method === "POST" && pathname.startsWith("/webhooks/")) {
      webhook(req, res, pathname).catch(failed);
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const file = staticFile(clientDir, build.publicPath, pathname);
      if (file) {
        res.writeHead(200, {
          "content-type": CONTENT_TYPES[extname(file.path)] ?? "application/octet-stream",
          "content-length": file.size,
          "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        });
        if (req.method === "HEAD") res.end();
        else createReadStream(file.path).pipe(res);
        return;
      }
    }
    handle(remixRequest(req, res))
      .then((response) => sendResponse(res, response))
      .catch(failed);
  });
  // Longer than a typical proxy's idle timeout, so the proxy closes first (no reset on reuse).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ready) => server.listen(port, host, ready));
  const where = `http://${host ?? "localhost"}:${port}`;
  console.log(cluster.isWorker ? `[web ${process.pid}] listening at ${where} (worker ${cluster.worker?.id})` : `[web ${process.pid}] listening at ${where}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // In a cluster the primary asks by disconnecting (its own SIGTERM).
  if (cluster.isWorker) cluster.worker?.on("disconnect", stop);
}

function primary(): void {
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < concurrency; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A process that dies at once (a bad build, a bad setting) would die again: stop instead of spinning.
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    console.error(`[web primary] worker ${worker.process.pid} exited (${signal ?? code}) after ${lived} ms`);
    if (lived < 5_000) {
      console.error("[web primary] it died during start-up: stopping");
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 1_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  console.log(`[web primary ${process.pid}] ${concurrency} web processes on port ${port}, build ${buildPath}`);
}

if (concurrency > 1 && cluster.isPrimary) primary();
else
  serve().catch((error: unknown) => {
    console.error(`web: could not start: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
