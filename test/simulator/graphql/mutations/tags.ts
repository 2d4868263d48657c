// tagsAdd / tagsRemove on customers: Shopify's normalisation (comma split,
// trim, case-insensitive uniqueness, sorted), limits, and the webhook.
import type { SimCustomer } from "../../model";
import { customerPayload } from "../../webhook-payloads";
import type { Env } from "../env";
import { parseGid } from "../gid";
import { customerView } from "../views";
import { intern } from "../../intern";

function normalizeTags(tags: string[]): string[] {
  return tags.flatMap((t) => t.split(",")).map((t) => intern(t.trim())).filter(Boolean);
}

/**
 * Shopify announces every tag change with customers/update, and (since 2025-01, when customer
 * payloads lost their tags) with customer.tags_added / customer.tags_removed naming the customer
 * and the tags that changed.
 */
function tagWebhooks(env: Env, c: SimCustomer, added: string[], removed: string[]) {
  const at = env.state.ctx.now().toISOString();
  env.state.ctx.emitWebhook(env.shop.domain, "customers/update", customerPayload(env.shop, c));
  if (added.length) env.state.ctx.emitWebhook(env.shop.domain, "customer.tags_added", { customerId: `gid://shopify/Customer/${c.id}`, tags: added, occurredAt: at });
  if (removed.length) env.state.ctx.emitWebhook(env.shop.domain, "customer.tags_removed", { customerId: `gid://shopify/Customer/${c.id}`, tags: removed, occurredAt: at });
}

export function tagsMutation(env: Env, args: { id: string; tags: string[] }, add: boolean) {
  const id = parseGid(args.id, "Customer");
  const c = id == null ? undefined : env.shop.customers.get(id);
  if (!c || c.deleted) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
  const tags = normalizeTags(args.tags);
  const tooLong = tags.find((t) => t.length > 255);
  if (tooLong) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is too long (maximum is 255 characters)" }] };
  const before = c.tags.join("\u0000");
  const had = new Set(c.tags.map((t) => t.toLowerCase()));
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
  const unique = [...new Map(tags.map((t) => [t.toLowerCase(), t])).values()];
  env.state.ctx.customerWrites.push({
    shop: env.shop.domain,
    customerId: c.id,
    kind: add ? "tagsAdd" : "tagsRemove",
    items: unique,
    redundant: unique.filter((t) => had.has(t.toLowerCase()) === add),
    at: env.state.ctx.now().toISOString(),
  });
  if (c.tags.join("\u0000") !== before) {
    c.updatedAt = env.state.ctx.now().toISOString();
    const has = new Set(c.tags.map((t) => t.toLowerCase()));
    tagWebhooks(
      env,
      c,
      c.tags.filter((t) => !had.has(t.toLowerCase())),
      before ? before.split("\u0000").filter((t) => !has.has(t.toLowerCase())) : [],
    );
  }
  return { node: customerView(env, c), userErrors: [] };
}
