// Shopify's server-to-server calls through Remix's request handler: webhooks
// (routes/webhooks.$) and Flow's trigger lifecycle (routes/flow.lifecycle),
// both signed with the app secret (base64 HMAC-SHA256 of the raw body).
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops } from "../support/score-seed";

const SHOP = `routes-callbacks-${process.pid}.myshopify.com`;
let app: RemixApp;
let db: typeof import("../../app/db.server");
let queue: typeof import("../../app/queue.server");

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  queue = await app.import("queue.server.ts");
  app.addShop(SHOP);
  expect((await app.handle(new Request(await app.documentUrl(SHOP, "/app")))).status).toBe(200);
});

afterAll(async () => {
  if (db) {
    await db.prisma.webhookEvent.deleteMany({ where: { shopDomain: SHOP } });
    await removeShops(db.prisma, [SHOP]);
  }
  await app?.close();
});

const sign = (body: string, secret = app.apiSecret) => createHmac("sha256", secret).update(body).digest("base64");

function webhook(topic: string, body: string, headers: Record<string, string> = {}) {
  const path = topic === "app/uninstalled" ? "/webhooks/app/uninstalled" : `/webhooks/${topic.split("/")[0]}`;
  return new Request(`${app.appUrl}${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": sign(body),
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-01",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": "2026-11-22T10:00:00.000Z",
      ...headers,
    },
  });
}

const storedEvent = (webhookId: string) => db.prisma.webhookEvent.findUnique({ where: { webhookId } });

describe("routes/webhooks.$", () => {
  it("stores a correctly signed webhook once, enqueues its processing and answers 200", async () => {
    const request = webhook("customers/delete", JSON.stringify({ id: 7001, email: "someone@example.com" }));
    const webhookId = request.headers.get("x-shopify-webhook-id")!;
    const response = await app.handle(request);
    expect(response.status).toBe(200);
    const event = await storedEvent(webhookId);
    expect(event).toMatchObject({ shopDomain: SHOP, topic: "customers/delete", status: "pending", payload: { id: "7001" } });
    expect(event!.triggeredAt?.toISOString()).toBe("2026-11-22T10:00:00.000Z");
    const job = await queue.getQueue("events").getJob(`webhook-${event!.id}`);
    expect(job?.name).toBe("apply-webhook");
    expect(job?.data).toEqual({ eventId: event!.id.toString() });
  });

  it("answers 401 to a bad HMAC and stores nothing", async () => {
    const body = JSON.stringify({ id: 7002 });
    for (const hmac of [sign(body, "not-the-app-secret"), sign(`${body} `)]) {
      const request = webhook("customers/delete", body, { "x-shopify-hmac-sha256": hmac });
      const response = await app.handle(request);
      expect(response.status).toBe(401);
      expect(await storedEvent(request.headers.get("x-shopify-webhook-id")!)).toBeNull();
    }
  });

  it("answers 400 to a webhook without a signature and stores nothing", async () => {
    const request = webhook("customers/delete", JSON.stringify({ id: 7003 }), { "x-shopify-hmac-sha256": "" });
    expect((await app.handle(request)).status).toBe(400);
    expect(await storedEvent(request.headers.get("x-shopify-webhook-id")!)).toBeNull();
  });

  it("answers 400 to a signed payload that fails its schema, and records it as rejected", async () => {
    const request = webhook("customers/delete", JSON.stringify({ id: "not-a-number" }));
    const response = await app.handle(request);
    expect(response.status).toBe(400);
    expect(await storedEvent(request.headers.get("x-shopify-webhook-id")!)).toMatchObject({ status: "rejected", payload: null });
  });
});

describe("routes/flow.lifecycle", () => {
  const payload = (enabled: unknown, domain: string = SHOP) =>
    JSON.stringify({ flow_trigger_definition_id: "customer-segment-changed", has_enabled_flow: enabled, shop_id: 1, shopify_domain: domain, timestamp: "2026-11-22T10:00:00Z" });
  const lifecycle = (body: string, hmac = sign(body)) =>
    app.handle(new Request(`${app.appUrl}/flow/lifecycle`, { method: "POST", body, headers: { "content-type": "application/json", "x-shopify-hmac-sha256": hmac } }));
  const flowEnabled = async () => (await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP }, include: { settings: true } })).settings?.flowTriggerEnabled;

  it("records that the shop enabled, then disabled, a workflow using the trigger", async () => {
    expect(await flowEnabled()).toBe(false);
    const on = await lifecycle(payload(true));
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ ok: true, known: true });
    expect(await flowEnabled()).toBe(true);
    expect((await lifecycle(payload(false))).status).toBe(200);
    expect(await flowEnabled()).toBe(false);
  });

  it("answers 200 with known false for a shop the app does not know", async () => {
    const response = await lifecycle(payload(true, `unknown-${process.pid}.myshopify.com`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, known: false });
  });

  it("answers 401 to a bad HMAC and changes nothing", async () => {
    expect((await lifecycle(payload(true), sign(payload(true), "not-the-app-secret"))).status).toBe(401);
    expect((await lifecycle(payload(true), "")).status).toBe(401);
    expect(await flowEnabled()).toBe(false);
  });

  it("answers 400 to a signed body that is not JSON or lacks the fields", async () => {
    expect((await lifecycle("not json")).status).toBe(400);
    expect((await lifecycle(payload("yes"))).status).toBe(400);
    expect((await lifecycle(JSON.stringify({ has_enabled_flow: true }))).status).toBe(400);
    expect(await flowEnabled()).toBe(false);
  });
});
