// A bulk query export written as it is produced: one root object at a time (with
// its __parentId children) resolved against the same views the Admin API serves,
// interleaved the way Shopify's files look, and appended to a file on disk, so the
// simulator's memory stays flat at any store size.
//
// graphql-js validates the query (bulk.ts); resolving goes through a small
// executor over the compiled selection (default field resolver, leaf
// serialisation and null propagation as graphql-js does them), since running
// graphql-js over a whole store builds the entire result in memory. Queries it
// does not handle (directives, a connection selected through both edges and
// nodes) take the old path: graphql-js over everything, then the same writer.
import { open } from "node:fs/promises";
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from "graphql";
import { createRng } from "../support/random";
import { HIDDEN_ID, type ExportFile } from "./bulk-files";
import type { SimShop } from "./model";
import { createRoot } from "./graphql/resolvers";
import { adminSchema } from "./graphql/schema";
import type { ServerState } from "./state";

/** One exported object: its JSONL line and its children's trees, in export order. */
interface LineTree {
  line: string;
  kids: LineTree[];
}

/**
 * Pending children held back at most: the interleaving below keeps roots mostly in
 * order and releases children a little later; beyond this many waiting lines the
 * children are written first, so memory stays bounded and a child follows its parent
 * within a few thousand lines, as in Shopify's files (exports that never hold this
 * many are line for line what the in-memory export wrote).
 */
const MAX_PENDING = 1_000;

// ---------- the executor ----------

/** Whether the executor below takes this query: no directives or fragments, no connection selected through both edges and nodes. */
function executorTakes(doc: DocumentNode): boolean {
  let ok = true;
  visit(doc, {
    Directive() {
      ok = false;
    },
    InlineFragment() {
      ok = false;
    },
    FragmentSpread() {
      ok = false;
    },
    Field(f) {
      const names = new Set(f.selectionSet?.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? []);
      if (names.has("edges") && names.has("nodes")) ok = false;
    },
  });
  return ok;
}

/** A null in a non-null position: propagates to the nearest nullable field, as in graphql-js. */
class NullInNonNull extends Error {}

type Complete = (value: unknown) => unknown;

/** A field of a selection, compiled once: its resolver, arguments and how its value completes. */
interface FieldPlan {
  key: string;
  name: string;
  typename: boolean;
  nonNull: boolean;
  /** Set when the field is a connection (bulk children rather than an inline value). */
  connection?: ConnectionPlan;
  args: Record<string, unknown>;
  complete: Complete;
}

interface ConnectionPlan {
  via: "edges" | "nodes";
  /** The node's fields, per runtime type. */
  node: (value: unknown) => { type: GraphQLObjectType; fields: FieldPlan[] };
}

function isConnectionSelection(nodes: readonly FieldNode[]): boolean {
  return nodes.some((f) => f.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === "edges" || s.name.value === "nodes")));
}

/** The response keys of the selections on a type, in order, with their field nodes merged. */
function collect(sets: readonly (SelectionSetNode | undefined)[]): Map<string, FieldNode[]> {
  const into = new Map<string, FieldNode[]>();
  for (const set of sets)
    for (const s of set?.selections ?? []) {
      if (s.kind !== Kind.FIELD) continue;
      const key = s.alias?.value ?? s.name.value;
      const list = into.get(key);
      if (list) list.push(s);
      else into.set(key, [s]);
    }
  return into;
}

class Planner {
  private readonly schema = adminSchema();

  runtimeType(type: GraphQLOutputType, value: unknown): GraphQLObjectType {
    const named = getNamedType(type);
    if (isObjectType(named)) return named;
    const name = (value as { __typename?: unknown }).__typename;
    const t = typeof name === "string" ? this.schema.getType(name) : undefined;
    if (!t || !isObjectType(t)) throw new GraphQLError(`Abstract type ${named.name} must resolve to an Object type at runtime.`);
    return t;
  }

  /** Plans of an object type's fields selected by `nodes`; `bulkNode`: connections become children. */
  fields(type: GraphQLObjectType, nodes: readonly FieldNode[], bulkNode: boolean): FieldPlan[] {
    const defs = type.getFields();
    return [...collect(nodes.map((n) => n.selectionSet))].map(([key, fieldNodes]) => {
      const name = fieldNodes[0].name.value;
      if (name === "__typename") return { key, name, typename: true, nonNull: true, args: {}, complete: () => type.name };
      const def = defs[name];
      const plan: FieldPlan = {
        key,
        name,
        typename: false,
        nonNull: isNonNullType(def.type),
        args: getArgumentValues(def, fieldNodes[0], {}),
        complete: this.completer(def.type, fieldNodes),
      };
      if (bulkNode && isConnectionSelection(fieldNodes)) plan.connection = this.connection(getNamedType(def.type) as GraphQLObjectType, fieldNodes);
      return plan;
    });
  }

  private perType(type: GraphQLOutputType, nodes: readonly FieldNode[], bulkNode: boolean) {
    const byType = new Map<string, { type: GraphQLObjectType; fields: FieldPlan[] }>();
    return (value: unknown) => {
      const t = this.runtimeType(type, value);
      let plan = byType.get(t.name);
      if (!plan) byType.set(t.name, (plan = { type: t, fields: this.fields(t, nodes, bulkNode) }));
      return plan;
    };
  }

  private connection(conn: GraphQLObjectType, nodes: readonly FieldNode[]): ConnectionPlan {
    const fields = collect(nodes.map((n) => n.selectionSet));
    const direct = fields.get("nodes");
    if (direct) return { via: "nodes", node: this.perType(conn.getFields().nodes.type, direct, true) };
    const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
    const node = collect(fields.get("edges")!.map((n) => n.selectionSet)).get("node") ?? [];
    return { via: "edges", node: this.perType(edgeType.getFields().node.type, node, true) };
  }

  private completer(type: GraphQLOutputType, nodes: readonly FieldNode[]): Complete {
    if (isNonNullType(type)) {
      const inner = this.completer(type.ofType, nodes);
      return (value) => {
        const v = inner(value);
        if (v === null) throw new NullInNonNull();
        return v;
      };
    }
    if (isListType(type)) {
      const inner = this.completer(type.ofType, nodes);
      return (value) => {
        if (value == null) return null;
        const out: unknown[] = [];
        for (const item of value as Iterable<unknown>) out.push(inner(item));
        return out;
      };
    }
    if (isLeafType(type)) return (value) => (value == null ? null : type.serialize(value));
    const plans = this.perType(type, nodes, false);
    return (value) => {
      if (value == null) return null;
      return objectOf(plans(value).fields, value, null);
    };
  }
}

function resolve(source: unknown, f: FieldPlan): unknown {
  const property = (source as Record<string, unknown>)[f.name];
  return typeof property === "function" ? (property as (a: unknown) => unknown).call(source, f.args) : property;
}

interface PendingConnection {
  plan: ConnectionPlan;
  value: unknown;
}

/** Completes an object's fields; with `connections`, connection fields are handed back there instead. */
function objectOf(fields: FieldPlan[], source: unknown, connections: PendingConnection[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.typename) {
      out[f.key] = f.complete(source);
      continue;
    }
    try {
      const value = resolve(source, f);
      if (connections && f.connection && value != null) connections.push({ plan: f.connection, value });
      else out[f.key] = f.complete(value);
    } catch (e) {
      if (f.nonNull) throw e instanceof NullInNonNull ? e : new NullInNonNull();
      out[f.key] = null;
    }
  }
  return out;
}

/** The trees of a connection value's nodes (children name `parentId`). */
function* connectionTrees(conn: PendingConnection, parentId: string | null): Generator<LineTree> {
  const list = (conn.value as Record<string, Iterable<unknown>>)[conn.plan.via];
  if (list == null) return;
  for (const item of list) {
    const node = conn.plan.via === "edges" ? (item as { node?: unknown } | null)?.node : item;
    if (node == null) continue;
    const kids: PendingConnection[] = [];
    let obj: Record<string, unknown>;
    try {
      obj = objectOf(conn.plan.node(node).fields, node, kids);
    } catch (e) {
      if (e instanceof NullInNonNull) continue; // the node itself became null
      throw e;
    }
    const id = obj[HIDDEN_ID];
    delete obj[HIDDEN_ID];
    if (parentId) obj.__parentId = parentId;
    const tree: LineTree = { line: JSON.stringify(obj), kids: [] };
    for (const k of kids) for (const child of connectionTrees(k, String(id))) tree.kids.push(child);
    yield tree;
  }
}

function* streamedRoots(state: ServerState, shop: SimShop, doc: DocumentNode): Generator<LineTree> {
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const queryType = adminSchema().getQueryType()!;
  const root = createRoot({ state, shop, bulk: true });
  for (const f of new Planner().fields(queryType, [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "query" }, selectionSet: op.selectionSet }], true)) {
    if (!f.connection) continue;
    let value: unknown;
    try {
      value = resolve(root, f);
    } catch {
      continue; // graphql-js would answer null with an error: no lines
    }
    if (value != null) yield* connectionTrees({ plan: f.connection, value }, null);
  }
}

// ---------- the old path, for queries the executor does not take ----------

function isConnValue(v: unknown): v is { edges?: { node: unknown }[]; nodes?: unknown[] } {
  return !!v && typeof v === "object" && !Array.isArray(v) && (Array.isArray((v as any).edges) || Array.isArray((v as any).nodes));
}

function nodesOf(v: { edges?: { node: unknown }[]; nodes?: unknown[] }): Record<string, unknown>[] {
  const out = new Map<unknown, Record<string, unknown>>();
  for (const e of v.edges ?? []) if (e?.node) out.set((e.node as any)[HIDDEN_ID] ?? e.node, e.node as Record<string, unknown>);
  for (const n of v.nodes ?? []) if (n) out.set((n as any)[HIDDEN_ID] ?? n, n as Record<string, unknown>);
  return [...out.values()];
}

function treeOf(node: Record<string, unknown>, parentId: string | null): LineTree {
  const obj: Record<string, unknown> = {};
  const children: Record<string, unknown>[][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === HIDDEN_ID) continue;
    if (isConnValue(v)) children.push(nodesOf(v));
    else obj[k] = v;
  }
  if (parentId) obj.__parentId = parentId;
  const tree: LineTree = { line: JSON.stringify(obj), kids: [] };
  for (const list of children) for (const child of list) tree.kids.push(treeOf(child, String(node[HIDDEN_ID])));
  return tree;
}

async function executedRoots(state: ServerState, shop: SimShop, doc: DocumentNode): Promise<LineTree[]> {
  const res = await state.executeUnthrottled(shop, doc, {}, { bulk: true });
  const trees: LineTree[] = [];
  for (const v of Object.values((res.data ?? {}) as Record<string, unknown>)) if (isConnValue(v)) for (const n of nodesOf(v)) trees.push(treeOf(n, null));
  return trees;
}

// ---------- interleaving and writing ----------

/**
 * Orders lines the way Shopify's bulk files look: every child after its parent,
 * but children are not kept next to their parent (deterministic per seed).
 */
function* interleave(roots: Iterator<LineTree>, seed: number): Generator<string> {
  const rnd = createRng(seed);
  const pending: LineTree[] = []; // released children waiting to be written
  let next = roots.next();
  while (!next.done || pending.length) {
    // Mostly keep roots in order, but hold children back a little.
    const takeRoot = !next.done && (pending.length === 0 || (pending.length < MAX_PENDING && rnd() < 0.5));
    let t: LineTree;
    if (takeRoot) {
      t = next.value as LineTree;
      next = roots.next();
    } else {
      const j = Math.floor(rnd() * pending.length);
      t = pending[j];
      pending[j] = pending[pending.length - 1];
      pending.pop();
    }
    yield t.line;
    for (const k of t.kids) pending.push(k);
  }
}

/**
 * Writes the export of a validated bulk query (with hidden ids) to `path`.
 * `via: "graphql"` forces the old path (for comparing the two).
 */
export async function writeBulkExport(
  state: ServerState,
  shop: SimShop,
  doc: DocumentNode,
  seed: number,
  path: string,
  via: "executor" | "graphql" = "executor",
): Promise<ExportFile> {
  const streamed = via === "executor" && executorTakes(doc);
  const roots: Iterator<LineTree> = streamed ? streamedRoots(state, shop, doc) : (await executedRoots(state, shop, doc))[Symbol.iterator]();
  let rootCount = 0;
  const counted: Iterator<LineTree> = {
    next() {
      const r = roots.next();
      if (!r.done) rootCount++;
      return r;
    },
  };
  const file = await open(path, "w");
  let lines = 0;
  let bytes = 0;
  try {
    let chunk: string[] = [];
    let chunkChars = 0;
    for (const line of interleave(counted, seed)) {
      chunk.push(line, "\n");
      chunkChars += line.length + 1;
      lines++;
      if (chunkChars >= 1 << 20) {
        const buf = Buffer.from(chunk.join(""));
        bytes += buf.length;
        await file.write(buf); // also lets the HTTP server answer polls meanwhile
        chunk = [];
        chunkChars = 0;
      }
    }
    const buf = Buffer.from(chunk.join(""));
    bytes += buf.length;
    if (buf.length) await file.write(buf);
  } finally {
    await file.close();
  }
  return { path, lines, roots: rootCount, bytes };
}
