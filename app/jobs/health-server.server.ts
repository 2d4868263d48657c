// The worker's probe and scrape endpoints (docs/operations.md): a small
// node:http server started by app/jobs/worker.server.ts when
// WORKER_HEALTH_PORT is set.
//   GET /healthz  200 "ok" while the process serves (liveness)
//   GET /readyz   200 when PostgreSQL is reachable with every migration applied,
//                 Redis answers and the workers are running; 503 with the reasons
//   GET /metrics  the process's Prometheus metrics (Bearer METRICS_TOKEN when set)
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { databaseNotReady } from "../models/readiness.server";
import { redisReachable } from "../queue.server";
import { metricsResponse } from "../metrics.server";

export interface HealthServerOptions {
  port: number;
  host: string;
  /** Null while the workers take jobs, else why not (e.g. shutting down). */
  workersNotReady: () => string | null;
}

async function readiness(workersNotReady: () => string | null): Promise<{ ready: boolean; problems: string[] }> {
  const [database, redis] = await Promise.all([databaseNotReady(), redisReachable()]);
  const problems = [database, redis ? null : "redis unreachable", workersNotReady()].filter((p): p is string => p !== null);
  return { ready: problems.length === 0, problems };
}

/** Listens on host:port (port 0: any free port); resolves with the server once it listens. */
export function startHealthServer(options: HealthServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://worker").pathname;
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { "Content-Type": contentType, "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "Method Not Allowed");
    if (path === "/healthz") return send(200, "text/plain", "ok");
    if (path === "/readyz") {
      return void readiness(options.workersNotReady).then(
        (r) => send(r.ready ? 200 : 503, "application/json", JSON.stringify(r)),
        (e: Error) => send(503, "application/json", JSON.stringify({ ready: false, problems: [e.message] })),
      );
    }
    if (path === "/metrics") {
      return void metricsResponse(req.headers.authorization ?? null).then(
        (m) => send(m.status, m.contentType, m.body),
        (e: Error) => send(500, "text/plain", e.message),
      );
    }
    send(404, "text/plain", "Not Found");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** The port the server listens on. */
export function healthServerPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
