// Sends customer tag and metafield writes to Shopify and reports, chunk by
// chunk, which parts Shopify accepted. It never reads or writes the database:
// the caller plans the writes (app/domain/writeback-plan.ts) and records what
// was accepted through the `onAccepted` callback it hands in.
//
// - Per-call mode (few changes): tagsRemove / tagsAdd per customer,
//   metafieldsSet with ≤ 25 metafields (whole customers packed per call) and
//   metafieldsDelete for optional metafields that lost their value;
//   several mutation fields go as aliases of one request (each still costs 10
//   points), paced by the admin client, which also retries THROTTLED.
// - Bulk mode (many changes): bulkOperationRunMutation, one mutation type per
//   bulk operation (tagsRemove, tagsAdd, metafieldsSet, metafieldsDelete), run
//   concurrently.
import type { AcceptedParts, MetafieldDelete, MetafieldWrite } from "../domain/writeback-plan";
import type { ShopifyAdminClient } from "./admin-client.server";
import { runBulkMutation } from "./bulk-mutation.server";
import { gidOf } from "./gid";

const MUTATIONS_PER_REQUEST = 10; // 10 aliased mutation fields = 100 points per request
const CUSTOMERS_PER_CHUNK = 250; // per-call mode reports after each chunk
const BULK_REPORT_CHUNK = 5000; // bulk mode reports in chunks of this many customers
const MAX_METAFIELDS_PER_CALL = 25;

/** One customer's writes. */
export interface CustomerWrite {
  customerId: string;
  tagsToRemove: string[];
  tagsToAdd: string[];
  metafields: MetafieldWrite[];
  /** Optional metafields to delete (deleting an absent one succeeds). */
  metafieldDeletes?: MetafieldDelete[];
}

/** The accepted parts of each write in a chunk, in the order the writes were given. */
export type AcceptedChunk = { customerId: string; accepted: AcceptedParts }[];

export interface SendReport {
  /** tagsAdd / tagsRemove mutations sent one by one (per-call mode). */
  tagCalls: number;
  /** metafieldsSet mutations sent one by one (per-call mode). */
  metafieldCalls: number;
  bulkOperations: number;
  bulkLines: number;
  /** Calls that got no answer or a server error after the client's own retries (Shopify down a while: worth another try soon). */
  callsUnanswered: number;
  errors: string[];
}

export interface SendOptions {
  /** Called after each chunk with what Shopify accepted; awaited before the next chunk. */
  onAccepted: (chunk: AcceptedChunk) => Promise<void>;
}

export interface BulkSendOptions extends SendOptions {
  /** Prefix of each bulk operation's clientIdentifier (the mutation field is appended). */
  clientIdentifier: string;
  pollMs?: number;
  onOperationStarted?: (bulkOperationId: string, lines: number) => Promise<void>;
  onOperationFinished?: (bulkOperationId: string, outcome: { status: "completed" | "failed"; error: string | null }) => Promise<void>;
}

const emptyReport = (): SendReport => ({ tagCalls: 0, metafieldCalls: 0, bulkOperations: 0, bulkLines: 0, callsUnanswered: 0, errors: [] });

type MetafieldsSetInput = MetafieldWrite & { ownerId: string };
type MetafieldIdentifierInput = MetafieldDelete & { ownerId: string };

/**
 * Pack whole customers' metafield inputs (those `pick` gives, with their owner) into calls of
 * ≤ 25 (indexes into `writes`): a customer's metafields never straddle two calls.
 */
function packPerCustomer<T>(writes: readonly CustomerWrite[], indexes: readonly number[], pick: (w: CustomerWrite) => readonly T[]): { writes: number[]; metafields: (T & { ownerId: string })[] }[] {
  const calls: { writes: number[]; metafields: (T & { ownerId: string })[] }[] = [];
  let current: (typeof calls)[number] | null = null;
  for (const index of indexes) {
    const write = writes[index];
    const items = pick(write);
    if (!items.length) continue;
    const ownerId = gidOf("Customer", write.customerId);
    if (!current || current.metafields.length + items.length > MAX_METAFIELDS_PER_CALL) {
      current = { writes: [], metafields: [] };
      calls.push(current);
    }
    current.writes.push(index);
    for (const item of items) current.metafields.push({ ...item, ownerId });
  }
  return calls;
}

const packMetafields = (writes: readonly CustomerWrite[], indexes: readonly number[]) => packPerCustomer(writes, indexes, (w) => w.metafields);
const packDeletes = (writes: readonly CustomerWrite[], indexes: readonly number[]) => packPerCustomer(writes, indexes, (w) => w.metafieldDeletes ?? []);

/** Outcome bookkeeping: one AcceptedParts per write, a part set only when something was sent for it. */
class Outcomes {
  readonly parts: AcceptedParts[];
  constructor(private readonly writes: readonly CustomerWrite[]) {
    this.parts = writes.map(() => ({}));
  }
  tagsRemoved(index: number, ok: boolean) {
    this.parts[index].tagsRemoved = ok;
  }
  tagsAdded(index: number, ok: boolean) {
    this.parts[index].tagsAdded = ok;
  }
  /** A customer's metafields are accepted only if every call carrying them was. */
  metafields(index: number, ok: boolean) {
    this.parts[index].metafields = (this.parts[index].metafields ?? true) && ok;
  }
  chunk(from: number, to: number): AcceptedChunk {
    const out: AcceptedChunk = [];
    for (let i = from; i < to; i++) out.push({ customerId: this.writes[i].customerId, accepted: this.parts[i] });
    return out;
  }
}

type Op =
  | { kind: "tagsAdd" | "tagsRemove"; write: number; customerId: string; tags: string[] }
  | { kind: "metafieldsSet"; writes: number[]; metafields: MetafieldsSetInput[] }
  | { kind: "metafieldsDelete"; writes: number[]; metafields: MetafieldIdentifierInput[] };

interface UserError {
  field: string[] | null;
  message: string;
}

function markOp(outcomes: Outcomes, op: Op, ok: boolean) {
  if (op.kind === "metafieldsSet" || op.kind === "metafieldsDelete") for (const i of op.writes) outcomes.metafields(i, ok);
  else if (op.kind === "tagsAdd") outcomes.tagsAdded(op.write, ok);
  else outcomes.tagsRemoved(op.write, ok);
}

async function sendOps(client: ShopifyAdminClient, ops: Op[], outcomes: Outcomes, report: SendReport): Promise<void> {
  for (let start = 0; start < ops.length; start += MUTATIONS_PER_REQUEST) {
    const batch = ops.slice(start, start + MUTATIONS_PER_REQUEST);
    const declarations: string[] = [];
    const fields: string[] = [];
    const variables: Record<string, unknown> = {};
    batch.forEach((op, n) => {
      if (op.kind === "metafieldsSet") {
        declarations.push(`$mf${n}: [MetafieldsSetInput!]!`);
        fields.push(`op${n}: metafieldsSet(metafields: $mf${n}) { userErrors { field message code elementIndex } }`);
        variables[`mf${n}`] = op.metafields;
      } else if (op.kind === "metafieldsDelete") {
        declarations.push(`$mf${n}: [MetafieldIdentifierInput!]!`);
        fields.push(`op${n}: metafieldsDelete(metafields: $mf${n}) { userErrors { field message } }`);
        variables[`mf${n}`] = op.metafields;
      } else {
        declarations.push(`$id${n}: ID!`, `$tags${n}: [String!]!`);
        fields.push(`op${n}: ${op.kind}(id: $id${n}, tags: $tags${n}) { userErrors { field message } }`);
        variables[`id${n}`] = gidOf("Customer", op.customerId);
        variables[`tags${n}`] = op.tags;
      }
    });
    // Built at run time (aliases), so this one document is not statically typed.
    const query = `mutation RfmWriteBack(${declarations.join(", ")}) {\n  ${fields.join("\n  ")}\n}`;
    let data: Record<string, { userErrors: UserError[] } | null>;
    try {
      data = await client.request<Record<string, { userErrors: UserError[] } | null>>(query, variables, 10 * batch.length);
    } catch (e) {
      // Not THROTTLED (the client retries that): leave these customers dirty.
      for (const op of batch) markOp(outcomes, op, false);
      report.callsUnanswered++;
      report.errors.push((e as Error).message);
      continue;
    }
    batch.forEach((op, n) => {
      const errors = data[`op${n}`]?.userErrors ?? [{ field: null, message: "no payload" }];
      if (op.kind === "metafieldsSet" || op.kind === "metafieldsDelete") report.metafieldCalls++;
      else report.tagCalls++;
      if (errors.length) report.errors.push(`${op.kind}: ${errors.map((e) => e.message).join("; ")}`.slice(0, 500));
      markOp(outcomes, op, errors.length === 0);
    });
  }
}

/** Per-call mode: aliased mutations, reporting after each chunk of customers. */
export async function sendWritesPerCall(client: ShopifyAdminClient, writes: readonly CustomerWrite[], opts: SendOptions): Promise<SendReport> {
  const report = emptyReport();
  const outcomes = new Outcomes(writes);
  for (let start = 0; start < writes.length; start += CUSTOMERS_PER_CHUNK) {
    const end = Math.min(writes.length, start + CUSTOMERS_PER_CHUNK);
    const indexes = Array.from({ length: end - start }, (_, k) => start + k);
    const ops: Op[] = [];
    for (const i of indexes) {
      if (writes[i].tagsToRemove.length) ops.push({ kind: "tagsRemove", write: i, customerId: writes[i].customerId, tags: writes[i].tagsToRemove });
      if (writes[i].tagsToAdd.length) ops.push({ kind: "tagsAdd", write: i, customerId: writes[i].customerId, tags: writes[i].tagsToAdd });
    }
    for (const call of packMetafields(writes, indexes)) ops.push({ kind: "metafieldsSet", writes: call.writes, metafields: call.metafields });
    for (const call of packDeletes(writes, indexes)) ops.push({ kind: "metafieldsDelete", writes: call.writes, metafields: call.metafields });
    await sendOps(client, ops, outcomes, report);
    await opts.onAccepted(outcomes.chunk(start, end));
  }
  return report;
}

const TAGS_ADD_BULK = `#graphql
  mutation RfmBulkTagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`;
const TAGS_REMOVE_BULK = `#graphql
  mutation RfmBulkTagsRemove($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { field message } } }`;
const METAFIELDS_SET_BULK = `#graphql
  mutation RfmBulkMetafieldsSet($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { field message code elementIndex } } }`;
const METAFIELDS_DELETE_BULK = `#graphql
  mutation RfmBulkMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $metafields) { userErrors { field message } } }`;

function lineOk(line: { data: Record<string, unknown> | null; errors?: unknown[] } | undefined, field: string): boolean {
  if (!line || (line.errors && line.errors.length)) return false;
  const payload = line.data?.[field] as { userErrors?: unknown[] } | null | undefined;
  return !!payload && (payload.userErrors?.length ?? 0) === 0;
}

/** Bulk mode: one bulk mutation per mutation type, concurrently; reports when all have finished. */
export async function sendWritesBulk(client: ShopifyAdminClient, writes: readonly CustomerWrite[], opts: BulkSendOptions): Promise<SendReport> {
  const report = emptyReport();
  const outcomes = new Outcomes(writes);
  type BulkJob = { mutation: string; field: string; lines: Record<string, unknown>[]; mark: (line: number, ok: boolean) => void };
  const jobs: BulkJob[] = [];
  const all = writes.map((_, i) => i);
  const removes = all.filter((i) => writes[i].tagsToRemove.length);
  if (removes.length)
    jobs.push({
      mutation: TAGS_REMOVE_BULK,
      field: "tagsRemove",
      lines: removes.map((i) => ({ id: gidOf("Customer", writes[i].customerId), tags: writes[i].tagsToRemove })),
      mark: (n, ok) => outcomes.tagsRemoved(removes[n], ok),
    });
  const adds = all.filter((i) => writes[i].tagsToAdd.length);
  if (adds.length)
    jobs.push({
      mutation: TAGS_ADD_BULK,
      field: "tagsAdd",
      lines: adds.map((i) => ({ id: gidOf("Customer", writes[i].customerId), tags: writes[i].tagsToAdd })),
      mark: (n, ok) => outcomes.tagsAdded(adds[n], ok),
    });
  const calls = packMetafields(writes, all);
  if (calls.length)
    jobs.push({
      mutation: METAFIELDS_SET_BULK,
      field: "metafieldsSet",
      lines: calls.map((c) => ({ metafields: c.metafields })),
      mark: (n, ok) => {
        for (const i of calls[n].writes) outcomes.metafields(i, ok);
      },
    });
  const deletes = packDeletes(writes, all);
  if (deletes.length)
    jobs.push({
      mutation: METAFIELDS_DELETE_BULK,
      field: "metafieldsDelete",
      lines: deletes.map((c) => ({ metafields: c.metafields })),
      mark: (n, ok) => {
        for (const i of deletes[n].writes) outcomes.metafields(i, ok);
      },
    });

  // They run concurrently (≤ 5 bulk operations per shop since 2026-01;
  // startBulkMutation waits while the shop is at its limit).
  await Promise.all(
    jobs.map(async (job) => {
      let operationId: string | null = null;
      try {
        const outcome = await runBulkMutation(client, job.mutation, job.lines, {
          clientIdentifier: `${opts.clientIdentifier}:${job.field}`,
          pollMs: opts.pollMs,
          onStarted: async (id) => {
            operationId = id;
            report.bulkOperations++;
            report.bulkLines += job.lines.length;
            await opts.onOperationStarted?.(id, job.lines.length);
          },
        });
        let failed = 0;
        for (let n = 0; n < job.lines.length; n++) {
          const ok = outcome.operation.status === "COMPLETED" && lineOk(outcome.results.get(n), job.field);
          if (!ok) failed++;
          job.mark(n, ok);
        }
        const completed = outcome.operation.status === "COMPLETED";
        const error = !completed ? `${outcome.operation.status} ${outcome.operation.errorCode ?? ""}`.trim() : failed ? `${failed} lines rejected` : null;
        if (error) report.errors.push(`bulk ${job.field}: ${error}`);
        await opts.onOperationFinished?.(outcome.bulkOperationId, { status: completed ? "completed" : "failed", error });
      } catch (e) {
        for (let n = 0; n < job.lines.length; n++) job.mark(n, false);
        report.errors.push(`bulk ${job.field}: ${(e as Error).message}`);
        if (operationId) await opts.onOperationFinished?.(operationId, { status: "failed", error: (e as Error).message }).catch(() => undefined);
      }
    }),
  );
  for (let start = 0; start < writes.length; start += BULK_REPORT_CHUNK) {
    await opts.onAccepted(outcomes.chunk(start, Math.min(writes.length, start + BULK_REPORT_CHUNK)));
  }
  return report;
}
