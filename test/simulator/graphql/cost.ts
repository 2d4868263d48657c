// Shopify's calculated query cost: scalars and enums 0, objects 1, connections
// 2 + (first|last) x the cost of one node, a mutation field 10.
// https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
import {
  getNamedType,
  isCompositeType,
  isLeafType,
  valueFromASTUntyped,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  isObjectType,
  isInterfaceType,
} from "graphql";

export const MUTATION_COST = 10;
export const CONNECTION_BASE = 2;

export class CostError extends Error {}

function isConnection(t: GraphQLNamedType): boolean {
  return t.name.endsWith("Connection");
}

function argValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const a = field.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  return valueFromASTUntyped(a.value, variables);
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Flatten a selection set into field nodes, expanding fragments (all type conditions). */
function fields(w: Walk, ss: SelectionSetNode | undefined, out: FieldNode[] = []): FieldNode[] {
  if (!ss) return out;
  for (const s of ss.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fields(w, s.selectionSet, out);
    else {
      const f = w.fragments.get(s.name.value);
      if (f) fields(w, f.selectionSet, out);
    }
  }
  return out;
}

function fieldType(w: Walk, parent: GraphQLCompositeType, f: FieldNode): GraphQLNamedType | undefined {
  if (f.name.value === "__typename") return undefined;
  if (isObjectType(parent) || isInterfaceType(parent)) {
    const def = parent.getFields()[f.name.value];
    if (def) return getNamedType(def.type);
  }
  // Fields selected on an inline fragment of another type: search all possible types.
  for (const t of Object.values(w.schema.getTypeMap())) {
    if ((isObjectType(t) || isInterfaceType(t)) && !t.name.startsWith("__")) {
      const def = t.getFields()[f.name.value];
      if (def) return getNamedType(def.type);
    }
  }
  return undefined;
}

function selectionCost(w: Walk, parent: GraphQLCompositeType, ss: SelectionSetNode | undefined): number {
  let sum = 0;
  for (const f of fields(w, ss)) sum += fieldCost(w, parent, f);
  return sum;
}

/** Cost of one node of a connection (the node object itself plus its selection). */
function connectionNodeCost(w: Walk, conn: GraphQLCompositeType, f: FieldNode): number {
  let best = 0;
  if (!isObjectType(conn)) return 1;
  for (const sub of fields(w, f.selectionSet)) {
    if (sub.name.value === "edges") {
      const edgeT = getNamedType(conn.getFields().edges.type) as GraphQLCompositeType;
      for (const e of fields(w, sub.selectionSet)) {
        if (e.name.value === "node") {
          const nodeT = getNamedType((edgeT as any).getFields().node.type) as unknown as GraphQLCompositeType;
          best = Math.max(best, 1 + selectionCost(w, nodeT, e.selectionSet));
        }
      }
    } else if (sub.name.value === "nodes") {
      const nodeT = getNamedType(conn.getFields().nodes.type) as unknown as GraphQLCompositeType;
      best = Math.max(best, 1 + selectionCost(w, nodeT, sub.selectionSet));
    }
  }
  return best;
}

function fieldCost(w: Walk, parent: GraphQLCompositeType, f: FieldNode): number {
  const t = fieldType(w, parent, f);
  if (!t || isLeafType(t)) return 0;
  if (isConnection(t)) {
    const n = (argValue(f, "first", w.variables) ?? argValue(f, "last", w.variables)) as number | undefined;
    if (n == null) throw new CostError(`you must provide one of first or last`);
    return CONNECTION_BASE + n * connectionNodeCost(w, t as GraphQLCompositeType, f);
  }
  if (isCompositeType(t)) return 1 + selectionCost(w, t, f.selectionSet);
  return 0;
}

export function operationOf(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

function walkOf(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown>): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return { schema, fragments, variables };
}

/** The requested (worst case) cost of an operation, computed statically. */
export function requestedCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const w = walkOf(schema, doc, variables);
  if (op.operation === "mutation") {
    // Each mutation field costs 10; the payload selection is free.
    return fields(w, op.selectionSet).filter((f) => f.name.value !== "__typename").length * MUTATION_COST;
  }
  return selectionCost(w, schema.getQueryType()!, op.selectionSet);
}

/** The actual cost: the same rules applied to what was returned. */
export function actualCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
): number {
  const w = walkOf(schema, doc, variables);
  if (op.operation === "mutation") return requestedCost(schema, doc, op, variables);
  if (!data) return 0;
  return actualSelection(w, schema.getQueryType()!, op.selectionSet, data);
}

function actualSelection(w: Walk, parent: GraphQLCompositeType, ss: SelectionSetNode | undefined, obj: any): number {
  let sum = 0;
  for (const f of fields(w, ss)) {
    const key = f.alias?.value ?? f.name.value;
    const v = obj?.[key];
    const t = fieldType(w, parent, f);
    if (!t || isLeafType(t) || v == null) continue;
    if (isConnection(t)) {
      sum += CONNECTION_BASE;
      const nodes: any[] = [];
      for (const sub of fields(w, f.selectionSet)) {
        const sk = sub.alias?.value ?? sub.name.value;
        if (sub.name.value === "edges" && Array.isArray(v[sk])) {
          for (const e of fields(w, sub.selectionSet)) {
            if (e.name.value !== "node") continue;
            const ek = e.alias?.value ?? "node";
            const nodeT = getNamedType((getNamedType((t as any).getFields().edges.type) as any).getFields().node.type) as unknown as GraphQLCompositeType;
            for (const edge of v[sk]) nodes.push([nodeT, e.selectionSet, edge?.[ek]]);
          }
        } else if (sub.name.value === "nodes" && Array.isArray(v[sk])) {
          const nodeT = getNamedType((t as any).getFields().nodes.type) as unknown as GraphQLCompositeType;
          for (const n of v[sk]) nodes.push([nodeT, sub.selectionSet, n]);
        }
      }
      // Count each returned node once even if selected through both edges and nodes.
      const seen = new Map<unknown, number>();
      for (const [nt, nss, n] of nodes) {
        const c = 1 + actualSelection(w, nt, nss, n);
        const id = n?.id ?? n;
        seen.set(id, Math.max(seen.get(id) ?? 0, c));
      }
      for (const c of seen.values()) sum += c;
    } else if (isCompositeType(t)) {
      if (Array.isArray(v)) {
        // Plain lists are priced like one object (as in the requested cost).
        if (v.length) sum += 1 + Math.max(...v.map((item) => actualSelection(w, t, f.selectionSet, item)));
      } else sum += 1 + actualSelection(w, t, f.selectionSet, v);
    }
  }
  return sum;
}
