// tagsAdd / tagsRemove on customers: Shopify's normalisation (comma split,
// trim, case-insensitive uniqueness, sorted), limits, and the webhook.
import type { SimCustomer } from "../../model";
import { customerPayload } from "../../webhook-payloads";
import type { Env } from "../env";
import { parseGid } from "../gid";
import { customerView } from "../views";

function normalizeTags(tags: string[]): string[] {
  return tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
}

/** Shopify announces every tag change with customers/update. */
function customerUpdatedWebhook(env: Env, c: SimCustomer) {
  env.state.ctx.emitWebhook(env.shop.domain, "customers/update", customerPayload(env.shop, c));
}

export function tagsMutation(env: Env, args: { id: string; tags: string[] }, add: boolean) {
  const id = parseGid(args.id, "Customer");
  const c = id == null ? undefined : env.shop.customers.get(id);
  if (!c || c.deleted) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
  const tags = normalizeTags(args.tags);
  const tooLong = tags.find((t) => t.length > 255);
  if (tooLong) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is too long (maximum is 255 characters)" }] };
  const before = c.tags.join("\u0000");
  c.tags = [...c.tags]; // the generator may share one frozen empty array
  if (add) {
    const lower = new Set(c.tags.map((t) => t.toLowerCase()));
    for (const t of tags) if (!lower.has(t.toLowerCase())) { c.tags.push(t); lower.add(t.toLowerCase()); }
    if (c.tags.length > 250) {
      c.tags = before ? before.split("\u0000") : [];
      return { node: null, userErrors: [{ field: ["tags"], message: "Tags cannot be more than 250" }] };
    }
  } else {
    const rm = new Set(tags.map((t) => t.toLowerCase()));
    c.tags = c.tags.filter((t) => !rm.has(t.toLowerCase()));
  }
  c.tags.sort((a, b) => a.localeCompare(b));
  if (c.tags.join("\u0000") !== before) {
    c.updatedAt = env.state.ctx.now().toISOString();
    customerUpdatedWebhook(env, c);
  }
  return { node: customerView(env, c), userErrors: [] };
}
