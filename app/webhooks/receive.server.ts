// The whole job of a webhook route: verify the HMAC (401 if bad), store the
// event once per X-Shopify-Webhook-Id, enqueue its processing, answer.
import { authenticate } from "../shopify.server";
import { enqueue } from "../queue.server";
import { recordWebhookEvent } from "../models/webhook-events.server";
import { canonicalTopic, parseWebhookPayload } from "./payloads";

export async function receiveWebhook(request: Request): Promise<Response> {
  const headers = request.headers;
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error; // 401 bad HMAC, 400, 405
    if (error instanceof SyntaxError) {
      // The HMAC was valid (it is checked first) but the body is not JSON.
      await recordWebhookEvent({
        webhookId: headers.get("x-shopify-webhook-id") ?? `invalid-${crypto.randomUUID()}`,
        shopDomain: headers.get("x-shopify-shop-domain") ?? "unknown",
        topic: canonicalTopic(headers.get("x-shopify-topic") ?? "unknown"),
        payload: null,
        status: "rejected",
        error: "body is not valid JSON",
      });
      return new Response("Malformed JSON body", { status: 400 });
    }
    throw error;
  }

  const parsed = parseWebhookPayload(String(context.topic), context.payload);
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
  if (!parsed.ok) return new Response(parsed.error, { status: 400 });
  if (!stored.duplicate) {
    // If Redis is down the event is already safe in PostgreSQL; the sweep re-enqueues it.
    await enqueue("apply-webhook", { eventId: stored.id.toString() }).catch(
      (error) => console.error(`enqueue failed for webhook event ${stored.id}: ${error}`),
    );
  }
  return new Response(null, { status: 200 });
}
