// Write-back of scores to Shopify: customer tags ({prefix}{segment}, the
// holdout tag) and app-owned metafields ($app:rfm.*), diff-only.
//
// - Reads scores and Customer.appTags from PostgreSQL (scoped by shop), plans
//   each customer with the pure planner (app/domain/writeback-plan.ts).
// - Few changes: per-call mode. tagsRemove / tagsAdd per customer and
//   metafieldsSet with ≤ 25 metafields (whole customers packed per call);
//   several mutation fields are sent as aliases of one request (each still
//   costs 10 points), paced by the admin client, which also retries THROTTLED.
// - Many changes (> bulkThreshold customers): bulkOperationRunMutation, one
//   mutation type per bulk operation (tagsRemove, tagsAdd, metafieldsSet),
//   each recorded as a WriteBackOperation.
// - Customer.appTags and CustomerScore.writtenHash/writtenAt are updated only
//   for what Shopify accepted (a failed part stays dirty and is retried).
import prisma from "../db.server";
import { pool } from "../db-pool.server";
import { isHoldout } from "../domain/holdout";
import { hashAfter, planCustomerWrite, type MetafieldWrite, type WritePlan } from "../domain/writeback-plan";
import { adminClientFor, type ShopifyAdminClient } from "./admin-client.server";
import { runBulkMutation } from "./bulk-mutation.server";
import { gidOf } from "./gid";

export const DEFAULT_BULK_THRESHOLD = 500;
const MUTATIONS_PER_REQUEST = 10; // 10 aliased mutation fields = 100 points per request
const CUSTOMERS_PER_CHUNK = 250; // per-call mode commits to PostgreSQL after each chunk
const MAX_METAFIELDS_PER_CALL = 25;

export interface WriteBackOptions {
  customerIds?: readonly (string | bigint)[];
  /** Use this client instead of the shop's offline session (tests, benchmarks). */
  client?: ShopifyAdminClient;
  /** Switch to bulk mode above this many changed customers (default 500). */
  bulkThreshold?: number;
  mode?: "auto" | "per-call" | "bulk";
  /** Bulk operation poll interval. */
  pollMs?: number;
}

export interface WriteBackResult {
  mode: "none" | "per-call" | "bulk";
  customersConsidered: number;
  customersChanged: number;
  /** Customers whose every planned write Shopify accepted. */
  customersWritten: number;
  /** Customers with at least one rejected write (left dirty, retried next time). */
  customersFailed: number;
  /** tagsAdd / tagsRemove mutations sent one by one (per-call mode). */
  tagCalls: number;
  /** metafieldsSet mutations sent one by one (per-call mode). */
  metafieldCalls: number;
  /** HTTP requests to the Admin API made by this write-back. */
  requests: number;
  bulkOperations: number;
  bulkLines: number;
  errors: string[];
}

interface Row {
  id: string;
  appTags: string[];
  scored: boolean;
  segment: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
  churnProbability: number | null;
  predictedClv12m: number | null;
  expectedPurchases90d: number | null;
  asOf: Date | null;
  writtenHash: string | null;
}

interface Item {
  id: string;
  row: Row;
  plan: WritePlan;
  holdout: boolean;
  // Outcome per part: undefined = not attempted (nothing to do) → counts as ok.
  removeOk?: boolean;
  addOk?: boolean;
  metafieldsOk?: boolean;
}

async function loadRows(shopId: string, customerIds?: readonly (string | bigint)[]): Promise<Row[]> {
  const params: unknown[] = [shopId];
  let filter = "";
  if (customerIds) {
    params.push(customerIds.map((x) => String(x)));
    filter = `AND c.id = ANY($2::bigint[])`;
  }
  const { rows } = await pool.query<Row>(
    `SELECT c.id::text AS id, c."appTags" AS "appTags", (s."customerId" IS NOT NULL) AS scored,
            s.segment, s.r, s.f, s.m, s."churnProbability", s."predictedClv12m", s."expectedPurchases90d",
            s."asOf", s."writtenHash"
       FROM "Customer" c
       LEFT JOIN "CustomerScore" s ON s."shopId" = c."shopId" AND s."customerId" = c.id
      WHERE c."shopId" = $1 AND c."deletedAt" IS NULL
        AND (s."customerId" IS NOT NULL OR cardinality(c."appTags") > 0) ${filter}
      ORDER BY c.id`,
    params,
  );
  return rows;
}

function planRows(rows: Row[], shopDomain: string, prefix: string, holdoutPercent: number): Item[] {
  const items: Item[] = [];
  for (const row of rows) {
    const holdout = isHoldout(shopDomain, row.id, holdoutPercent);
    const desired = row.scored
      ? {
          segment: row.segment!,
          r: row.r!,
          f: row.f!,
          m: row.m!,
          churnProbability: row.churnProbability!,
          predictedClv12m: row.predictedClv12m!,
          expectedPurchases90d: row.expectedPurchases90d!,
          scoredAt: row.asOf!,
          holdout,
          tagPrefix: prefix,
        }
      : null;
    const plan = planCustomerWrite(desired, { appTags: row.appTags ?? [], writtenHash: row.writtenHash });
    if (plan.changed) items.push({ id: row.id, row, plan, holdout });
  }
  return items;
}

/** New appTags after the accepted parts of a plan. */
function appTagsAfter(item: Item): string[] {
  const norm = (t: string) => t.toLowerCase();
  let tags = [...(item.row.appTags ?? [])];
  if (item.plan.tagsToRemove.length && item.removeOk !== false) {
    const rm = new Set(item.plan.tagsToRemove.map(norm));
    tags = tags.filter((t) => !rm.has(norm(t)));
  }
  if (item.plan.tagsToAdd.length && item.addOk !== false) {
    const have = new Set(tags.map(norm));
    for (const t of item.plan.tagsToAdd) if (!have.has(norm(t))) tags.push(t);
  }
  return tags;
}

function itemOk(i: Item): boolean {
  return i.removeOk !== false && i.addOk !== false && i.metafieldsOk !== false;
}

/** Persist what Shopify accepted (set-based). */
async function commit(shopId: string, items: Item[]): Promise<void> {
  if (items.length === 0) return;
  const ids: string[] = [];
  const tags: string[] = [];
  const hashIds: string[] = [];
  const hashes: string[] = [];
  const holdouts: boolean[] = [];
  for (const i of items) {
    ids.push(i.id);
    tags.push(appTagsAfter(i).join(","));
    if (!i.row.scored) continue;
    const tagsOk = i.removeOk !== false && i.addOk !== false;
    const mfOk = i.metafieldsOk !== false;
    hashIds.push(i.id);
    hashes.push(hashAfter(i.plan, { appTags: i.row.appTags, writtenHash: i.row.writtenHash }, { tags: tagsOk, metafields: mfOk }));
    holdouts.push(i.holdout);
  }
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `UPDATE "Customer" c
          SET "appTags" = COALESCE(string_to_array(NULLIF(v.tags, ''), ','), ARRAY[]::text[])
         FROM unnest($2::bigint[], $3::text[]) AS v(id, tags)
        WHERE c."shopId" = $1 AND c.id = v.id`,
      [shopId, ids, tags],
    );
    if (hashIds.length) {
      await client.query(
        `UPDATE "CustomerScore" s
            SET "writtenHash" = v.hash, "writtenAt" = now(), holdout = v.holdout
           FROM unnest($2::bigint[], $3::text[], $4::boolean[]) AS v(id, hash, holdout)
          WHERE s."shopId" = $1 AND s."customerId" = v.id`,
        [shopId, hashIds, hashes, holdouts],
      );
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Pack whole customers' metafields into calls of ≤ 25. */
function packMetafields(items: Item[]): { items: Item[]; metafields: (MetafieldWrite & { ownerId: string })[] }[] {
  const calls: { items: Item[]; metafields: (MetafieldWrite & { ownerId: string })[] }[] = [];
  let cur: (typeof calls)[number] | null = null;
  for (const i of items) {
    if (!i.plan.metafields.length) continue;
    const mfs = i.plan.metafields.map((m) => ({ ...m, ownerId: gidOf("Customer", i.id) }));
    if (!cur || cur.metafields.length + mfs.length > MAX_METAFIELDS_PER_CALL) {
      cur = { items: [], metafields: [] };
      calls.push(cur);
    }
    cur.items.push(i);
    cur.metafields.push(...mfs);
  }
  return calls;
}

type Op =
  | { kind: "tagsAdd" | "tagsRemove"; item: Item; tags: string[] }
  | { kind: "metafieldsSet"; items: Item[]; metafields: (MetafieldWrite & { ownerId: string })[] };

interface UserErr {
  field: string[] | null;
  message: string;
}

async function sendOps(client: ShopifyAdminClient, ops: Op[], result: WriteBackResult): Promise<void> {
  for (let start = 0; start < ops.length; start += MUTATIONS_PER_REQUEST) {
    const batch = ops.slice(start, start + MUTATIONS_PER_REQUEST);
    const decls: string[] = [];
    const fields: string[] = [];
    const variables: Record<string, unknown> = {};
    batch.forEach((op, n) => {
      if (op.kind === "metafieldsSet") {
        decls.push(`$mf${n}: [MetafieldsSetInput!]!`);
        fields.push(`op${n}: metafieldsSet(metafields: $mf${n}) { userErrors { field message code elementIndex } }`);
        variables[`mf${n}`] = op.metafields.map((m) => ({ ownerId: m.ownerId, namespace: m.namespace, key: m.key, type: m.type, value: m.value }));
      } else {
        decls.push(`$id${n}: ID!`, `$tags${n}: [String!]!`);
        fields.push(`op${n}: ${op.kind}(id: $id${n}, tags: $tags${n}) { userErrors { field message } }`);
        variables[`id${n}`] = gidOf("Customer", op.item.id);
        variables[`tags${n}`] = op.tags;
      }
    });
    const query = `mutation RfmWriteBack(${decls.join(", ")}) {\n  ${fields.join("\n  ")}\n}`;
    let data: Record<string, { userErrors: UserErr[] } | null>;
    try {
      data = await client.request<Record<string, { userErrors: UserErr[] } | null>>(query, variables, 10 * batch.length);
    } catch (e) {
      // Not THROTTLED (the client retries that): leave these customers dirty.
      for (const op of batch) markOp(op, false);
      result.errors.push((e as Error).message);
      continue;
    }
    batch.forEach((op, n) => {
      const payload = data[`op${n}`];
      const errs = payload?.userErrors ?? [{ field: null, message: "no payload" }];
      if (op.kind === "metafieldsSet") result.metafieldCalls++;
      else result.tagCalls++;
      if (errs.length) result.errors.push(`${op.kind}: ${errs.map((e) => e.message).join("; ")}`.slice(0, 500));
      markOp(op, errs.length === 0);
    });
  }
}

function markOp(op: Op, ok: boolean) {
  if (op.kind === "metafieldsSet") {
    for (const i of op.items) i.metafieldsOk = (i.metafieldsOk ?? true) && ok;
  } else if (op.kind === "tagsAdd") op.item.addOk = ok;
  else op.item.removeOk = ok;
}

async function writePerCall(client: ShopifyAdminClient, shopId: string, items: Item[], result: WriteBackResult): Promise<void> {
  for (let start = 0; start < items.length; start += CUSTOMERS_PER_CHUNK) {
    const chunk = items.slice(start, start + CUSTOMERS_PER_CHUNK);
    const ops: Op[] = [];
    for (const i of chunk) {
      if (i.plan.tagsToRemove.length) ops.push({ kind: "tagsRemove", item: i, tags: i.plan.tagsToRemove });
      if (i.plan.tagsToAdd.length) ops.push({ kind: "tagsAdd", item: i, tags: i.plan.tagsToAdd });
    }
    for (const call of packMetafields(chunk)) ops.push({ kind: "metafieldsSet", items: call.items, metafields: call.metafields });
    await sendOps(client, ops, result);
    await commit(shopId, chunk);
  }
}

const TAGS_ADD_BULK = `mutation RfmBulkTagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`;
const TAGS_REMOVE_BULK = `mutation RfmBulkTagsRemove($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { field message } } }`;
const METAFIELDS_SET_BULK = `mutation RfmBulkMetafieldsSet($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { field message code elementIndex } } }`;

function lineOk(line: { data: Record<string, unknown> | null; errors?: unknown[] } | undefined, field: string): boolean {
  if (!line || (line.errors && line.errors.length)) return false;
  const payload = line.data?.[field] as { userErrors?: unknown[] } | null | undefined;
  return !!payload && (payload.userErrors?.length ?? 0) === 0;
}

async function writeBulk(client: ShopifyAdminClient, shopId: string, shopDomain: string, items: Item[], result: WriteBackResult, pollMs?: number): Promise<void> {
  type Job = { mutation: string; field: string; lines: Record<string, unknown>[]; apply: (lineIdx: number, ok: boolean) => void };
  const jobs: Job[] = [];
  const removes = items.filter((i) => i.plan.tagsToRemove.length);
  if (removes.length)
    jobs.push({ mutation: TAGS_REMOVE_BULK, field: "tagsRemove", lines: removes.map((i) => ({ id: gidOf("Customer", i.id), tags: i.plan.tagsToRemove })), apply: (n, ok) => (removes[n].removeOk = ok) });
  const adds = items.filter((i) => i.plan.tagsToAdd.length);
  if (adds.length)
    jobs.push({ mutation: TAGS_ADD_BULK, field: "tagsAdd", lines: adds.map((i) => ({ id: gidOf("Customer", i.id), tags: i.plan.tagsToAdd })), apply: (n, ok) => (adds[n].addOk = ok) });
  const calls = packMetafields(items);
  if (calls.length)
    jobs.push({
      mutation: METAFIELDS_SET_BULK,
      field: "metafieldsSet",
      lines: calls.map((c) => ({ metafields: c.metafields.map((m) => ({ ownerId: m.ownerId, namespace: m.namespace, key: m.key, type: m.type, value: m.value })) })),
      apply: (n, ok) => {
        for (const i of calls[n].items) i.metafieldsOk = (i.metafieldsOk ?? true) && ok;
      },
    });

  // One mutation type per bulk operation; they run concurrently (≤ 5 per shop since 2026-01;
  // startBulkMutation waits while the shop is at its limit).
  await Promise.all(
    jobs.map(async (job) => {
      let opId: string | null = null;
      try {
        const outcome = await runBulkMutation(client, job.mutation, job.lines, {
          clientIdentifier: `rfm-writeback:${shopDomain}:${job.field}`,
          pollMs,
          onStarted: async (id) => {
            opId = id;
            result.bulkOperations++;
            result.bulkLines += job.lines.length;
            await prisma.writeBackOperation.upsert({
              where: { bulkOperationId: id },
              create: { bulkOperationId: id, shopId, lines: job.lines.length },
              update: { shopId, lines: job.lines.length, status: "running", finishedAt: null, error: null, createdAt: new Date() },
            });
          },
        });
        let failed = 0;
        for (let n = 0; n < job.lines.length; n++) {
          const ok = outcome.operation.status === "COMPLETED" && lineOk(outcome.results.get(n), job.field);
          if (!ok) failed++;
          job.apply(n, ok);
        }
        const error = outcome.operation.status !== "COMPLETED" ? `${outcome.operation.status} ${outcome.operation.errorCode ?? ""}`.trim() : failed ? `${failed} lines rejected` : null;
        if (error) result.errors.push(`bulk ${job.field}: ${error}`);
        await prisma.writeBackOperation.update({
          where: { bulkOperationId: outcome.bulkOperationId },
          data: { status: outcome.operation.status === "COMPLETED" ? "completed" : "failed", finishedAt: new Date(), error },
        });
      } catch (e) {
        for (let n = 0; n < job.lines.length; n++) job.apply(n, false);
        result.errors.push(`bulk ${job.field}: ${(e as Error).message}`);
        if (opId)
          await prisma.writeBackOperation
            .update({ where: { bulkOperationId: opId }, data: { status: "failed", finishedAt: new Date(), error: (e as Error).message.slice(0, 1000) } })
            .catch(() => undefined);
      }
    }),
  );
  for (let start = 0; start < items.length; start += 5000) await commit(shopId, items.slice(start, start + 5000));
}

/** Write every changed customer of the shop (or only `customerIds`) to Shopify. */
export async function writeBackShop(shopDomain: string, opts: WriteBackOptions = {}): Promise<WriteBackResult> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, include: { settings: true } });
  if (!shop) throw new Error(`unknown shop ${shopDomain}`);
  const prefix = shop.settings?.tagPrefix ?? "rfm:";
  const holdoutPercent = shop.settings?.holdoutPercent ?? 10;
  const rows = await loadRows(shop.id, opts.customerIds);
  const items = planRows(rows, shopDomain, prefix, holdoutPercent);
  const result: WriteBackResult = {
    mode: "none",
    customersConsidered: rows.length,
    customersChanged: items.length,
    customersWritten: 0,
    customersFailed: 0,
    tagCalls: 0,
    metafieldCalls: 0,
    requests: 0,
    bulkOperations: 0,
    bulkLines: 0,
    errors: [],
  };
  if (items.length === 0) return result;
  const client = opts.client ?? (await adminClientFor(shopDomain));
  const requestsBefore = client.stats.requests;
  const threshold = opts.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
  const bulk = opts.mode === "bulk" || (opts.mode !== "per-call" && items.length > threshold);
  result.mode = bulk ? "bulk" : "per-call";
  if (bulk) await writeBulk(client, shop.id, shopDomain, items, result, opts.pollMs);
  else await writePerCall(client, shop.id, items, result);
  result.requests = client.stats.requests - requestsBefore;
  result.customersWritten = items.filter(itemOk).length;
  result.customersFailed = items.length - result.customersWritten;
  if (result.errors.length > 20) result.errors = [...result.errors.slice(0, 20), `… ${result.errors.length - 20} more`];
  return result;
}
