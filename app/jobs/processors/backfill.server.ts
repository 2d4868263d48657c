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
import type { BulkLineItem } from "../../domain/order-record";
import { customerFromNode, lineItemFromLine, orderFromNode } from "../../shopify/records";
import { bulkOrderRow, bulkOrderRowHead, clearStagedLineItems, mergeStagedLineItems } from "../../models/orders.server";
import { commitImportBatch, prepareImportBatch, vacuumImportedTables, type ImportBatchRows, type ImportCheckpoint } from "../../models/import-batches.server";
import { bulkCustomerRow } from "../../models/customers.server";
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
import { logger } from "../../logger.server";

/** Lines per committed batch (about 10,000 orders with their line items). */
const BATCH_SIZE = 25_000;
/**
 * Orders read in a batch's last lines are carried into the next batch (BulkImportAssembler):
 * the simulator's line items trail their order by up to about 19,000 lines (99% within 7,700).
 */
const CARRY_LINES = 10_000;
const MAX_EXPORT_RESTARTS = 2;
const QUERIES: Record<ExportKind, string> = { customers: CUSTOMERS_BULK_QUERY, orders: ORDERS_BULK_QUERY };

/** Starts a bulk export; returns the fields of its fresh export state. */
async function startExport(shop: string, kind: ExportKind): Promise<Omit<ImportCheckpoint, "restarts">> {
  const client = await adminClientFor(shop);
  const id = await startBulkQuery(client, QUERIES[kind]);
  return { bulkOperationId: id, status: "running", linesDone: 0, linesRead: 0, objectCount: 0, error: undefined };
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
  if (!kind) return { ignored: true };
  // A retry after the export's completion was saved may find the attempt before it stopped
  // (a lost connection, a killed worker) before the sync was marked done, or after that but
  // before the first recompute was queued: it does what is left (the recompute is one per shop).
  if (state.exports[kind].status === "completed") {
    if (shop.syncStatus === "running") {
      return (await finishSyncIfAllDone(shop, state.exports)) ? { kind, finishedSync: true } : { ignored: true };
    }
    const retried = job.attemptsMade > 0 || job.attemptsStarted > 1;
    if (retried && shop.syncStatus === "completed") {
      await enqueue("recompute-shop", { shop: shop.domain, reason: "initial sync" });
      return { kind, recomputeQueued: true };
    }
    return { ignored: true };
  }

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
  const allDone = await finishSyncIfAllDone(shop, saved.exports);
  return { kind, lines: current.linesDone, resumedFromLine, allDone };
}

/**
 * Result lines of an import above which its tables are vacuumed before the first recompute
 * (vacuumImportedTables): at a million customers the first recompute spent about a fifth of its
 * time (25 of 117 s) on its first pass over freshly imported rows.
 */
const VACUUM_AFTER_LINES = 250_000;

/** Once every export is imported: the sync is done and the shop's first recompute queued (one per shop). */
async function finishSyncIfAllDone(
  shop: { id: string; domain: string; syncStartedAt: Date | null },
  exports: Record<string, { status: string; linesDone?: number }>,
): Promise<boolean> {
  if (!Object.values(exports).every((e) => e.status === "completed")) return false;
  const lines = Object.values(exports).reduce((sum, e) => sum + (e.linesDone ?? 0), 0);
  // An optimisation, never a reason to fail the sync (a database user that does not own the tables may not vacuum them).
  if (lines >= VACUUM_AFTER_LINES) {
    await vacuumImportedTables().catch((e: Error) => logger.warn({ shop: shop.domain, err: e.message }, "vacuum after the import skipped"));
  }
  await markSyncCompleted(shop.id, shop.syncStartedAt);
  await enqueue("recompute-shop", { shop: shop.domain, reason: "initial sync" });
  return true;
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

/** An order read but not written yet (its staging row up to the types), with its line items' spend per product type so far. */
interface OpenOrder {
  rowHead: string;
  line: number;
  /** The first line counted in it: its own, or that of a line item read ahead of it. */
  firstLine: number;
  spendByType: Map<string, bigint> | null;
}

function addLine(order: OpenOrder, line: BulkLineItem) {
  if (line.productType === "") return;
  const spend = (order.spendByType ??= new Map());
  spend.set(line.productType, (spend.get(line.productType) ?? 0n) + line.spendMinor);
}

/** The order's staging row, its types sorted by code unit (PostgreSQL's "C" collation), as productTypeSpend orders them. */
function orderRow(order: OpenOrder): string {
  const spend = order.spendByType;
  if (!spend) return bulkOrderRow(order.rowHead, undefined);
  const types = [...spend.keys()].sort();
  return bulkOrderRow(order.rowHead, { types, spendMinor: types.map((t) => spend.get(t)!) });
}

/** What a batch writes: its rows without the export state, with its two checkpoints. */
export type AssembledBatch = Omit<ImportBatchRows, "exportState"> & Required<Pick<ImportCheckpoint, "linesDone" | "linesRead">>;

/**
 * Builds the import's batches from the result lines (no I/O, so the resume rules can be
 * tested line by line). Line items follow their order in the file, a few thousand lines
 * later at most in the simulator's files; those read while their order is still open are
 * added to it before it is written (product types resolved at insert time), the rest are
 * staged and merged at the end. Orders read in the last `carryLines` lines of a batch stay
 * open into the next one, so few line items are late. The checkpoint is then two lines:
 * `linesDone`, before the first line counted in a carried order (where a resumed import
 * starts reading), and `linesRead`, the batch's last line. A resumed import reads the lines
 * in between again: their orders were carried (not written), so they are written as usual;
 * their line items of any other order were added or staged by the committed batch, so they
 * are dropped.
 */
export class BulkImportAssembler {
  private orders = new Map<bigint, OpenOrder>();
  private customerRows: string[] = [];
  /** Line items whose order is not open (late or ahead of their order): staged with the batch. */
  private unmatched = new Map<bigint, Waiting>();
  /** Re-read line items (up to linesRead) whose order is not open: counted only if their order follows within the re-read lines. */
  private replayed = new Map<bigint, Waiting>();
  private products = new Map<bigint, string>();
  private linesInBatch = 0;
  private lastLine: number;
  private readonly replayTo: number;

  constructor(
    from: Pick<ImportCheckpoint, "linesDone" | "linesRead">,
    private readonly batchLines = BATCH_SIZE,
    private readonly carryLines = CARRY_LINES,
  ) {
    this.lastLine = from.linesDone;
    this.replayTo = Math.max(from.linesRead ?? 0, from.linesDone);
    if (carryLines >= batchLines) throw new Error("the carried lines must be fewer than a batch's");
  }

  /** One result line (after the resume point), in file order. */
  add(record: Record<string, unknown>, lineNumber: number): void {
    this.lastLine = lineNumber;
    this.linesInBatch++;
    const replaying = lineNumber <= this.replayTo;
    if (!replaying && this.replayed.size > 0) this.replayed.clear();
    const id = typeof record.id === "string" ? record.id : "";
    if (id.includes("/LineItem/")) {
      if (typeof record.__parentId !== "string") return;
      const line = lineItemFromLine(record as never);
      if (!line) return;
      if (line.productId !== null) this.products.set(line.productId, line.productType);
      const order = this.orders.get(line.orderId);
      if (order) addLine(order, line);
      else wait(replaying ? this.replayed : this.unmatched, line, lineNumber);
    } else if (id.includes("/Order/")) {
      const parsed = orderFromNode(record as never);
      const order: OpenOrder = { rowHead: bulkOrderRowHead(parsed), line: lineNumber, firstLine: lineNumber, spendByType: null };
      this.orders.set(parsed.id, order);
      for (const waiting of [this.unmatched, this.replayed]) {
        const before = waiting.get(parsed.id);
        if (!before) continue;
        for (const line of before.items) addLine(order, line);
        order.firstLine = Math.min(order.firstLine, before.firstLine);
        waiting.delete(parsed.id);
      }
    } else if (id.includes("/Customer/")) this.customerRows.push(bulkCustomerRow(customerFromNode(record as never)));
  }

  /** A batch's worth of lines has been read. */
  get full(): boolean {
    return this.linesInBatch >= this.batchLines;
  }

  /** The batch to write (the last one: every open order); null when there is nothing to write. */
  take(last: boolean): AssembledBatch | null {
    if (this.linesInBatch === 0 && (!last || this.orders.size === 0)) return null;
    // Carried: the orders read in the last carryLines lines, and every order after the first
    // line counted in a carried one (a line item ahead of its order), so that all lines after
    // linesDone belong to carried orders or were staged.
    const carryAfter = last ? Infinity : this.lastLine - this.carryLines;
    const carried = new Map<bigint, OpenOrder>();
    let linesDone = this.lastLine;
    for (let grew = true; grew; ) {
      grew = false;
      for (const [id, order] of this.orders) {
        if (carried.has(id) || (order.line <= carryAfter && order.line <= linesDone)) continue;
        carried.set(id, order);
        linesDone = Math.min(linesDone, order.firstLine - 1);
        grew = true;
      }
    }
    const orderRows: string[] = [];
    for (const [id, order] of this.orders) if (!carried.has(id)) orderRows.push(orderRow(order));
    const batch: AssembledBatch = {
      orderRows,
      customerRows: this.customerRows,
      lineItems: [...this.unmatched.values()].flatMap((w) => w.items),
      products: [...this.products].map(([productId, productType]) => ({ productId, productType })),
      linesDone,
      linesRead: this.lastLine,
    };
    this.orders = carried;
    this.customerRows = [];
    this.unmatched = new Map();
    this.products = new Map();
    this.linesInBatch = 0;
    return batch;
  }
}

/** Line items waiting for their order, with the line of the first. */
interface Waiting {
  firstLine: number;
  items: BulkLineItem[];
}

function wait(map: Map<bigint, Waiting>, line: BulkLineItem, lineNumber: number) {
  const waiting = map.get(line.orderId);
  if (waiting) waiting.items.push(line);
  else map.set(line.orderId, { firstLine: lineNumber, items: [line] });
}

async function importResult(shopId: string, kind: ExportKind, current: ImportCheckpoint, url: string): Promise<void> {
  // An import from the first line (a new or restarted export) starts with an empty stage.
  if (kind === "orders" && current.linesDone === 0 && !current.linesRead) await clearStagedLineItems(shopId);
  const assembler = new BulkImportAssembler(current);
  // One batch is written while the next is parsed; batches commit in order,
  // each atomically with its checkpoint.
  let writing: Promise<void> = Promise.resolve();
  const write = async (batch: AssembledBatch) => {
    const checkpoint = { linesDone: batch.linesDone, linesRead: batch.linesRead };
    const prepared = prepareImportBatch({ ...batch, exportState: { ...current, ...checkpoint } });
    await writing;
    writing = commitImportBatch(shopId, kind, prepared).then(() => {
      Object.assign(current, checkpoint);
    });
    // Marked handled now; the failure surfaces at the next await of `writing`.
    writing.catch(() => undefined);
  };

  await streamBulkResult(
    url,
    (record, lineNumber) => {
      assembler.add(record, lineNumber);
      // Only a full batch returns a promise: the stream waits for the previous batch's commit.
      if (assembler.full) return write(assembler.take(false)!);
    },
    current.linesDone,
  );
  const last = assembler.take(true);
  if (last) await write(last);
  await writing;
}
