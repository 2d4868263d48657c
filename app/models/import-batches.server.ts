// One batch of a bulk-export import, committed atomically with its checkpoint,
// so a killed worker resumes after the last committed line with no duplicates.
import { inTransaction } from "../db-pool.server";
import type { BulkLineItem, CustomerRecord, OrderRecord } from "../domain/order-record";
import { ensureCustomersExist, upsertCustomers } from "./customers.server";
import { stageLineItems, upsertOrders } from "./orders.server";
import { saveExportState, type ExportKind, type ExportState } from "./shops.server";

export interface ImportBatch {
  customers: CustomerRecord[];
  orders: OrderRecord[];
  lineItems: BulkLineItem[];
  /** The export's state once this batch is in: its line checkpoint. */
  exportState: ExportState;
}

/**
 * Not durable (synchronous_commit off): the import is idempotent and the
 * checkpoint commits with the data, so a commit lost in a crash is redone.
 */
export async function commitImportBatch(shopId: string, kind: ExportKind, batch: ImportBatch): Promise<void> {
  await inTransaction(
    async (db) => {
      await upsertCustomers(shopId, batch.customers, db);
      const customerIds = [...new Set(batch.orders.flatMap((o) => (o.customerId === null ? [] : [o.customerId])))];
      await ensureCustomersExist(shopId, customerIds, db);
      await upsertOrders(shopId, batch.orders, db);
      await stageLineItems(shopId, batch.lineItems, db);
      await saveExportState(shopId, kind, batch.exportState, db);
    },
    { durable: false },
  );
}
