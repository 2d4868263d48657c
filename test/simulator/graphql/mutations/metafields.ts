// metafieldsSet: validation per input (owner, namespace, key, type against
// the definition, value, compareDigest), then all-or-nothing writes.
import type { SimCustomer } from "../../model";
import { extrasOf } from "../../state";
import type { Env } from "../env";
import { gid, parseGid } from "../gid";
import { digest, KNOWN_TYPES, validateMetafieldValue } from "../metafields";
import { defaultNamespace, metafieldView } from "../views";
import { intern } from "../../intern";

export interface MfInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

/** Metafield writes in the simulator's customer write log: one record per customer and call. */
function logWrites(env: Env, kind: "metafieldsSet" | "metafieldsDelete", writes: { customerId: number; item: string; redundant: boolean }[]) {
  const at = env.state.ctx.now().toISOString();
  const byCustomer = new Map<number, { items: string[]; redundant: string[] }>();
  for (const w of writes) {
    let r = byCustomer.get(w.customerId);
    if (!r) byCustomer.set(w.customerId, (r = { items: [], redundant: [] }));
    const item = intern(w.item);
    r.items.push(item);
    if (w.redundant) r.redundant.push(item);
  }
  for (const [customerId, r] of byCustomer) env.state.ctx.customerWrites.push({ shop: env.shop.domain, customerId, kind, ...r, at });
}

export function metafieldsSet(env: Env, args: { metafields: MfInput[] }) {
  const errs: { field: string[]; message: string; code: string; elementIndex: number | null }[] = [];
  if (args.metafields.length > 25) {
    return {
      metafields: null,
      userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }],
    };
  }
  const defs = extrasOf(env.state, env.shop.domain).definitions;
  const plan: { c: SimCustomer; ns: string; key: string; type: string; value: string }[] = [];
  args.metafields.forEach((m, i) => {
    const field = (f: string) => ["metafields", String(i), f];
    const cid = parseGid(m.ownerId, "Customer");
    const c = cid == null ? undefined : env.shop.customers.get(cid);
    if (!c || c.deleted) {
      errs.push({ field: field("ownerId"), message: "Owner does not exist.", code: "INVALID", elementIndex: i });
      return;
    }
    const ns = m.namespace ?? defaultNamespace(env);
    if (ns.length < 3 || ns.length > 255) errs.push({ field: field("namespace"), message: "Namespace is too short (minimum is 3 characters)", code: ns.length < 3 ? "TOO_SHORT" : "TOO_LONG", elementIndex: i });
    if (m.key.length < 2 || m.key.length > 64) errs.push({ field: field("key"), message: "Key is too short (minimum is 2 characters)", code: m.key.length < 2 ? "TOO_SHORT" : "TOO_LONG", elementIndex: i });
    const existing = c.metafields.find((x) => x.namespace === ns && x.key === m.key);
    const def = defs.find((d) => d.ownerType === "CUSTOMER" && d.namespace === ns && d.key === m.key);
    const type = m.type ?? def?.type ?? existing?.type;
    if (!type) {
      errs.push({ field: field("type"), message: "Type can't be blank", code: "BLANK", elementIndex: i });
      return;
    }
    if (!KNOWN_TYPES.has(type)) {
      errs.push({ field: field("type"), message: `Type '${type}' is not a valid type.`, code: "INVALID_TYPE", elementIndex: i });
      return;
    }
    if (def && def.type !== type) {
      errs.push({ field: field("type"), message: `Type '${type}' must be consistent with the definition's type: '${def.type}'.`, code: "INVALID_TYPE", elementIndex: i });
      return;
    }
    const bad = validateMetafieldValue(type, m.value);
    if (bad) {
      errs.push({ field: field("value"), message: bad, code: "INVALID_VALUE", elementIndex: i });
      return;
    }
    if (Object.prototype.hasOwnProperty.call(m, "compareDigest") && m.compareDigest !== undefined) {
      const current = existing ? digest(existing.value) : null;
      if (m.compareDigest !== current) {
        errs.push({ field: field("compareDigest"), message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", code: "STALE_OBJECT", elementIndex: i });
        return;
      }
    }
    plan.push({ c, ns, key: m.key, type, value: m.value });
  });
  if (errs.length) return { metafields: null, userErrors: errs };
  const now = env.state.ctx.now().toISOString();
  logWrites(
    env,
    "metafieldsSet",
    plan.map((p) => {
      const mf = p.c.metafields.find((x) => x.namespace === p.ns && x.key === p.key);
      return { customerId: p.c.id, item: `${p.ns}.${p.key}`, redundant: mf !== undefined && mf.value === p.value && mf.type === p.type };
    }),
  );
  const out = plan.map((p) => {
    let mf = p.c.metafields.find((x) => x.namespace === p.ns && x.key === p.key);
    if (mf) {
      mf.value = p.value;
      mf.type = intern(p.type);
      mf.updatedAt = now;
    } else {
      mf = { namespace: intern(p.ns), key: intern(p.key), type: intern(p.type), value: p.value, updatedAt: now };
      p.c.metafields = [...p.c.metafields, mf]; // may be a shared frozen array
    }
    return metafieldView(env, gid("Customer", p.c.id), mf);
  });
  return { metafields: out, userErrors: [] };
}

export interface MfIdentifierInput {
  ownerId: string;
  namespace: string;
  key: string;
}

/**
 * metafieldsDelete: deletes by (owner, namespace, key). A metafield that does not exist still
 * succeeds, with null in its place in deletedMetafields (shopify.dev, metafieldsDelete).
 */
export function metafieldsDelete(env: Env, args: { metafields: MfIdentifierInput[] }) {
  if (args.metafields.length === 0) {
    return { deletedMetafields: null, userErrors: [{ field: ["metafields"], message: "At least one metafield identifier must be specified." }] };
  }
  const logged: { customerId: number; item: string; redundant: boolean }[] = [];
  const deleted = args.metafields.map((m) => {
    const cid = parseGid(m.ownerId, "Customer");
    const c = cid == null ? undefined : env.shop.customers.get(cid);
    if (!c || c.deleted) return null;
    const at = c.metafields.findIndex((x) => x.namespace === m.namespace && x.key === m.key);
    logged.push({ customerId: c.id, item: `${m.namespace}.${m.key}`, redundant: at < 0 });
    if (at < 0) return null;
    c.metafields = c.metafields.filter((_, i) => i !== at); // may be a shared frozen array
    return { ownerId: m.ownerId, namespace: m.namespace, key: m.key };
  });
  logWrites(env, "metafieldsDelete", logged);
  return { deletedMetafields: deleted, userErrors: [] };
}
