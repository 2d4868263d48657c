/**
 * Streaming reader for the transactions CSV (DESIGN §5):
 * header customer_id,order_id,processed_at,amount (extra columns ignored), rows of one
 * order summed. Rows go straight into typed arrays (no object per row) so a 1M-customer
 * file stays well inside the memory budget.
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { MoneyParseError, parseMoneyToMinor } from "../domain/money";
import { InputError } from "./input-error";
import { parseIsoUtc } from "./parse-date";

export const TRANSACTION_COLUMNS = ["customer_id", "order_id", "processed_at", "amount"] as const;

class GrowableF64 {
  data = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
class GrowableI32 {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export interface Transactions {
  /** Customer ids in order of first appearance. */
  customerIds: string[];
  /** Per order (same-order rows merged): customer index, time, amount in minor units. */
  orderCount: number;
  orderCustomer: Int32Array;
  orderTimeMs: Float64Array;
  orderAmountMinor: Float64Array;
}

export async function readTransactions(file: string): Promise<Transactions> {
  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const orderIndex = new Map<string, number>();
  const orderCustomer = new GrowableI32();
  const orderTime = new GrowableF64();
  const orderAmount = new GrowableF64();
  let col: Record<(typeof TRANSACTION_COLUMNS)[number], number> | null = null;
  let failure: InputError | null = null;

  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Rows are consumed here, synchronously, with their line number; returning null keeps
    // csv-parse from queueing them downstream.
    on_record: (record: string[], context: { lines: number }) => {
      if (failure) return null;
      const line = context.lines;
      if (!col) {
        const header = record.map((h) => h.trim().toLowerCase());
        const found = {} as Record<(typeof TRANSACTION_COLUMNS)[number], number>;
        for (const name of TRANSACTION_COLUMNS) {
          const i = header.indexOf(name);
          if (i < 0) {
            failure = new InputError(file, line, header.length + 1, `missing column "${name}" (header must contain ${TRANSACTION_COLUMNS.join(",")})`);
            return null;
          }
          found[name] = i;
        }
        col = found;
        return null;
      }
      const c = col;
      const need = Math.max(c.customer_id, c.order_id, c.processed_at, c.amount);
      if (record.length <= need) {
        failure = new InputError(file, line, record.length + 1, `expected at least ${need + 1} columns, found ${record.length}`);
        return null;
      }
      const customerId = record[c.customer_id].trim();
      if (customerId === "") return null; // guest checkout: stored by the app, never scored
      const orderId = record[c.order_id].trim();
      if (orderId === "") {
        failure = new InputError(file, line, c.order_id + 1, "empty order_id");
        return null;
      }
      const dateText = record[c.processed_at].trim();
      const t = parseIsoUtc(dateText);
      if (Number.isNaN(t)) {
        failure = new InputError(file, line, c.processed_at + 1, `unparsable processed_at ${JSON.stringify(dateText)} (expected ISO date or date-time)`);
        return null;
      }
      let amount: number;
      try {
        amount = parseMoneyToMinor(record[c.amount]);
      } catch (e) {
        const why = e instanceof MoneyParseError ? e.message : String(e);
        failure = new InputError(file, line, c.amount + 1, `unparsable amount: ${why}`);
        return null;
      }
      const existing = orderIndex.get(orderId);
      if (existing !== undefined) {
        orderAmount.data[existing] += amount; // same order over several rows: one order, summed
        return null;
      }
      let ci = customerIndex.get(customerId);
      if (ci === undefined) {
        ci = customerIds.length;
        customerIndex.set(customerId, ci);
        customerIds.push(customerId);
      }
      orderIndex.set(orderId, orderCustomer.length);
      orderCustomer.push(ci);
      orderTime.push(t);
      orderAmount.push(amount);
      return null;
    },
  });

  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    input.on("error", (e) => reject(new InputError(file, 0, 0, `cannot read file: ${e.message}`)));
    parser.on("error", (e: Error & { lines?: number }) => reject(new InputError(file, e.lines ?? 0, 0, `CSV syntax error: ${e.message}`)));
    parser.on("data", () => {});
    parser.on("end", () => resolve());
    input.pipe(parser);
  });
  if (failure) throw failure;
  if (!col) throw new InputError(file, 1, 1, `empty file: missing header ${TRANSACTION_COLUMNS.join(",")}`);
  for (let i = 0; i < orderAmount.length; i++) {
    if (!Number.isSafeInteger(orderAmount.data[i])) throw new InputError(file, 0, 0, "an order total exceeds the exact money range");
  }
  return {
    customerIds,
    orderCount: orderCustomer.length,
    orderCustomer: orderCustomer.data.subarray(0, orderCustomer.length),
    orderTimeMs: orderTime.data.subarray(0, orderTime.length),
    orderAmountMinor: orderAmount.data.subarray(0, orderAmount.length),
  };
}
