// Bulk operations: bulkOperationRunQuery (JSONL export with __parentId lines,
// written to a file as it is produced: bulk-stream.ts),
// bulkOperationRunMutation (staged upload of variables, one result line per
// input line), staged upload targets and expiring result URLs.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Kind, parse, validate, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { SimShop } from "./model";
import { copyFirstLines, HIDDEN_ID, newExportPath, readStagedUpload, removeExportFile, saveStagedUpload, type ExportFile } from "./bulk-files";
import { gid, parseGid } from "./graphql/gid";
import { adminSchema } from "./graphql/schema";
import { extrasOf, type BulkOp, type ServerState } from "./state";

const ACTIVE: BulkOp["status"][] = ["CREATED", "RUNNING", "CANCELING"];

function token(): string {
  return randomBytes(18).toString("base64url");
}

export function bulkOperationView(state: ServerState, op: BulkOp) {
  const now = state.ctx.now().getTime();
  const file = op.urlToken ? state.files.get(op.urlToken) : undefined;
  const expired = op.status === "COMPLETED" && file !== undefined && now > file.expiresAt;
  return {
    __typename: "BulkOperation",
    id: gid("BulkOperation", op.id),
    completedAt: op.completedAt,
    createdAt: op.createdAt,
    errorCode: op.errorCode,
    fileSize: op.fileSize == null ? null : String(op.fileSize),
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    partialDataUrl: op.partialToken ? fileUrl(state, op.partialToken) : null,
    query: op.query,
    status: expired ? "EXPIRED" : op.status,
    type: op.type,
    url: op.urlToken ? fileUrl(state, op.urlToken) : null,
  };
}

function fileUrl(state: ServerState, tok: string): string {
  const f = state.files.get(tok);
  const expires = f ? Math.round((f.expiresAt - Date.parse(state.ctx.now().toISOString())) / 1000) : 0;
  return `${state.ctx.config.baseUrl}/bulk/${tok}.jsonl?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=${Math.max(0, expires)}&X-Goog-SignedHeaders=host`;
}

function finishPayload(op: BulkOp) {
  return {
    admin_graphql_api_id: gid("BulkOperation", op.id),
    completed_at: op.completedAt,
    created_at: op.createdAt,
    error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}

// ---------- query validation and flattening ----------

function isConnectionField(f: FieldNode): boolean {
  return !!f.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === "edges" || s.name.value === "nodes"));
}

/** Node selection sets of a connection field. */
function nodeSelections(f: FieldNode): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  for (const s of f.selectionSet?.selections ?? []) {
    if (s.kind !== Kind.FIELD) continue;
    if (s.name.value === "nodes" && s.selectionSet) out.push(s.selectionSet);
    if (s.name.value === "edges")
      for (const e of s.selectionSet?.selections ?? []) if (e.kind === Kind.FIELD && e.name.value === "node" && e.selectionSet) out.push(e.selectionSet);
  }
  return out;
}

function connectionsIn(ss: SelectionSetNode | undefined, depth: number, acc: { count: number; maxDepth: number }) {
  for (const s of ss?.selections ?? []) {
    if (s.kind !== Kind.FIELD) continue;
    if (isConnectionField(s)) {
      acc.count++;
      acc.maxDepth = Math.max(acc.maxDepth, depth);
      for (const n of nodeSelections(s)) connectionsIn(n, depth + 1, acc);
    } else connectionsIn(s.selectionSet, depth, acc);
  }
}

export function validateBulkQuery(query: string): { doc?: DocumentNode; error?: string } {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return { error: `Invalid bulk query: ${(e as Error).message}` };
  }
  const errs = validate(adminSchema(), doc);
  if (errs.length) return { error: `Invalid bulk query: ${errs[0].message}` };
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0].operation !== "query") return { error: "Invalid bulk query: bulk queries must contain exactly one query operation." };
  const top = ops[0].selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  const acc = { count: 0, maxDepth: 0 };
  connectionsIn(ops[0].selectionSet, 0, acc);
  if (acc.count === 0 || !top.some(isConnectionField)) return { error: "Bulk queries must contain at least one connection." };
  if (acc.count > 5) return { error: "Bulk queries cannot contain more than 5 connections." };
  if (acc.maxDepth > 2) return { error: "Bulk queries cannot contain connections with a nesting depth greater than 2." };
  // Add a hidden id to every node so children can name their parent.
  const withIds = visit(doc, {
    SelectionSet(node, _k, parent) {
      const p = parent as FieldNode | undefined;
      if (!p || p.kind !== Kind.FIELD || (p.name.value !== "node" && p.name.value !== "nodes")) return undefined;
      return {
        ...node,
        selections: [...node.selections, { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: HIDDEN_ID }, name: { kind: Kind.NAME, value: "id" } } as FieldNode],
      };
    },
  });
  return { doc: withIds };
}

function scopesNeeded(query: string): string[] {
  const need: string[] = [];
  if (/\borders\b|\border\b|\blastOrder\b/.test(query)) need.push("read_orders");
  if (/\bcustomers?\b|\bcustomer\b/.test(query)) need.push("read_customers");
  if (/\bproducts?\b/.test(query)) need.push("read_products");
  return need;
}

/** Query exports written to disk as they are produced (bulk-stream.ts), by operation. */
const exportFiles = new WeakMap<BulkOp, ExportFile>();
/** Result files kept on disk rather than in StoredFile.data, by URL token. */
const diskFiles = new Map<string, { path: string; bytes: number }>();

async function produceQuery(state: ServerState, shop: SimShop, op: BulkOp): Promise<void> {
  const missing = scopesNeeded(op.query).filter((s) => !shop.grantedScopes.includes(s) && !shop.grantedScopes.includes(s.replace("read_", "write_")));
  if (missing.length) {
    op.errorCode = "ACCESS_DENIED";
    op.lines = [];
    op.roots = 0;
    return;
  }
  const { doc } = validateBulkQuery(op.query);
  // Imported when first needed: the stream resolves through the query root, whose
  // resolvers import this module.
  const stream = await import("./bulk-stream");
  const file = await stream.writeBulkExport(state, shop, doc!, op.id, newExportPath(`op-${op.id}-${token()}`));
  exportFiles.set(op, file);
  op.roots = file.roots;
  op.objectCount = file.lines;
  op.rootObjectCount = file.roots;
}

async function produceMutation(state: ServerState, shop: SimShop, op: BulkOp): Promise<void> {
  const upload = [...state.stagedUploads.values()].find((u) => u.shop === shop.domain && u.key === op.stagedUploadPath);
  const doc = parse(op.query);
  const input = (upload?.path ? readStagedUpload(upload.path) : "").split(/\r?\n/);
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const raw = input[i];
    if (!raw.trim()) continue;
    let vars: Record<string, unknown>;
    try {
      vars = JSON.parse(raw);
    } catch (e) {
      lines.push(JSON.stringify({ errors: [{ message: `Invalid JSON on line ${i + 1}: ${(e as Error).message}` }], __lineNumber: i }));
      continue;
    }
    const res = await state.executeUnthrottled(shop, doc, vars, { bulk: false });
    // Shopify runs bulk operations elsewhere; here they share the event loop with
    // the HTTP server, so yield now and then or requests (uploads, polls) starve.
    if (n % 200 === 199) await new Promise((r) => setImmediate(r));
    const out: Record<string, unknown> = { data: res.data ?? null };
    if (res.errors) out.errors = res.errors;
    out.__lineNumber = i;
    lines.push(JSON.stringify(out));
    n++;
    op.objectCount = n;
  }
  op.lines = lines;
  op.roots = lines.length;
  op.objectCount = lines.length;
  op.rootObjectCount = lines.length;
}

function startOp(state: ServerState, shop: SimShop, op: BulkOp): Promise<void> {
  if (!op.started) {
    op.status = "RUNNING";
    op.started = (op.type === "QUERY" ? produceQuery(state, shop, op) : produceMutation(state, shop, op)).catch((e) => {
      op.errorCode = "INTERNAL_SERVER_ERROR";
      op.lines = [];
      op.roots = 0;
      console.error("[simulator] bulk operation failed", e);
    });
  }
  return op.started;
}

function storeFile(state: ServerState, shop: string, lines: string[]): string {
  const tok = token();
  const data = lines.length ? lines.join("\n") + "\n" : "";
  state.files.set(tok, { shop, data, expiresAt: state.ctx.now().getTime() + state.options.bulkUrlTtlMs, contentType: "application/jsonl" });
  return tok;
}

function storeDiskFile(state: ServerState, shop: string, path: string, bytes: number): string {
  const tok = token();
  state.files.set(tok, { shop, data: "", expiresAt: state.ctx.now().getTime() + state.options.bulkUrlTtlMs, contentType: "application/jsonl" });
  diskFiles.set(tok, { path, bytes });
  return tok;
}

function fileSizeOf(state: ServerState, tok: string): number {
  return diskFiles.get(tok)?.bytes ?? Buffer.byteLength(state.files.get(tok)!.data);
}

/** Drops a produced export that will not be served (failed or canceled operation). */
function discardExport(op: BulkOp) {
  const file = exportFiles.get(op);
  if (file) removeExportFile(file.path);
  exportFiles.delete(op);
}

function finishOp(state: ServerState, shop: SimShop, op: BulkOp) {
  if (op.status !== "RUNNING") return;
  const ex = extrasOf(state, shop.domain);
  const forced = ex.forcedBulkFailures.shift();
  if (forced) op.errorCode = forced;
  const file = exportFiles.get(op);
  const lines = op.lines ?? [];
  const count = file ? file.lines : lines.length;
  op.completedAt = state.ctx.now().toISOString();
  if (op.errorCode) {
    op.status = "FAILED";
    if (op.errorCode !== "ACCESS_DENIED" && count > 1) {
      const half = Math.floor(count / 2);
      if (file) {
        const partialPath = `${file.path.replace(/\.jsonl$/, "")}-partial.jsonl`;
        op.partialToken = storeDiskFile(state, shop.domain, partialPath, copyFirstLines(file.path, partialPath, half));
      } else op.partialToken = storeFile(state, shop.domain, lines.slice(0, half));
      op.objectCount = half;
    } else op.objectCount = 0;
    discardExport(op);
  } else {
    op.status = "COMPLETED";
    if (file && file.lines) op.urlToken = storeDiskFile(state, shop.domain, file.path, file.bytes);
    else if (file) discardExport(op);
    else if (lines.length) op.urlToken = storeFile(state, shop.domain, lines);
    if (op.urlToken) op.fileSize = fileSizeOf(state, op.urlToken);
    op.objectCount = count;
    exportFiles.delete(op);
  }
  op.lines = undefined;
  state.ctx.emitWebhook(shop.domain, "bulk_operations/finish", finishPayload(op));
}

function schedule(state: ServerState, shop: SimShop, op: BulkOp) {
  op.timer = setTimeout(async () => {
    await startOp(state, shop, op);
    op.timer = setTimeout(() => finishOp(state, shop, op), state.options.bulkRunMs);
    op.timer.unref?.();
  }, state.options.bulkStartDelayMs);
  op.timer.unref?.();
}

function newOp(state: ServerState, shop: SimShop, type: BulkOp["type"], query: string): BulkOp {
  return {
    id: state.ctx.nextId(),
    shop: shop.domain,
    type,
    status: "CREATED",
    query,
    createdAt: state.ctx.now().toISOString(),
    completedAt: null,
    errorCode: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    urlToken: null,
    partialToken: null,
  };
}

function limitReached(state: ServerState, shop: SimShop): boolean {
  return extrasOf(state, shop.domain).bulkOps.filter((o) => ACTIVE.includes(o.status)).length >= state.options.maxConcurrentBulkOps;
}

export function runQuery(state: ServerState, shop: SimShop, query: string) {
  const v = validateBulkQuery(query);
  if (v.error) return { bulkOperation: null, userErrors: [{ field: ["query"], message: v.error, code: "INVALID" }] };
  if (limitReached(state, shop))
    return {
      bulkOperation: null,
      userErrors: [{ field: null, message: `A maximum of ${state.options.maxConcurrentBulkOps} bulk operations can run at the same time per shop.`, code: "LIMIT_REACHED" }],
    };
  const op = newOp(state, shop, "QUERY", query);
  extrasOf(state, shop.domain).bulkOps.push(op);
  schedule(state, shop, op);
  return { bulkOperation: bulkOperationView(state, op), userErrors: [] };
}

export function runMutation(state: ServerState, shop: SimShop, mutation: string, stagedUploadPath: string, clientIdentifier: string | null) {
  let doc: DocumentNode;
  try {
    doc = parse(mutation);
  } catch (e) {
    return { bulkOperation: null, userErrors: [{ field: ["mutation"], message: `Failed to parse the mutation - ${(e as Error).message}`, code: "INVALID_MUTATION" }] };
  }
  const errs = validate(adminSchema(), doc);
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (errs.length || ops.length !== 1 || ops[0].operation !== "mutation" || ops[0].selectionSet.selections.length !== 1) {
    return {
      bulkOperation: null,
      userErrors: [{ field: ["mutation"], message: errs[0]?.message ?? "Invalid mutation: a bulk mutation must contain exactly one mutation field.", code: "INVALID_MUTATION" }],
    };
  }
  const field = ops[0].selectionSet.selections[0] as FieldNode;
  if (field.name.value.startsWith("bulkOperation")) {
    return { bulkOperation: null, userErrors: [{ field: ["mutation"], message: `Mutation ${field.name.value} is not supported in bulk operations.`, code: "INVALID_MUTATION" }] };
  }
  const upload = [...state.stagedUploads.values()].find((u) => u.shop === shop.domain && u.key === stagedUploadPath);
  if (!upload || upload.path === undefined)
    return { bulkOperation: null, userErrors: [{ field: ["stagedUploadPath"], message: "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.", code: "NO_SUCH_FILE" }] };
  if (limitReached(state, shop))
    return { bulkOperation: null, userErrors: [{ field: null, message: `A maximum of ${state.options.maxConcurrentBulkOps} bulk operations can run at the same time per shop.`, code: "LIMIT_REACHED" }] };
  const op = newOp(state, shop, "MUTATION", mutation);
  op.stagedUploadPath = stagedUploadPath;
  op.clientIdentifier = clientIdentifier;
  extrasOf(state, shop.domain).bulkOps.push(op);
  schedule(state, shop, op);
  return { bulkOperation: bulkOperationView(state, op), userErrors: [] };
}

export function cancel(state: ServerState, shop: SimShop, id: string) {
  const n = parseGid(id, "BulkOperation");
  const op = extrasOf(state, shop.domain).bulkOps.find((o) => o.id === n);
  if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
  if (!ACTIVE.includes(op.status) || op.status === "CANCELING")
    return { bulkOperation: bulkOperationView(state, op), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
  if (op.timer) clearTimeout(op.timer);
  op.status = "CANCELING";
  const view = bulkOperationView(state, op);
  op.timer = setTimeout(() => finishCancel(state, shop, op), Math.min(50, state.options.bulkRunMs));
  op.timer.unref?.();
  return { bulkOperation: view, userErrors: [] };
}

function finishCancel(state: ServerState, shop: SimShop, op: BulkOp) {
  if (op.status !== "CANCELING") return;
  op.status = "CANCELED";
  op.completedAt = state.ctx.now().toISOString();
  op.lines = undefined;
  discardExport(op);
  state.ctx.emitWebhook(shop.domain, "bulk_operations/finish", finishPayload(op));
}

/** Test hook: run every pending operation to its end now. */
export async function completeAll(state: ServerState, shopDomain?: string) {
  for (const [domain, ex] of state.extras) {
    if (shopDomain && domain !== shopDomain) continue;
    const shop = state.ctx.shops.get(domain);
    if (!shop) continue;
    for (const op of ex.bulkOps) {
      if (!ACTIVE.includes(op.status)) continue;
      if (op.timer) clearTimeout(op.timer);
      if (op.status === "CANCELING") {
        finishCancel(state, shop, op);
        continue;
      }
      await startOp(state, shop, op);
      finishOp(state, shop, op);
    }
  }
}

export function expireUrls(state: ServerState, shopDomain?: string) {
  const past = state.ctx.now().getTime() - 1;
  for (const f of state.files.values()) if (!shopDomain || f.shop === shopDomain) f.expiresAt = past;
}

// ---------- staged uploads ----------

export function stagedUploadsCreate(state: ServerState, shop: SimShop, input: { resource: string; filename: string; mimeType: string; httpMethod?: string }[]) {
  if (input.length > 250) return { stagedTargets: null, userErrors: [{ field: ["input"], message: "Input array size exceeds the maximum of 250" }] };
  const now = state.ctx.now();
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  const targets = input.map((i) => {
    const tok = token();
    const key = `tmp/${shop.id ?? 1}/bulk/${tok}/${i.resource === "BULK_MUTATION_VARIABLES" ? "bulk_op_vars" : i.filename}`;
    state.stagedUploads.set(tok, { shop: shop.domain, key });
    const url = `${state.ctx.config.baseUrl}/staged-uploads/${tok}`;
    if ((i.httpMethod ?? "PUT") === "PUT") {
      return { url: `${url}?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=${stamp}&X-Goog-Signature=${token()}`, resourceUrl: `${url}/${key}`, parameters: [{ name: "content_type", value: i.mimeType }, { name: "acl", value: "private" }] };
    }
    return {
      url,
      resourceUrl: `${url}/${key}`,
      parameters: [
        { name: "Content-Type", value: i.mimeType },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "key", value: key },
        { name: "x-goog-date", value: stamp },
        { name: "x-goog-credential", value: `simulator@shopify-tiers.iam.gserviceaccount.com/${stamp.slice(0, 8)}/auto/storage/goog4_request` },
        { name: "x-goog-algorithm", value: "GOOG4-RSA-SHA256" },
        { name: "x-goog-signature", value: token() },
        { name: "policy", value: Buffer.from(JSON.stringify({ conditions: [{ key }], expiration: new Date(now.getTime() + 7 * 86400_000).toISOString() })).toString("base64") },
      ],
    };
  });
  return { stagedTargets: targets, userErrors: [] };
}

function xmlError(res: ServerResponse, status: number, code: string, message: string, details?: string) {
  res.writeHead(status, { "content-type": "application/xml; charset=UTF-8" });
  res.end(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>${details ? `<Details>${details}</Details>` : ""}</Error>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** POST (multipart form, GCS style) or PUT (raw body) /staged-uploads/{token} */
export async function handleStagedUpload(state: ServerState, tok: string, req: IncomingMessage, res: ServerResponse) {
  const up = state.stagedUploads.get(tok);
  if (!up) return xmlError(res, 404, "NoSuchUpload", "The requested upload target does not exist.");
  const body = await readBody(req);
  if (req.method === "PUT") {
    up.path = saveStagedUpload(tok, body);
    res.writeHead(200, { etag: `"${token()}"` });
    return res.end();
  }
  if (req.method !== "POST") return xmlError(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
  } catch {
    return xmlError(res, 400, "InvalidArgument", "Invalid argument.", "Cannot parse multipart/form-data body.");
  }
  if (form.get("key") !== up.key) return xmlError(res, 403, "AccessDenied", "Access denied.", "Invalid policy: the key does not match the signed policy.");
  const file = form.get("file");
  if (file == null) return xmlError(res, 400, "InvalidArgument", "Invalid argument.", "Missing file field.");
  up.path = saveStagedUpload(tok, typeof file === "string" ? file : new Uint8Array(await (file as Blob).arrayBuffer()));
  const status = Number(form.get("success_action_status") ?? 204);
  if (status === 201) {
    res.writeHead(201, { "content-type": "application/xml; charset=UTF-8" });
    return res.end(
      `<?xml version="1.0" encoding="UTF-8"?><PostResponse><Location>${state.ctx.config.baseUrl}/staged-uploads/${tok}/${up.key}</Location><Bucket>shopify-staged-uploads</Bucket><Key>${up.key}</Key><ETag>"${token()}"</ETag></PostResponse>`,
    );
  }
  res.writeHead(status === 200 ? 200 : 204);
  res.end();
}

/** GET /bulk/{token}.jsonl */
export function handleBulkFile(state: ServerState, tok: string, res: ServerResponse) {
  const f = state.files.get(tok);
  if (!f) return xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
  const now = state.ctx.now().getTime();
  if (now > f.expiresAt) return xmlError(res, 400, "ExpiredToken", "Invalid argument.", `Request has expired: ${Math.floor(f.expiresAt / 1000)}`);
  const disk = diskFiles.get(tok);
  if (disk) {
    res.writeHead(200, { "content-type": f.contentType, "content-length": disk.bytes });
    const body = createReadStream(disk.path, { highWaterMark: 1 << 20 });
    body.on("error", () => res.destroy());
    body.pipe(res);
    return;
  }
  res.writeHead(200, { "content-type": f.contentType, "content-length": Buffer.byteLength(f.data) });
  res.end(f.data);
}
