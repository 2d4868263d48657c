// Shopify Flow trigger lifecycle callback: Flow POSTs
//   { flow_trigger_definition_id, has_enabled_flow, shop_id, shopify_domain, timestamp }
// signed like a webhook (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw
// body with the app's client secret). We record has_enabled_flow in
// ShopSettings.flowTriggerEnabled so triggers are only sent to shops with an
// enabled workflow. Bad signature → 401; anything else → 2xx quickly, or
// Flow refuses to enable the merchant's workflow.
import type { ActionFunctionArgs } from "@remix-run/node";
import { env } from "../env.server";
import { setFlowTriggerEnabled } from "../models/flow-lifecycle.server";
import { verifyFlowHmac } from "../shopify/flow-hmac.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
  const raw = await request.text();
  if (!verifyFlowHmac(raw, request.headers.get("x-shopify-hmac-sha256"), env.SHOPIFY_API_SECRET)) {
    return new Response("Unauthorized", { status: 401 });
  }
  let body: { has_enabled_flow?: unknown; shopify_domain?: unknown };
  try {
    body = JSON.parse(raw);
  } catch {
    return new Response("Bad Request", { status: 400 });
  }
  const domain = typeof body.shopify_domain === "string" ? body.shopify_domain.toLowerCase() : null;
  if (!domain || typeof body.has_enabled_flow !== "boolean") return new Response("Bad Request", { status: 400 });
  const known = await setFlowTriggerEnabled(domain, body.has_enabled_flow);
  return new Response(JSON.stringify({ ok: true, known }), { status: 200, headers: { "content-type": "application/json" } });
}
