// "write-back": brings Shopify in line with the app's scores for a shop (or
// some of its customers): metafield definitions and native segments on a full
// write-back, then diff-only tags and metafields of changed customers.
// Claim, then send: the rows are read and planned first, the gateway sends
// with no database lock held, and each accepted chunk is recorded as it is
// reported, so a failed part stays dirty and is retried next time.
import { resolveSettings } from "../../domain/shop-settings";
import { allAccepted, planWriteBack, recordedWrite, type PlannedCustomer } from "../../domain/writeback-plan";
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

async function writeCustomers(shop: Shop, client: ShopifyAdminClient | undefined, opts: WriteBackOptions): Promise<WriteBackResult> {
  const settings = resolveSettings(shop.settings);
  const rows = await loadWriteBackRows(shop.id, opts.customerIds);
  const planned = planWriteBack(rows, {
    shopDomain: shop.domain,
    tagPrefix: settings.tagPrefix,
    holdoutPercent: settings.holdoutPercent,
    traitTagPrefix: settings.traitTagPrefix,
    enabledTraits: settings.enabledTraits,
  });
  const result: WriteBackResult = {
    mode: "none",
    customersConsidered: rows.length,
    customersChanged: planned.length,
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
  if (planned.length === 0) return result;
  const admin = client ?? (await adminClientFor(shop.domain));
  const requestsBefore = admin.stats.requests;
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
  result.mode = bulk ? "bulk" : "per-call";
  const report = bulk
    ? await sendWritesBulk(admin, writes, {
        clientIdentifier: `rfm-writeback:${shop.domain}`,
        pollMs: opts.pollMs,
        onAccepted,
        onOperationStarted: (id, lines) => recordBulkWriteStarted(shop.id, id, lines),
        onOperationFinished: (id, outcome) => recordBulkWriteFinished(shop.id, id, outcome),
      })
    : await sendWritesPerCall(admin, writes, { onAccepted });
  Object.assign(result, { ...report, errors: report.errors.length > 20 ? [...report.errors.slice(0, 20), `… ${report.errors.length - 20} more`] : report.errors });
  result.requests = admin.stats.requests - requestsBefore;
  return result;
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

