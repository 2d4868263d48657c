// The whole job of a webhook route: refuse an oversized body before reading it
// (413), verify the HMAC (401 if bad; verify.server.ts, as the library checks
// it but without loading the shop's session, which receipt never uses), store the event once per
// X-Shopify-Webhook-Id, enqueue its processing (not for the customers/update
// echo of the app's own tag writes, stored as skipped), answer. Every answer is timed
// (rfm_webhook_response_seconds by topic and status class); log lines carry
// topic, shop and webhookId, never the payload.
import { env } from "../env.server";
import { logger } from "../logger.server";
import { statusClass, webhookResponseTime } from "../metrics.server";
import { enqueue } from "../queue.server";
import { recordWebhookEvent } from "../models/webhook-events.server";
import { canonicalTopic, parseWebhookPayload, type CustomerPayload, type CustomerTagsPayload } from "./payloads";
import { verifyWebhook, type VerifiedWebhook } from "./verify.server";

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

/**
 * The customer of a customers/update that carries no tags, else undefined. Since 2025-01 customer
 * payloads carry no tags, and every tag the app writes makes Shopify send one: all it can still
 * tell the app is the customer's creation time, so the model records it as skipped when that
 * customer is already stored (the opt-out flag comes from customer.tags_added/removed, never skipped).
 */
function echoCandidate(topic: string, payload: unknown): string | undefined {
  if (topic !== "customers/update") return undefined;
  const customer = payload as CustomerPayload;
  return typeof customer.tags === "string" ? undefined : customer.id;
}

/**
 * The tags a customer.tags_added/removed lists (undefined when it lists none, or another topic):
 * the model records the event as skipped unless one of them is the shop's opt-out tag.
 */
function changedTagsOf(topic: string, payload: unknown): string[] | undefined {
  if (topic !== "customer.tags_added" && topic !== "customer.tags_removed") return undefined;
  const tags = (payload as CustomerTagsPayload).tags;
  return tags && tags.length > 0 ? tags : undefined;
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
  let context: VerifiedWebhook;
  try {
    context = verifyWebhook(incoming.method, headers, body, env.SHOPIFY_API_SECRET);
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

  const parsed = parseWebhookPayload(context.topic, context.payload);
  seen.topic = parsed.topic;
  // Plain fields, not a pino child per request (a child copies the logger's redaction set-up).
  const fields = { topic: parsed.topic, shop: context.shop, webhookId: context.webhookId };
  const triggeredAt = context.triggeredAt ? new Date(context.triggeredAt) : undefined;
  const stored = await recordWebhookEvent({
    webhookId: context.webhookId,
    shopDomain: context.shop,
    topic: parsed.topic,
    payload: parsed.ok ? parsed.payload : null,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : undefined,
    status: parsed.ok ? "pending" : "rejected",
    error: parsed.ok ? undefined : parsed.error,
    skipIfCustomerStored: parsed.ok ? echoCandidate(parsed.topic, parsed.payload) : undefined,
    skipUnlessOptOutTagIn: parsed.ok ? changedTagsOf(parsed.topic, parsed.payload) : undefined,
  });
  if (!parsed.ok) {
    logger.info({ ...fields, eventId: stored.id.toString() }, `webhook rejected: ${parsed.error}`);
    return new Response(parsed.error, { status: 400 });
  }
  if (logger.isLevelEnabled("debug")) logger.debug({ ...fields, eventId: stored.id.toString(), duplicate: stored.duplicate, skipped: stored.skipped }, "webhook stored");
  if (!stored.duplicate && !stored.skipped) {
    // If Redis is down the event is already safe in PostgreSQL; the sweep re-enqueues it.
    await enqueue("apply-webhook", { eventId: stored.id.toString() }).catch((error) =>
      logger.error({ ...fields, eventId: stored.id.toString() }, `enqueue failed for webhook event ${stored.id}: ${error}`),
    );
  }
  return new Response(null, { status: 200 });
}
