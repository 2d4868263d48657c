// metafieldDefinitionCreate with Shopify's validation messages.
import { extrasOf, type SimMetafieldDefinition } from "../../state";
import type { Env } from "../env";
import { KNOWN_TYPES } from "../metafields";
import { defaultNamespace, definitionView } from "../views";

export function metafieldDefinitionCreate(env: Env, args: { definition: any }) {
  const d = args.definition;
  const ex = extrasOf(env.state, env.shop.domain);
  const ns = d.namespace ?? defaultNamespace(env);
  const err = (field: string, message: string, code: string) => ({ createdDefinition: null, userErrors: [{ field: ["definition", field], message, code, elementIndex: null, elementKey: null }] });
  if (!d.name?.trim()) return err("name", "Name can't be blank", "BLANK");
  if (!KNOWN_TYPES.has(d.type)) return err("type", `Type name ${d.type} is not a valid type.`, "INCLUSION");
  if (d.key.length < 2) return err("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
  if (!/^[\w-]+$/.test(d.key)) return err("key", "Key contains one or more invalid characters.", "INVALID_CHARACTER");
  if (ex.definitions.some((x) => x.ownerType === d.ownerType && x.namespace === ns && x.key === d.key))
    return err("key", "Key is in use for Customer metafields on the 'namespace' namespace.".replace("'namespace'", `'${ns}'`).replace("Customer", String(d.ownerType).toLowerCase()), "TAKEN");
  const def: SimMetafieldDefinition = {
    id: env.state.ctx.nextId(),
    name: d.name,
    namespace: ns,
    key: d.key,
    description: d.description ?? null,
    type: d.type,
    ownerType: d.ownerType,
    pinnedPosition: d.pin ? ex.definitions.filter((x) => x.pinnedPosition != null).length + 1 : null,
  };
  ex.definitions.push(def);
  return { createdDefinition: definitionView(def), userErrors: [] };
}
