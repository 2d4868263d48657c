// End-to-end harness: a local Shopify simulator, the app's real webhook route
// served over HTTP, and the app's modules pointed at the simulator by the one
// setting (SHOPIFY_SIMULATOR_URL). Install goes through the library's own
// token exchange, exactly as an embedded app load in Shopify would.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startSimulator, type RunningSimulator, type StartOptions } from "../simulator/server";
import { attachWebhookEmitter, type WebhookEmitter, type WebhookEmitterOptions } from "../simulator/webhook-emitter";
import { generateStore, type GenerateStoreOptions } from "../simulator/generator";
import { eventually as pollUntilTruthy } from "./timing";

type AppModules = {
  shopify: typeof import("../../app/shopify.server");
  webhookRoute: typeof import("../../app/routes/webhooks.$");
  flowLifecycleRoute: typeof import("../../app/routes/flow.lifecycle");
  worker: typeof import("../../app/jobs/worker.server");
  queue: typeof import("../../app/queue.server");
  db: typeof import("../../app/db.server");
  pool: typeof import("../../app/db-pool.server");
  metafields: typeof import("../../app/shopify/metafields.server");
  writeBack: typeof import("../../app/jobs/processors/write-back.server");
  flowTrigger: typeof import("../../app/jobs/processors/flow-trigger.server");
};

export interface HarnessOptions {
  /** Deliver the simulator's webhooks to the app's webhook route (default true). */
  webhooks?: boolean;
}

export interface Harness {
  sim: RunningSimulator;
  emitter: WebhookEmitter;
  appUrl: string;
  app: AppModules;
  install(shop: string): Promise<void>;
  addStore(options: GenerateStoreOptions): ReturnType<typeof generateStore>;
  startWorkers(): void;
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

async function toRequest(req: http.IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
  }
  const method = req.method ?? "GET";
  return new Request(new URL(req.url ?? "/", base), {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
}

export async function startHarness(
  emitterOptions: Partial<WebhookEmitterOptions> = {},
  simulatorOptions: StartOptions["options"] = {},
  harnessOptions: HarnessOptions = {},
): Promise<Harness> {
  let app: AppModules | undefined;
  const server = http.createServer(async (req, res) => {
    try {
      const request = await toRequest(req, appUrl);
      const path = new URL(request.url).pathname;
      let response: Response;
      const action =
        request.method !== "POST" || !app
          ? undefined
          : path.startsWith("/webhooks/")
            ? app.webhookRoute.action
            : path === "/flow/lifecycle"
              ? app.flowLifecycleRoute.action
              : undefined;
      if (!app) response = new Response("app not loaded", { status: 503 });
      else if (!action) response = new Response("not found", { status: 404 });
      else {
        response = await action({ request, params: {}, context: {} }).catch((thrown: unknown) => {
          if (thrown instanceof Response) return thrown;
          throw thrown;
        });
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sim = await startSimulator({ port: 0, appUrl, options: { bulkRunMs: 50, ...simulatorOptions } });
  const emitter = harnessOptions.webhooks === false ? null : attachWebhookEmitter(sim.ctx, { retry: false, ...emitterOptions });
  const emitterOrThrow = (): WebhookEmitter => {
    if (!emitter) throw new Error("this harness was started with webhooks: false");
    return emitter;
  };

  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  process.env.SHOPIFY_APP_URL = appUrl;
  app = {
    shopify: await import("../../app/shopify.server"),
    webhookRoute: await import("../../app/routes/webhooks.$"),
    flowLifecycleRoute: await import("../../app/routes/flow.lifecycle"),
    worker: await import("../../app/jobs/worker.server"),
    queue: await import("../../app/queue.server"),
    db: await import("../../app/db.server"),
    pool: await import("../../app/db-pool.server"),
    metafields: await import("../../app/shopify/metafields.server"),
    writeBack: await import("../../app/jobs/processors/write-back.server"),
    flowTrigger: await import("../../app/jobs/processors/flow-trigger.server"),
  };
  const loaded = app;
  let workers: import("bullmq").Worker[] = [];

  return {
    sim,
    get emitter() {
      return emitterOrThrow();
    },
    appUrl,
    app: loaded,
    addStore(options) {
      const generated = generateStore(options);
      sim.ctx.shops.set(options.domain, generated.shop);
      return generated;
    },
    async install(shop) {
      // What Shopify's admin does when it opens an embedded app: a document
      // request carrying a fresh session token.
      const idToken = await sim.ctx.hooks!.sessionToken(shop);
      const host = Buffer.from(`${shop}/admin`).toString("base64url");
      const url = `${appUrl}/app?embedded=1&shop=${shop}&host=${host}&id_token=${idToken}`;
      await loaded.shopify.authenticate.admin(new Request(url));
    },
    startWorkers() {
      workers = loaded.worker.startWorkers();
    },
    async stopWorkers() {
      await Promise.all(workers.map((w) => w.close()));
      workers = [];
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await loaded.queue.closeQueues();
      emitter?.close();
      await sim.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loaded.pool.pool.end();
      await loaded.db.prisma.$disconnect();
    },
  };
}

/** Polls until `probe` returns a truthy value or the timeout passes (test/support/timing.ts, positional form). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, label = "condition"): Promise<T> {
  return (await pollUntilTruthy(probe, { timeoutMs, label })) as T;
}

/** Waits until no job is waiting, delayed or active on any queue. */
export async function waitForQueuesIdle(h: Harness, timeoutMs = 60_000): Promise<void> {
  const { QUEUES, getQueue } = h.app.queue;
  await eventually(async () => {
    for (const name of Object.values(QUEUES)) {
      const counts = await getQueue(name).getJobCounts("waiting", "delayed", "active", "prioritized");
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  }, timeoutMs, "queues to drain");
}

/** The latest completed run of a job for a shop that started at or after `after`. */
export function completedJobRun(h: Harness, name: string, shop: string, after: Date) {
  return h.app.db.prisma.jobRun.findFirst({
    where: { name, shopDomain: shop, status: "completed", startedAt: { gte: after } },
    orderBy: { id: "desc" },
  });
}
