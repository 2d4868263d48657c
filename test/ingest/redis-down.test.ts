// Redis down, not just flushed: a private redis-server is stopped while
// webhooks arrive. The webhook route must still answer 200 well inside
// Shopify's 5 s with the event stored in PostgreSQL (the producer fails fast
// instead of waiting for Redis), and once Redis is back the sweep applies it.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAll, placeOrder } from "../simulator/store-events";
import { eventually, startHarness, type Harness } from "../support/harness";
import { drainWebhookEvents, expectOrdersMatchSimulator } from "../support/compare";
import { allowConsole } from "../support/console";

const SHOP = `redis-down-${process.pid}.myshopify.com`;
let h: Harness;
let port: number;
let redisServer: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(): Promise<void> {
  redisServer = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await eventually(async () => probe.connect().then(() => probe.ping()).catch(() => null), 10_000, "private redis-server");
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(): Promise<void> {
  const server = redisServer;
  redisServer = undefined;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGKILL");
  await exited;
}

function post(body: string, headers: Record<string, string>) {
  return fetch(`${h.appUrl}/webhooks/orders/create`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 11, customers: 60, years: 1 });
  h.startWorkers();
  await h.install(SHOP);
  await eventually(async () => (await h.app.db.prisma.shop.findUnique({ where: { domain: SHOP } }))?.syncStatus === "completed", 60_000, "initial sync");
});

afterAll(async () => {
  await h?.close();
  await stopRedis();
});

describe("Redis down", () => {
  it("a webhook answers 200 within 5 s with its event stored, and is applied after Redis returns", async () => {
    // While Redis is unreachable the producer's connection reports errors and the route logs the failed enqueue.
    allowConsole(/(producer|worker) redis: |queue \w+: |enqueue failed for webhook event/);
    // This file's own Redis is empty after the restart: the sweep re-enqueues every pending event in
    // the shared test database, and other files' shops are unknown to this simulator (their
    // product-type look-ups 404 and retry).
    allowConsole(/^job events\/apply-webhook \S+ failed, will retry: Received an error response \(404 Not Found\) from Shopify/, "warn");
    // The same 404s reach a write-back of those customers (it retries what Shopify did not accept).
    allowConsole(/^job writeback\/write-back \S+ failed, will retry: write-back failed for \d+ customers: Received an error response \(404 Not Found\) from Shopify/, "warn");
    await h.stopWorkers();
    await stopRedis();

    const shop = h.sim.ctx.shops.get(SHOP)!;
    const placed = placeOrder(h.sim.ctx, shop, { customer: [...shop.customers.keys()][0], amountMinor: 7700 });
    const created = placed.webhooks.find((w) => w.topic === "orders/create")!;
    const body = JSON.stringify(created.payload);
    const webhookId = crypto.randomUUID();
    const startedAt = performance.now();
    const response = await post(body, {
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Hmac-Sha256": h.emitter.sign(body),
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-01",
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": crypto.randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
    });
    const elapsedMs = performance.now() - startedAt;
    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(5000);
    const stored = await h.app.db.prisma.webhookEvent.findUniqueOrThrow({ where: { webhookId } });
    expect(stored.status).toBe("pending");

    // The other webhooks of that order (and any the simulator sends) arrive while Redis is still down.
    emitAll(h.sim.ctx, shop, placed.webhooks.filter((w) => w !== created));
    await h.emitter.flush();

    await startRedis();
    h.startWorkers();
    await eventually(() => h.app.queue.enqueue("sweep-events", { olderThanMs: 0 }).catch(() => null), 20_000, "Redis back for producers");
    await drainWebhookEvents(h, SHOP, 30_000);
    expect((await h.app.db.prisma.webhookEvent.findUniqueOrThrow({ where: { webhookId } })).status).toBe("processed");
    await expectOrdersMatchSimulator(h, SHOP);
  });
});
