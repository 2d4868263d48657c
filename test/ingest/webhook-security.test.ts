import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitAll, placeOrder } from "../simulator/store-events";
import { orderPayload } from "../simulator/webhook-payloads";
import { eventually, startHarness, type Harness } from "../support/harness";

const SHOP = `security-${process.pid}.myshopify.com`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 3, customers: 20, years: 1 });
  await h.install(SHOP);
});

afterAll(async () => {
  await h?.close();
});

function post(body: string, headers: Record<string, string>) {
  return fetch(`${h.appUrl}/webhooks/orders`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

function signedHeaders(body: string, overrides: Record<string, string> = {}) {
  return {
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Hmac-Sha256": h.emitter.sign(body),
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-API-Version": "2026-01",
    "X-Shopify-Webhook-Id": crypto.randomUUID(),
    "X-Shopify-Event-Id": crypto.randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    ...overrides,
  };
}

const stored = (webhookId: string) => h.app.db.prisma.webhookEvent.findUnique({ where: { webhookId } });

describe("webhook route", () => {
  it("accepts a webhook signed by the simulator through authenticate.webhook and stores no personal data", async () => {
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const placed = placeOrder(h.sim.ctx, shop, { customer: [...shop.customers.keys()][0], amountMinor: 2500 });
    emitAll(h.sim.ctx, shop, placed.webhooks);
    await h.emitter.flush();
    const attempts = h.emitter.getLog({ shop: SHOP, topic: "orders/create" });
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.status === 200)).toBe(true);
    const event = await eventually(() => stored(attempts[0].webhookId), 5000, "stored event");
    expect(event.topic).toBe("orders/create");
    const raw = JSON.stringify(event.payload);
    expect(raw).toContain(String(placed.order.id));
    for (const personal of ["email", "first_name", "last_name", "address", "phone"]) expect(raw).not.toContain(personal);
  });

  it("answers 413 to an oversized body before reading it, declared or streamed, and stores nothing", async () => {
    const big = "x".repeat(3 * 1024 * 1024);
    const headers = signedHeaders(big);
    const declared = await post(big, headers);
    expect(declared.status).toBe(413);
    expect(await stored(headers["X-Shopify-Webhook-Id"])).toBeNull();
    // No Content-Length: a chunked 20 MB stream is counted as it arrives and refused past the limit
    // (the app keeps at most the limit in memory; what the socket drains after that is discarded).
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamedHeaders = signedHeaders("irrelevant");
    const streamed = await fetch(`${h.appUrl}/webhooks/orders`, {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "application/json", ...streamedHeaders },
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(streamed.status).toBe(413);
    expect(await stored(streamedHeaders["X-Shopify-Webhook-Id"])).toBeNull();
    // Just under the limit is read and judged on its HMAC as usual.
    const near = JSON.stringify({ pad: "y".repeat(2 * 1024 * 1024 - 100) });
    expect((await post(near, signedHeaders(near, { "X-Shopify-Hmac-Sha256": "bad" }))).status).toBe(401);
  });

  it("answers 401 to a tampered body and stores nothing", async () => {
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const order = [...shop.orders.values()][0];
    const body = JSON.stringify(orderPayload(shop, order));
    const headers = signedHeaders(body);
    const tampered = body.replace(/"total_price":"[^"]+"/, '"total_price":"0.01"');
    expect(tampered).not.toBe(body);
    const response = await post(tampered, headers);
    expect(response.status).toBe(401);
    expect(await stored(headers["X-Shopify-Webhook-Id"])).toBeNull();
    // The untampered body with the same signature is accepted.
    expect((await post(body, headers)).status).toBe(200);
  });

  it("answers 200 to a duplicate delivery and stores it once", async () => {
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const body = JSON.stringify(orderPayload(shop, [...shop.orders.values()][1]));
    const headers = signedHeaders(body);
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body, headers)).status).toBe(200);
    expect(await h.app.db.prisma.webhookEvent.count({ where: { webhookId: headers["X-Shopify-Webhook-Id"] } })).toBe(1);
  });

  it("rejects and records a malformed payload with a clear error", async () => {
    const shop = h.sim.ctx.shops.get(SHOP)!;
    const payload = orderPayload(shop, [...shop.orders.values()][2]) as Record<string, unknown>;
    delete payload.total_price_set;
    const body = JSON.stringify(payload);
    const headers = signedHeaders(body);
    const response = await post(body, headers);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("total_price_set");
    const event = await stored(headers["X-Shopify-Webhook-Id"]);
    expect(event?.status).toBe("rejected");
    expect(event?.payload).toBeNull();

    const notJson = "{not json";
    const jsonHeaders = signedHeaders(notJson);
    expect((await post(notJson, jsonHeaders)).status).toBe(400);
    expect((await stored(jsonHeaders["X-Shopify-Webhook-Id"]))?.status).toBe("rejected");
  });
});
