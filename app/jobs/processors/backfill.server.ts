// Initial sync: two bulk exports (customers, orders), each imported as a
// stream in batches with a line checkpoint, so a crash or restart resumes
// without duplicates. Completion arrives by the bulk_operations/finish webhook
// or by polling; both land on the same de-duplicated job id.
import { DelayedError, type Job } from "bullmq";
import { adminClientFor } from "../../shopify.server";
import {
  BulkResultExpiredError,
  CUSTOMERS_BULK_QUERY,
  ORDERS_BULK_QUERY,
  fetchBulkOperation,
  startBulkQuery,
  streamBulkResult,
} from "../../shopify/bulk-export.server";
import { ensureMetafieldDefinitions } from "../../shopify/metafields.server";
import type { BulkLineItem, OrderRecord, CustomerRecord } from "../../domain/order-record";
import { customerFromNode, lineItemFromLine, orderFromNode } from "../../shopify/records";
import { clearStagedLineItems, mergeStagedLineItems } from "../../models/orders.server";
import { commitImportBatch, prepareImportBatch } from "../../models/import-batches.server";
import {
  findShopOrThrow,
  freshSyncState,
  markSyncCompleted,
  recordSyncError,
  saveExportState,
  saveSyncState,
  syncStateOf,
  type ExportKind,
  type ExportState,
} from "../../models/shops.server";
import { BULK_POLL_DELAY_MS, enqueue, type JobPayloads } from "../../queue.server";

/** Lines per committed batch (about 10,000 orders with their line items). */
const BATCH_SIZE = 25_000;
const MAX_EXPORT_RESTARTS = 2;
const QUERIES: Record<ExportKind, string> = { customers: CUSTOMERS_BULK_QUERY, orders: ORDERS_BULK_QUERY };

/** Starts a bulk export; returns the fields of its fresh export state. */
async function startExport(shop: string, kind: ExportKind): Promise<Omit<ExportState, "restarts">> {
  const client = await adminClientFor(shop);
  const id = await startBulkQuery(client, QUERIES[kind]);
  return { bulkOperationId: id, status: "running", linesDone: 0, objectCount: 0, error: undefined };
}

async function schedulePoll(shop: string, bulkOperationId: string): Promise<void> {
  await enqueue("bulk-finished", { shop, bulkOperationId }, { delay: BULK_POLL_DELAY_MS });
}

export async function initialSync(data: JobPayloads["initial-sync"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  // Part of install: the app-owned metafield definitions that make scores
  // usable in Shopify's segment editor (idempotent).
  await ensureMetafieldDefinitions(await adminClientFor(shop.domain));
  const resuming = shop.syncStatus === "running" && shop.syncState !== null;
  const state = resuming ? syncStateOf(shop) : freshSyncState();
  for (const kind of Object.keys(state.exports) as ExportKind[]) {
    const current = state.exports[kind];
    if (current.status === "completed") continue;
    if (!current.bulkOperationId) state.exports[kind] = { ...current, ...(await startExport(shop.domain, kind)) };
  }
  await saveSyncState(shop.id, state, {
    syncStatus: "running",
    syncError: null,
    ...(resuming ? {} : { syncStartedAt: new Date(), syncCompletedAt: null }),
  });
  for (const kind of Object.keys(state.exports) as ExportKind[]) {
    const id = state.exports[kind].bulkOperationId;
    if (id && state.exports[kind].status !== "completed") await schedulePoll(shop.domain, id);
  }
  return { resumed: resuming, exports: state.exports };
}

export async function bulkFinished(
  data: JobPayloads["bulk-finished"],
  job: Job<JobPayloads["bulk-finished"]>,
  token?: string,
): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  const state = syncStateOf(shop);
  const kind = (Object.keys(state.exports) as ExportKind[]).find(
    (k) => state.exports[k].bulkOperationId === data.bulkOperationId,
  );
  if (!kind || state.exports[kind].status === "completed") return { ignored: true };

  const client = await adminClientFor(shop.domain);
  const operation = await fetchBulkOperation(client, data.bulkOperationId);
  const current = state.exports[kind];

  if (operation.status === "CREATED" || operation.status === "RUNNING") {
    await job.moveToDelayed(Date.now() + BULK_POLL_DELAY_MS, token);
    throw new DelayedError();
  }
  if (operation.status !== "COMPLETED") {
    const reason = `bulk export ${operation.status} (${operation.errorCode ?? "no error code"})`;
    return restartOrFail(shop.domain, shop.id, kind, current, reason, operation.errorCode !== "ACCESS_DENIED");
  }

  const resumedFromLine = current.linesDone;
  current.status = "importing";
  current.objectCount = Number(operation.objectCount);
  await saveExportState(shop.id, kind, current);
  if (operation.url) {
    try {
      await importResult(shop.id, kind, current, operation.url);
    } catch (error) {
      if (error instanceof BulkResultExpiredError) {
        return restartOrFail(shop.domain, shop.id, kind, current, `result file expired: ${error.message}`, true);
      }
      throw error;
    }
  }
  if (kind === "orders") await mergeStagedLineItems(shop.id);
  current.status = "completed";
  const saved = await saveExportState(shop.id, kind, current);
  const allDone = Object.values(saved.exports).every((e) => e.status === "completed");
  if (allDone) {
    await markSyncCompleted(shop.id, shop.syncStartedAt);
    await enqueue("recompute-shop", { shop: shop.domain, reason: "initial sync" });
  }
  return { kind, lines: current.linesDone, resumedFromLine, allDone };
}

async function restartOrFail(
  domain: string,
  shopId: string,
  kind: ExportKind,
  current: ExportState,
  reason: string,
  retryable: boolean,
): Promise<unknown> {
  if (retryable && current.restarts < MAX_EXPORT_RESTARTS) {
    const restarted: ExportState = { ...current, restarts: current.restarts + 1, ...(await startExport(domain, kind)) };
    await saveExportState(shopId, kind, restarted);
    await recordSyncError(shopId, `${kind}: ${reason}; restarted the export`, { failed: false });
    await schedulePoll(domain, restarted.bulkOperationId!);
    return { kind, restarted: true, reason };
  }
  await saveExportState(shopId, kind, { ...current, status: "failed", error: reason });
  await recordSyncError(shopId, `${kind}: ${reason}`, { failed: true });
  return { kind, failed: true, reason };
}

/** An order of the batch being read, with its line items' spend per product type so far. */
interface OpenOrder {
  record: OrderRecord;
  spendByType: Map<string, bigint>;
}

function addLine(order: OpenOrder, line: BulkLineItem) {
  if (line.productType === "") return;
  order.spendByType.set(line.productType, (order.spendByType.get(line.productType) ?? 0n) + line.spendMinor);
}

/** Types sorted by code unit (PostgreSQL's "C" collation), as productTypeSpend orders them. */
function withTypes(order: OpenOrder): OrderRecord {
  const types = [...order.spendByType.keys()].sort();
  return { ...order.record, productTypeSpend: { types, spendMinor: types.map((t) => order.spendByType.get(t)!) } };
}

async function importResult(shopId: string, kind: ExportKind, current: ExportState, url: string): Promise<void> {
  // An import from the first line (a new or restarted export) starts with an empty stage.
  if (kind === "orders" && current.linesDone === 0) await clearStagedLineItems(shopId);
  // Line items follow their order in the file; those read in the same batch as their order
  // are added to it before it is written (product types resolved at insert time), the rest
  // are staged and merged at the end.
  let orders = new Map<bigint, OpenOrder>();
  let customers: CustomerRecord[] = [];
  // Line items whose order is not (yet) in this batch: staged when the batch is written.
  let unmatched = new Map<bigint, BulkLineItem[]>();
  let products = new Map<bigint, string>();
  let pending = 0;
  let lastLine = current.linesDone;
  // One batch is written while the next is parsed; batches commit in order,
  // each atomically with its checkpoint.
  let writing: Promise<void> = Promise.resolve();

  const flush = async () => {
    if (pending === 0) return;
    const lineItems = [...unmatched.values()].flat();
    const batch = {
      orders: [...orders.values()].map(withTypes),
      customers,
      lineItems,
      products: [...products].map(([productId, productType]) => ({ productId, productType })),
      checkpoint: lastLine,
    };
    orders = new Map();
    customers = [];
    unmatched = new Map();
    products = new Map();
    pending = 0;
    const prepared = prepareImportBatch({ ...batch, exportState: { ...current, linesDone: batch.checkpoint } });
    await writing;
    writing = commitImportBatch(shopId, kind, prepared).then(() => {
      current.linesDone = batch.checkpoint;
    });
    // Marked handled now; the failure surfaces at the next await of `writing`.
    writing.catch(() => undefined);
  };

  await streamBulkResult(
    url,
    async (record, lineNumber) => {
      lastLine = lineNumber;
      pending++;
      const id = String(record.id ?? "");
      if (id.includes("/Order/")) {
        const order: OpenOrder = { record: orderFromNode(record as never), spendByType: new Map() };
        orders.set(order.record.id, order);
        const before = unmatched.get(order.record.id);
        if (before) {
          for (const line of before) addLine(order, line);
          unmatched.delete(order.record.id);
        }
      } else if (id.includes("/Customer/")) customers.push(customerFromNode(record as never));
      else if (id.includes("/LineItem/") && typeof record.__parentId === "string") {
        const line = lineItemFromLine(record as never);
        if (line) {
          if (line.productId !== null) products.set(line.productId, line.productType);
          const order = orders.get(line.orderId);
          if (order) addLine(order, line);
          else {
            const list = unmatched.get(line.orderId);
            if (list) list.push(line);
            else unmatched.set(line.orderId, [line]);
          }
        }
      }
      if (pending >= BATCH_SIZE) await flush();
    },
    current.linesDone,
  );
  await flush();
  await writing;
}
