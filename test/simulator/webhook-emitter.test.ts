import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createContext } from "./context";
import { readWebhookConfig, SHOPIFY_RETRY_DELAYS_S, WebhookEmitter, attachWebhookEmitter } from "./webhook-emitter";

const SECRET = "test-app-secret";
const shopify = shopifyApi({
  apiKey: "key",
  apiSecretKey: SECRET,
  scopes: ["read_orders"],
  hostName: "127.0.0.1",
  hostScheme: "http",
  apiVersion: ApiVersion.January26,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => {} },
});

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  valid: boolean;
  reason?: string;
}

let server: http.Server;
let appUrl = "";
let received: Received[] = [];
/** Status to answer per call; default 200. */
let respond: (r: Received, n: number) => number | "hang" = () => 200;
let tamper = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      let body = Buffer.concat(chunks).toString("utf8");
      if (tamper) body = body.replace(/"id":(\d)/, '"id":9$1');
      const check = await shopify.webhooks.validate({ rawBody: body, rawRequest: req, rawResponse: res });
      const r: Received = {
        path: req.url ?? "",
        headers: req.headers,
        body,
        valid: check.valid,
        reason: check.valid ? undefined : (check as { reason: string }).reason,
      };
      received.push(r);
      const status = respond(r, received.length);
      if (status === "hang") return; // never answer: the emitter times out
      res.statusCode = r.valid ? status : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  received = [];
  respond = () => 200;
  tamper = false;
});

const make = (o: Partial<ConstructorParameters<typeof WebhookEmitter>[0]> = {}) =>
  new WebhookEmitter({ appUrl, apiSecret: SECRET, seed: "t", timeFactor: 0.00001, ...o });

describe("toml routes", () => {
  it("reads topics and compliance topics with their uris", () => {
    const c = readWebhookConfig();
    expect(c.apiVersion).toBe("2026-01");
    expect(c.routes["orders/create"]).toBe("/webhooks/orders");
    expect(c.routes["refunds/create"]).toBe("/webhooks/refunds");
    expect(c.routes["customers/delete"]).toBe("/webhooks/customers");
    expect(c.routes["app/uninstalled"]).toBe("/webhooks/app/uninstalled");
    expect(c.routes["bulk_operations/finish"]).toBe("/webhooks/bulk-operations");
    expect(c.routes["shop/redact"]).toBe("/webhooks/compliance");
    expect(c.complianceTopics).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
  });
  it("has 8 retries over 4 hours", () => {
    expect(SHOPIFY_RETRY_DELAYS_S).toHaveLength(8);
    expect(SHOPIFY_RETRY_DELAYS_S.reduce((a, b) => a + b, 0)).toBe(4 * 3600);
  });
});

describe("WebhookEmitter", () => {
  it("signs deliveries so @shopify/shopify-api accepts them, with Shopify's headers", async () => {
    const e = make();
    const w = e.emit("a.myshopify.com", "orders/create", { id: 1, total_price: "10.00" });
    e.emit("a.myshopify.com", "customers/redact", { shop_id: 1, shop_domain: "a.myshopify.com" });
    await e.flush();
    expect(received).toHaveLength(2);
    const r = received.find((x) => x.path === "/webhooks/orders")!;
    expect(r.valid).toBe(true);
    expect(r.headers["x-shopify-topic"]).toBe("orders/create");
    expect(r.headers["x-shopify-shop-domain"]).toBe("a.myshopify.com");
    expect(r.headers["x-shopify-webhook-id"]).toBe(w.webhookId);
    expect(r.headers["x-shopify-event-id"]).toBe(w.eventId);
    expect(r.headers["x-shopify-api-version"]).toBe("2026-01");
    expect(r.headers["x-shopify-triggered-at"]).toBe(w.triggeredAt);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({ id: 1, total_price: "10.00" });
    expect(received.find((x) => x.path === "/webhooks/compliance")?.valid).toBe(true);
    expect(w.outcome).toBe("delivered");
    expect(e.getLog({ webhookId: w.webhookId })[0]).toMatchObject({ status: 200, ok: true, attempt: 1, topic: "orders/create" });
  });

  it("a tampered body is rejected by @shopify/shopify-api", async () => {
    tamper = true;
    const e = make({ retry: false });
    const w = e.emit("a.myshopify.com", "orders/create", { id: 1 });
    await e.flush();
    expect(received[0].valid).toBe(false);
    expect(received[0].reason).toBe("invalid_hmac");
    expect(e.getLog({ webhookId: w.webhookId })[0].status).toBe(401);
    expect(w.outcome).toBe("failed");
  });

  it("retries after a 500 and then succeeds with the same webhook id", async () => {
    respond = (_r, n) => (n <= 2 ? 500 : 200);
    const e = make();
    const w = e.emit("a.myshopify.com", "refunds/create", { id: 5 });
    await e.flush();
    const log = e.getLog({ webhookId: w.webhookId });
    expect(log.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(new Set(received.map((r) => r.headers["x-shopify-webhook-id"]))).toEqual(new Set([w.webhookId]));
    expect(w.outcome).toBe("delivered");
  });

  it("gives up after 8 retries", async () => {
    respond = () => 503;
    const e = make();
    const w = e.emit("a.myshopify.com", "orders/updated", { id: 6 });
    await e.flush();
    expect(e.getLog({ webhookId: w.webhookId })).toHaveLength(9);
    expect(w.outcome).toBe("failed");
  });

  it("times out slow answers and retries", async () => {
    respond = (_r, n) => (n === 1 ? "hang" : 200);
    const e = make({ timeoutMs: 200 });
    const w = e.emit("a.myshopify.com", "orders/create", { id: 7 });
    await e.flush();
    const log = e.getLog({ webhookId: w.webhookId });
    expect(log[0].status).toBeNull();
    expect(log[0].error).toMatch(/timeout/);
    expect(log[1].status).toBe(200);
  });

  it("drops deliveries at the drop rate, records them and never sends them", async () => {
    const e = make({ dropRate: 0.5 });
    const ws = Array.from({ length: 40 }, (_, i) => e.emit("a.myshopify.com", "orders/create", { id: i }));
    await e.flush();
    const dropped = ws.filter((w) => w.dropped);
    expect(dropped.length).toBeGreaterThan(5);
    expect(dropped.length).toBeLessThan(35);
    expect(e.dropped.map((d) => d.webhookId).sort()).toEqual(dropped.map((d) => d.webhookId).sort());
    const sent = new Set(received.map((r) => r.headers["x-shopify-webhook-id"]));
    for (const d of dropped) expect(sent.has(d.webhookId)).toBe(false);
    expect(received).toHaveLength(40 - dropped.length);
  });

  it("duplicates deliveries with the same webhook id", async () => {
    const e = make({ duplicateRate: 1 });
    const w = e.emit("a.myshopify.com", "orders/create", { id: 1 });
    await e.flush();
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.headers["x-shopify-webhook-id"] === w.webhookId && r.valid)).toBe(true);
    expect(e.getLog({ webhookId: w.webhookId }).map((a) => a.copy).sort()).toEqual([0, 1]);
  });

  it("reorders deliveries within the window", async () => {
    const e = make({ reorderWindowMs: 200, concurrency: 1 });
    for (let i = 0; i < 30; i++) e.emit("a.myshopify.com", "orders/updated", { seq: i });
    await e.flush();
    const seqs = received.map((r) => JSON.parse(r.body).seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(seqs).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("delivers a long backlog in emission order and keeps at most maxLogEntries records", async () => {
    const e = make({ concurrency: 1, maxLogEntries: 100 });
    const ws = Array.from({ length: 3000 }, (_, i) => e.emit("a.myshopify.com", "orders/updated", { seq: i }));
    await e.flush();
    expect(received.map((r) => JSON.parse(r.body).seq)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(e.emitted.length).toBeLessThanOrEqual(100);
    expect(e.log.length).toBeLessThanOrEqual(100);
    expect(e.emitted.at(-1)!.webhookId).toBe(ws.at(-1)!.webhookId);
    expect(e.getEmitted(ws[0].webhookId)).toBeUndefined();
    expect(e.getEmitted(ws.at(-1)!.webhookId)?.outcome).toBe("delivered");
  });

  it("does not send unsubscribed topics", async () => {
    const e = make();
    const w = e.emit("a.myshopify.com", "products/create", { id: 1 });
    await e.flush();
    expect(received).toHaveLength(0);
    expect(w.outcome).toBe("unsubscribed");
  });

  it("attachWebhookEmitter routes ctx.emitWebhook with the context's secret and clock", async () => {
    const ctx = createContext(
      { apiKey: "k", apiSecret: SECRET, appUrl, apiVersion: "2026-01", baseUrl: "http://127.0.0.1:1" },
      { now: () => new Date("2026-11-22T12:00:00Z") },
    );
    const e = attachWebhookEmitter(ctx, { timeFactor: 0.00001 });
    ctx.emitWebhook("b.myshopify.com", "app/uninstalled", { id: 1 });
    await e.flush();
    expect(received[0].valid).toBe(true);
    expect(received[0].path).toBe("/webhooks/app/uninstalled");
    expect(received[0].headers["x-shopify-triggered-at"]).toBe("2026-11-22T12:00:00.000Z");
    // An uninstalled shop gets no more webhooks except compliance ones.
    ctx.shops.set("c.myshopify.com", {
      domain: "c.myshopify.com", name: "c", currency: "USD", plan: "standard", grantedScopes: [],
      customers: new Map(), orders: new Map(), uninstalledAt: "2026-11-22T12:00:00Z",
    });
    received = [];
    ctx.emitWebhook("c.myshopify.com", "orders/create", { id: 2 });
    ctx.emitWebhook("c.myshopify.com", "shop/redact", { shop_id: 1 });
    await e.flush();
    expect(received.map((r) => r.headers["x-shopify-topic"])).toEqual(["shop/redact"]);
  });
});
