// The whole job of a webhook route: refuse an oversized body before reading it
// (413), verify the HMAC (401 if bad), store the event once per
// X-Shopify-Webhook-Id, enqueue its processing, answer. Every answer is timed
// (rfm_webhook_response_seconds by topic and status class); log lines carry
// topic, shop and webhookId, never the payload.
import { authenticate } from "../shopify.server";
import { logger } from "../logger.server";
import { statusClass, webhookResponseTime } from "../metrics.server";
import { enqueue } from "../queue.server";
import { recordWebhookEvent } from "../models/webhook-events.server";
import { canonicalTopic, parseWebhookPayload } from "./payloads";

/**
 * The largest webhook body accepted. Shopify's biggest payloads (orders with hundreds of line
 * items) stay well under 1 MB; 2 MB leaves room and keeps a flood of large bodies cheap.
 */
export const MAX_WEBHOOK_BODY_BYTES = 2 * 1024 * 1024;

/** The body, read only up to the limit (null when it is larger: declared or counted). */
async function readBounded(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

export async function receiveWebhook(incoming: Request): Promise<Response> {
  const startedAt = performance.now();
  // The topic label only once the HMAC is verified: unsigned requests cannot mint label values.
  const seen = { topic: "unverified" };
  let status = 500;
  try {
    const response = await receive(incoming, seen);
    status = response.status;
    return response;
  } catch (error) {
    if (error instanceof Response) status = error.status; // the library's 401 / 400 / 405
    throw error;
  } finally {
    webhookResponseTime.observe({ topic: seen.topic, status_class: statusClass(status) }, (performance.now() - startedAt) / 1000);
  }
}

async function receive(incoming: Request, seen: { topic: string }): Promise<Response> {
  const headers = incoming.headers;
  const body = await readBounded(incoming, MAX_WEBHOOK_BODY_BYTES);
  if (body === null) return new Response(`Payload too large (limit ${MAX_WEBHOOK_BODY_BYTES} bytes)`, { status: 413 });
  const request = new Request(incoming.url, { method: incoming.method, headers, body: incoming.method === "GET" || incoming.method === "HEAD" ? undefined : body });
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error; // 401 bad HMAC, 400, 405
    if (error instanceof SyntaxError) {
      // The HMAC was valid (it is checked first) but the body is not JSON.
      const event = {
        webhookId: headers.get("x-shopify-webhook-id") ?? `invalid-${crypto.randomUUID()}`,
        shopDomain: headers.get("x-shopify-shop-domain") ?? "unknown",
        topic: canonicalTopic(headers.get("x-shopify-topic") ?? "unknown"),
      };
      seen.topic = event.topic;
      await recordWebhookEvent({ ...event, payload: null, status: "rejected", error: "body is not valid JSON" });
      logger.info({ topic: event.topic, shop: event.shopDomain, webhookId: event.webhookId }, "webhook rejected: body is not valid JSON");
      return new Response("Malformed JSON body", { status: 400 });
    }
    throw error;
  }

  const parsed = parseWebhookPayload(String(context.topic), context.payload);
  seen.topic = parsed.topic;
  const log = logger.child({ topic: parsed.topic, shop: context.shop, webhookId: context.webhookId });
  const triggeredAt = context.triggeredAt ? new Date(context.triggeredAt) : undefined;
  const stored = await recordWebhookEvent({
    webhookId: context.webhookId,
    shopDomain: context.shop,
    topic: parsed.topic,
    payload: parsed.ok ? parsed.payload : null,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : undefined,
    status: parsed.ok ? "pending" : "rejected",
    error: parsed.ok ? undefined : parsed.error,
  });
  if (!parsed.ok) {
    log.info({ eventId: stored.id.toString() }, `webhook rejected: ${parsed.error}`);
    return new Response(parsed.error, { status: 400 });
  }
  log.debug({ eventId: stored.id.toString(), duplicate: stored.duplicate }, "webhook stored");
  if (!stored.duplicate) {
    // If Redis is down the event is already safe in PostgreSQL; the sweep re-enqueues it.
    await enqueue("apply-webhook", { eventId: stored.id.toString() }).catch((error) =>
      log.error({ eventId: stored.id.toString() }, `enqueue failed for webhook event ${stored.id}: ${error}`),
    );
  }
  return new Response(null, { status: 200 });
}
