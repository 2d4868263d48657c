// One batch of a bulk-export import, committed atomically with its checkpoint,
// so a killed worker resumes after the last committed line with no duplicates.
// Rows go in with COPY into staging tables and one set-based merge per table.
import { inTransaction, pool } from "../db-pool.server";
import type { BulkLineItem, CustomerRecord, OrderRecord } from "../domain/order-record";
import { bulkCustomerRows, copyBulkCustomers } from "./customers.server";
import { bulkOrderRows, copyBulkOrders, lineItemRows, stageLineItems } from "./orders.server";
import { upsertProductTypes } from "./product-types.server";
import { saveExportState, type ExportKind, type ExportState } from "./shops.server";

/**
 * An export's state with the import's second checkpoint: `linesDone` is where a resumed import
 * starts reading, `linesRead` (at or after it) the last line a committed batch read. The lines
 * between are read again on resume (the orders carried into the next batch were not written
 * yet; see BulkImportAssembler). Absent in states saved before it existed: equal to linesDone.
 */
export interface ImportCheckpoint extends ExportState {
  linesRead?: number;
}

export interface ImportBatch {
  customers: CustomerRecord[];
  /** Orders with their discount and item spend per product type resolved from the batch's line items. */
  orders: OrderRecord[];
  /** Line items whose order was not in the batch: staged for the merge at the end of the import. */
  lineItems: BulkLineItem[];
  /** The products the batch's line items name, with their types. */
  products: { productId: bigint; productType: string }[];
  /** The export's state once this batch is in: its line checkpoints. */
  exportState: ImportCheckpoint;
}

/** A batch whose orders and customers were formatted as they were read (bulkOrderRowHead, bulkCustomerRow). */
export interface ImportBatchRows extends Omit<ImportBatch, "orders" | "customers"> {
  orderRows: string[];
  customerRows: string[];
}

/** A batch with its rows already in COPY's format. */
interface PreparedImportBatch {
  customerRows: string[];
  orderRows: string[];
  lineItemRows: string[];
  products: ImportBatch["products"];
  exportState: ImportCheckpoint;
}

/** Formats a batch's rows; done before the previous batch's commit is awaited, so it overlaps the database's work. */
export function prepareImportBatch(batch: ImportBatch | ImportBatchRows): PreparedImportBatch {
  return {
    customerRows: "customerRows" in batch ? batch.customerRows : bulkCustomerRows(batch.customers),
    orderRows: "orderRows" in batch ? batch.orderRows : bulkOrderRows(batch.orders),
    lineItemRows: lineItemRows(batch.lineItems),
    products: batch.products,
    exportState: batch.exportState,
  };
}

/**
 * Not durable (synchronous_commit off): the import is idempotent and the
 * checkpoint commits with the data, so a commit lost in a crash is redone.
 */
export async function commitImportBatch(shopId: string, kind: ExportKind, batch: ImportBatch | PreparedImportBatch): Promise<void> {
  const rows = "lineItemRows" in batch ? batch : prepareImportBatch(batch);
  await inTransaction(
    async (db) => {
      await copyBulkCustomers(shopId, rows.customerRows, db);
      await copyBulkOrders(shopId, rows.orderRows, db);
      await stageLineItems(shopId, rows.lineItemRows, db);
      await upsertProductTypes(shopId, rows.products, db);
      await saveExportState(shopId, kind, rows.exportState, db);
    },
    { durable: false },
  );
}

/**
 * After a big import: VACUUM (ANALYZE) the tables it filled. Rows fresh from COPY carry no
 * hint bits and no visibility-map bits, so the first statement to read them (the shop's first
 * recompute) would set the bits and write every page out again; and a server without
 * autovacuum (this machine's) would never gather the planner's statistics for them. VACUUM
 * passes over only the pages not yet all-visible, so the cost is the new rows'; it does not
 * block reads or writes. Cannot run in a transaction.
 */
export async function vacuumImportedTables(): Promise<void> {
  await pool.query(`vacuum (analyze) "Order", "Customer"`);
}
