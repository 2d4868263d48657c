// "write-back": brings Shopify in line with the app's scores for a shop (or
// some of its customers): metafield definitions and native segments on a full
// write-back, then diff-only tags and metafields of changed customers.
// Claim, then send: the rows are read and planned first, the gateway sends
// with no database lock held, and each accepted chunk is recorded as it is
// reported, so a failed part stays dirty and is retried next time.
import { resolveSettings } from "../../domain/shop-settings";
import { allAccepted, planWriteBack, recordedWrite, type PlannedCustomer, type WriteBackRow } from "../../domain/writeback-plan";
import { findShopByDomain, findShopOrThrow } from "../../models/shops.server";
import { deleteShopSegment, listShopSegments, saveShopSegment } from "../../models/shop-segments.server";
import { loadWriteBackRows, recordBulkWriteFinished, recordBulkWriteStarted, recordWrites } from "../../models/writeback-state.server";
import { adminClientFor } from "../../shopify.server";
import type { ShopifyAdminClient } from "../../shopify/admin-client.server";
import { ensureMetafieldDefinitions } from "../../shopify/metafields.server";
import { ensureNativeSegments, type EnsureSegmentsResult } from "../../shopify/segments.server";
import { wantedNativeSegments } from "../../domain/native-segments";
import { sendWritesBulk, sendWritesPerCall, type AcceptedChunk, type CustomerWrite, type SendReport } from "../../shopify/writeback.server";
import type { JobPayloads } from "../../queue.server";

export const DEFAULT_BULK_THRESHOLD = 500;

export interface WriteBackOptions {
  customerIds?: readonly (string | bigint)[];
  /** Use this client instead of the shop's offline session (tests, benchmarks). */
  client?: ShopifyAdminClient;
  /** Switch to bulk mode above this many changed customers (default 500). */
  bulkThreshold?: number;
  mode?: "auto" | "per-call" | "bulk";
  /** Bulk operation poll interval. */
  pollMs?: number;
  /** Customers per page of a full write-back (default WRITE_BACK_PAGE; tests use small pages). */
  pageSize?: number;
}

export interface WriteBackResult extends Omit<SendReport, "errors"> {
  mode: "none" | "per-call" | "bulk";
  customersConsidered: number;
  customersChanged: number;
  /** Customers whose every planned write Shopify accepted. */
  customersWritten: number;
  /** Customers with at least one rejected write (left dirty, retried next time). */
  customersFailed: number;
  /** HTTP requests to the Admin API made by this write-back. */
  requests: number;
  errors: string[];
}

type Shop = NonNullable<Awaited<ReturnType<typeof findShopByDomain>>>;

const toWrite = (p: PlannedCustomer): CustomerWrite => ({
  customerId: p.customerId,
  tagsToRemove: p.plan.tagsToRemove,
  tagsToAdd: p.plan.tagsToAdd,
  metafields: p.plan.metafields,
  metafieldDeletes: p.plan.metafieldDeletes,
});

/**
 * Customers per page of a full write-back: planned, sent and recorded before the next page is
 * read, so memory holds one page's rows and plans (a million customers at once did not fit in
 * the worker's heap: about 2 KB of plan per customer). Each page is its own bulk operation.
 */
const WRITE_BACK_PAGE = 50_000;

function emptyResult(): WriteBackResult {
  return {
    mode: "none",
    customersConsidered: 0,
    customersChanged: 0,
    customersWritten: 0,
    customersFailed: 0,
    tagCalls: 0,
    metafieldCalls: 0,
    requests: 0,
    bulkOperations: 0,
    bulkLines: 0,
    callsUnanswered: 0,
    errors: [],
  };
}

/** Rejection messages kept in a result (the rest are counted). */
const MAX_ERRORS = 20;

async function writeCustomers(shop: Shop, client: ShopifyAdminClient | undefined, opts: WriteBackOptions): Promise<WriteBackResult> {
  const result = emptyResult();
  const settings = resolveSettings(shop.settings);
  const planOptions = {
    shopDomain: shop.domain,
    tagPrefix: settings.tagPrefix,
    holdoutPercent: settings.holdoutPercent,
    traitTagPrefix: settings.traitTagPrefix,
    enabledTraits: settings.enabledTraits,
  };
  let moreErrors = 0;
  const write = async (rows: WriteBackRow[]) => {
    const planned = planWriteBack(rows, planOptions);
    result.customersConsidered += rows.length;
    result.customersChanged += planned.length;
    if (planned.length === 0) return;
    client ??= await adminClientFor(shop.domain);
    const requestsBefore = client.stats.requests;
    const report = await sendPlanned(shop, client, planned, opts, result);
    // One mode for the whole write-back: bulk once any page went bulk.
    if (report.bulk) result.mode = "bulk";
    else if (result.mode === "none") result.mode = "per-call";
    result.tagCalls += report.tagCalls;
    result.metafieldCalls += report.metafieldCalls;
    result.bulkOperations += report.bulkOperations;
    result.bulkLines += report.bulkLines;
    result.callsUnanswered += report.callsUnanswered;
    const room = Math.max(0, MAX_ERRORS - result.errors.length);
    result.errors.push(...report.errors.slice(0, room));
    moreErrors += Math.max(0, report.errors.length - room);
    result.requests += client.stats.requests - requestsBefore;
  };
  if (opts.customerIds) {
    await write(await loadWriteBackRows(shop.id, { customerIds: opts.customerIds }));
  } else {
    const limit = opts.pageSize ?? WRITE_BACK_PAGE;
    for (let afterId: string | null = null; ; ) {
      const rows = await loadWriteBackRows(shop.id, { afterId, limit });
      if (rows.length === 0) break;
      await write(rows);
      if (rows.length < limit) break;
      afterId = rows[rows.length - 1].id;
    }
  }
  if (moreErrors > 0) result.errors.push(`… ${moreErrors} more`);
  return result;
}

/** Sends one set of planned customers and records each accepted chunk, counting written and failed customers in `result`. */
async function sendPlanned(
  shop: Shop,
  admin: ShopifyAdminClient,
  planned: PlannedCustomer[],
  opts: WriteBackOptions,
  result: WriteBackResult,
): Promise<SendReport & { bulk: boolean }> {
  const byId = new Map(planned.map((p) => [p.customerId, p]));
  const onAccepted = async (chunk: AcceptedChunk) => {
    for (const { accepted } of chunk) {
      if (allAccepted(accepted)) result.customersWritten++;
      else result.customersFailed++;
    }
    await recordWrites(shop.id, chunk.map(({ customerId, accepted }) => recordedWrite(byId.get(customerId)!, accepted)));
  };
  const writes = planned.map(toWrite);
  const bulk = opts.mode === "bulk" || (opts.mode !== "per-call" && planned.length > (opts.bulkThreshold ?? DEFAULT_BULK_THRESHOLD));
  const report = bulk
    ? await sendWritesBulk(admin, writes, {
        clientIdentifier: `rfm-writeback:${shop.domain}`,
        pollMs: opts.pollMs,
        onAccepted,
        onOperationStarted: (id, lines) => recordBulkWriteStarted(shop.id, id, lines),
        onOperationFinished: (id, outcome) => recordBulkWriteFinished(shop.id, id, outcome),
      })
    : await sendWritesPerCall(admin, writes, { onAccepted });
  return { ...report, bulk };
}

/** Our native segments, created or updated in Shopify and recorded as each change is accepted. */
async function syncNativeSegments(shop: Shop, client: ShopifyAdminClient): Promise<EnsureSegmentsResult> {
  return ensureNativeSegments(client, {
    wanted: wantedNativeSegments(resolveSettings(shop.settings)),
    ours: await listShopSegments(shop.id),
    onChange: (change) => (change.kind === "saved" ? saveShopSegment(shop.id, change.segment) : deleteShopSegment(shop.id, change.segmentKey)),
  });
}


/** Write every changed customer of the shop (or only `customerIds`) to Shopify. */
export async function writeBackShop(shopDomain: string, opts: WriteBackOptions = {}): Promise<WriteBackResult> {
  return writeCustomers(await findShopOrThrow(shopDomain), opts.client, opts);
}

/** The shop's native segments (tests, benchmarks); the job does this as part of a full write-back. */
export async function writeNativeSegments(shopDomain: string, opts: { client?: ShopifyAdminClient } = {}): Promise<EnsureSegmentsResult> {
  const shop = await findShopOrThrow(shopDomain);
  return syncNativeSegments(shop, opts.client ?? (await adminClientFor(shop.domain)));
}

export async function writeBackJob(data: JobPayloads["write-back"]): Promise<unknown> {
  const shop = await findShopByDomain(data.shop);
  if (!shop || shop.uninstalledAt) return { skipped: "not installed" };
  if (!resolveSettings(shop.settings).writeBackEnabled) return { skipped: "write-back disabled" };
  const client = await adminClientFor(shop.domain);
  // Idempotent and read-only when already in place; a full write-back only.
  const definitions = data.customerIds ? undefined : await ensureMetafieldDefinitions(client);
  const segments = data.customerIds ? undefined : await syncNativeSegments(shop, client);
  const result = await writeCustomers(shop, client, { customerIds: data.customerIds });
  // Rejected writes stay dirty. When nothing at all was accepted, or a call got no answer
  // (Shopify down longer than the client's own retries), fail the job so BullMQ retries it
  // with backoff: the retry sends only what is still dirty. A write Shopify refused with a
  // user error waits for the next write-back instead of failing the job again and again.
  if (result.customersFailed > 0 && (result.customersWritten === 0 || result.callsUnanswered > 0)) {
    throw new Error(`write-back failed for ${result.customersFailed} customers: ${result.errors[0]}`);
  }
  return { definitions, segments, ...result };
}

