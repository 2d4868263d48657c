// flowTriggerReceive: the app's Flow trigger, checked against the handles its
// extensions declare and Flow's payload limit, recorded in the context.
import { flowTriggerHandles } from "../../flow-extensions";
import type { Env } from "../env";

export function flowTriggerReceive(env: Env, args: { handle?: string | null; payload?: unknown; body?: string | null }) {
  const errors: { field: string[]; message: string }[] = [];
  let handle = args.handle ?? null;
  let payload = args.payload;
  if (args.body != null) {
    try {
      const b = JSON.parse(args.body);
      handle ??= b.trigger_id ?? b.trigger_title ?? null;
      payload ??= b.properties;
    } catch {
      errors.push({ field: ["body"], message: "Invalid body" });
    }
  }
  if (!handle) errors.push({ field: ["handle"], message: "Handle can't be blank" });
  else if (!flowTriggerHandles(env.state).has(handle)) errors.push({ field: ["handle"], message: `Invalid handle '${handle}'.` });
  const size = Buffer.byteLength(JSON.stringify(payload ?? null), "utf8");
  if (size >= env.state.options.flowPayloadLimitBytes) errors.push({ field: ["payload"], message: `Errors validating schema:\n  Properties size exceeds the limit of ${env.state.options.flowPayloadLimitBytes} bytes.` });
  if (payload == null || typeof payload !== "object" || Array.isArray(payload)) errors.push({ field: ["payload"], message: "Payload must be a JSON object" });
  if (errors.length) return { userErrors: errors };
  env.state.ctx.flowTriggers.push({ shop: env.shop.domain, handle: handle!, payload, receivedAt: env.state.ctx.now().toISOString() });
  return { userErrors: [] };
}
