import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext, type SimulatorContext } from "./context";
import { handleControl, stopAllLiveTraffic } from "./control";
import { attachWebhookEmitter } from "./webhook-emitter";

let sim: http.Server;
let app: http.Server;
let base = "";
let ctx: SimulatorContext;
const hits: { path: string; topic: string; body: any }[] = [];

async function listen(s: http.Server) {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  app = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      hits.push({ path: req.url!, topic: String(req.headers["x-shopify-topic"]), body: JSON.parse(b) });
      res.end();
    });
  });
  const appUrl = await listen(app);
  ctx = createContext(
    { apiKey: "k", apiSecret: "s", appUrl, apiVersion: "2026-01", baseUrl: "" },
    { now: () => new Date("2026-11-22T12:00:00Z") },
  );
  attachWebhookEmitter(ctx, { timeFactor: 0.00001, seed: 1 });
  sim = http.createServer((req, res) => void handleControl(req, res, ctx));
  base = await listen(sim);
});
afterAll(() => {
  stopAllLiveTraffic(ctx);
  sim.closeAllConnections();
  sim.close();
  app.closeAllConnections();
  app.close();
});

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(base + path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? (r.headers.get("content-type")?.includes("ndjson") ? text : JSON.parse(text)) : null };
}

describe("/_sim control API", () => {
  const D = "ctl.myshopify.com";
  it("creates a generated shop and reports summary, truth and stats", async () => {
    const r = await call("POST", "/_sim/shops", { domain: D, plan: "advanced", generate: { seed: 1, customers: 800 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ domain: D, plan: "advanced", customers: 800, hasTruth: true, asOf: "2026-11-22T12:00:00Z" });
    expect(ctx.shops.get(D)).toBeTruthy();
    const t = await call("GET", `/_sim/shops/${D}/truth`);
    expect(t.body.customers.length).toBeGreaterThan(600);
    const s = await call("GET", `/_sim/shops/${D}/stats?perCustomer=1`);
    expect(s.body.orders).toBe(r.body.orders);
    const sum = s.body.perCustomer.reduce((a: number, c: any) => a + c.countedOrders, 0);
    const truthSum = t.body.customers.reduce((a: number, c: any) => a + c.countedOrdersBeforeAsOf, 0);
    expect(sum).toBe(truthSum);
    const nd = await call("GET", `/_sim/shops/${D}/stats/customers`);
    expect((nd.body as string).trim().split("\n")).toHaveLength(s.body.perCustomer.length);
    expect((await call("POST", "/_sim/shops", { domain: D })).status).toBe(409);
  });

  it("validates bodies with clear messages", async () => {
    const bad = await call("POST", "/_sim/shops", { domain: "nope", generate: { seed: 1, customers: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/domain/);
    expect(bad.body.error).toMatch(/generate.customers/);
    const o = await call("POST", `/_sim/shops/${D}/orders`, { amount: "12.345", guest: true });
    expect(o.status).toBe(400);
    expect((await call("POST", `/_sim/shops/${D}/orders`, { amount: "1.00" })).body.error).toMatch(/exactly one/);
    expect((await call("GET", `/_sim/shops/x.myshopify.com/truth`)).status).toBe(404);
    expect((await call("GET", `/_sim/nothing`)).status).toBe(404);
  });

  it("places, refunds and cancels orders and delivers the webhooks", async () => {
    hits.length = 0;
    const o = await call("POST", `/_sim/shops/${D}/orders`, { newCustomer: true, amount: "45.50" });
    expect(o.status).toBe(201);
    expect(o.body.webhooks).toEqual(["customers/create", "orders/create", "customers/update"]);
    const id = o.body.order.id;
    const rf = await call("POST", `/_sim/shops/${D}/orders/${id}/refund`, { amount: "5.50" });
    expect(rf.body.order.netShopMinor).toBe(4000);
    const cn = await call("POST", `/_sim/shops/${D}/orders/${id}/cancel`, { reason: "customer" });
    expect(cn.body.webhooks).toEqual(["orders/cancelled", "orders/updated"]);
    expect((await call("POST", `/_sim/shops/${D}/orders/${id}/refund`, { amountMinor: 999999 })).status).toBe(409);
    const f = await call("POST", "/_sim/webhooks/flush", {});
    expect(f.status).toBe(200);
    expect(hits.map((h) => h.topic)).toEqual(
      expect.arrayContaining(["customers/create", "orders/create", "customers/update", "refunds/create", "orders/updated", "orders/cancelled"]),
    );
    expect(hits.find((h) => h.topic === "orders/create")!.path).toBe("/webhooks/orders");
    const log = await call("GET", `/_sim/webhooks/log?topic=orders/create&shop=${D}`);
    expect(log.body.attempts.length).toBeGreaterThanOrEqual(1);
    expect(log.body.attempts[0]).toMatchObject({ status: 200, topic: "orders/create" });

    const cust = await call("GET", `/_sim/shops/${D}/customers/${o.body.customerId}`);
    expect(cust.body).toMatchObject({ id: o.body.customerId, tags: [], metafields: [], countedOrders: 0 });
    const del = await call("POST", `/_sim/shops/${D}/customers/${o.body.customerId}/delete`, {});
    expect(del.body.webhooks).toEqual(["customers/delete"]);
  });

  it("webhook options: drops are recorded, not sent", async () => {
    await call("POST", "/_sim/webhooks/clear", {});
    hits.length = 0;
    expect((await call("POST", "/_sim/webhooks/options", { dropRate: 1 })).body.dropRate).toBe(1);
    await call("POST", `/_sim/shops/${D}/orders`, { guest: true, amountMinor: 1000 });
    await call("POST", "/_sim/webhooks/flush", {});
    const log = await call("GET", "/_sim/webhooks/log?payloads=1");
    expect(log.body.dropped).toHaveLength(1);
    expect(log.body.dropped[0].payload.total_price).toBe("10.00");
    expect(hits).toHaveLength(0);
    await call("POST", "/_sim/webhooks/options", { dropRate: 0 });
    expect((await call("POST", "/_sim/webhooks/options", { dropRate: 2 })).status).toBe(400);
  });

  it("compliance, uninstall and flow triggers", async () => {
    hits.length = 0;
    const cid = [...ctx.shops.get(D)!.customers.values()].find((c) => !c.deleted)!.id;
    const red = await call("POST", `/_sim/shops/${D}/compliance/customers/redact`, { customerId: cid });
    expect(red.body.payload).toMatchObject({ shop_domain: D, customer: { id: cid } });
    expect((await call("POST", `/_sim/shops/${D}/compliance/customers/explode`, {})).status).toBe(400);
    const un = await call("POST", `/_sim/shops/${D}/uninstall`, {});
    expect(un.body.webhooks).toEqual(["app/uninstalled"]);
    await call("POST", "/_sim/webhooks/flush", {});
    expect(hits.map((h) => [h.path, h.topic])).toEqual([
      ["/webhooks/compliance", "customers/redact"],
      ["/webhooks/app/uninstalled", "app/uninstalled"],
    ]);
    ctx.flowTriggers.push({ shop: D, handle: "h", payload: {}, receivedAt: "x" });
    expect((await call("GET", `/_sim/flow-triggers?shop=${D}`)).body).toHaveLength(1);
    await call("POST", `/_sim/shops/${D}/reinstall`, {});
  });

  it("cdnow shop and live traffic", async () => {
    const c = await call("POST", "/_sim/shops", { domain: "cd.myshopify.com", cdnow: true });
    expect(c.body).toMatchObject({ customers: 23570, orders: 69659 });
    const before = ctx.shops.get("cd.myshopify.com")!.orders.size;
    hits.length = 0;
    const live = await call("POST", "/_sim/shops/cd.myshopify.com/live", { rate: 200, seconds: 0.5, wait: true, seed: 1 });
    expect(live.status).toBe(200);
    expect(live.body.running).toBe(false);
    expect(live.body.ordersPlaced).toBeGreaterThan(20);
    expect(live.body.ordersPlaced).toBeLessThanOrEqual(100);
    expect(ctx.shops.get("cd.myshopify.com")!.orders.size).toBe(before + live.body.ordersPlaced);
    await call("POST", "/_sim/webhooks/flush", {});
    expect(hits.filter((h) => h.topic === "orders/create")).toHaveLength(live.body.ordersPlaced);
    const started = await call("POST", "/_sim/shops/cd.myshopify.com/live", { rate: 10, seconds: 60 });
    expect(started.status).toBe(202);
    const stopped = await call("POST", "/_sim/shops/cd.myshopify.com/live/stop", {});
    expect(stopped.body.running).toBe(false);
  });
});
