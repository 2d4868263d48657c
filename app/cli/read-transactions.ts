/**
 * Streaming reader for the transactions CSV (docs/cli.md):
 * header customer_id,order_id,processed_at,amount (extra columns ignored), optional
 * discount_amount and product_type, rows of one order summed. Rows go straight into typed
 * arrays (no object per row) so a 1M-customer file stays well inside the memory budget; the
 * optional columns cost nothing when the header does not have them.
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { MoneyParseError, parseMoneyToMinor } from "../domain/money";
import { cellLine, crlfsIn } from "./csv-lines";
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
class GrowableU8 {
  data = new Uint8Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
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

/** Bytes appended in runs (the order ids, one after another). */
class BytePool {
  data = Buffer.allocUnsafe(1 << 20);
  length = 0;
  private reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + n));
    this.data.copy(next, 0, 0, this.length);
    this.data = next;
  }
  /** Appends buf[s, e). */
  append(buf: Uint8Array, s: number, e: number): void {
    this.reserve(e - s);
    const d = this.data;
    let o = this.length;
    for (let k = s; k < e; k++) d[o++] = buf[k];
    this.length = o;
  }
}

export interface Transactions {
  /** Customer ids in order of first appearance. */
  customerIds: string[];
  /**
   * Per row: customer index, order id, time, amount in minor units. Rows of one order are
   * merged later, per customer (an order belongs to one customer), which avoids a global
   * Map over millions of order ids.
   */
  orderCount: number;
  /**
   * Row i's order id is orderIdBytes[orderIdEnd[i - 1] (0 for i = 0), orderIdEnd[i]), UTF-8
   * (orderIdAt): bytes in one buffer rather than millions of strings for the garbage collector
   * to trace and copy; ids are only compared, within a customer.
   */
  orderIdBytes: Buffer;
  orderIdEnd: Int32Array;
  orderCustomer: Int32Array;
  orderTimeMs: Float64Array;
  orderAmountMinor: Float64Array;
  /** Per row: 1 when its discount_amount is above 0; null without that column. */
  rowDiscounted: Uint8Array | null;
  /** Per row: index into typeNames, -1 for an empty product_type; null without that column. */
  rowTypeIndex: Int32Array | null;
  /** Distinct non-empty product types, in order of first appearance. */
  typeNames: string[];
}

/** Row sink: validates one CSV record and folds it into the typed arrays. */
function makeAccumulator(file: string) {
  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const orderIdBytes = new BytePool();
  const orderIdEnd = new GrowableI32();
  let lastCustomerId = "";
  let lastCustomerIndex = -1;
  const orderCustomer = new GrowableI32();
  const orderTime = new GrowableF64();
  const orderAmount = new GrowableF64();
  let col: Record<(typeof TRANSACTION_COLUMNS)[number], number> | null = null;
  let need = 0; // highest column index a data row must have
  let discountCol = -1;
  let typeCol = -1;
  let rowDiscounted: GrowableU8 | null = null;
  let rowType: GrowableI32 | null = null;
  const typeIndex = new Map<string, number>();
  const typeNames: string[] = [];

  /** Throws InputError on bad input. */
  function row(record: string[], line: number): void {
    if (!col) {
      const header = record.map((h) => h.trim().toLowerCase());
      const found = {} as Record<(typeof TRANSACTION_COLUMNS)[number], number>;
      for (const name of TRANSACTION_COLUMNS) {
        const i = header.indexOf(name);
        if (i < 0) throw new InputError(file, line, header.length + 1, `missing column "${name}" (header must contain ${TRANSACTION_COLUMNS.join(",")})`);
        found[name] = i;
      }
      col = found;
      need = Math.max(found.customer_id, found.order_id, found.processed_at, found.amount);
      // Optional columns for the behavioural traits (docs/cli.md).
      discountCol = header.indexOf("discount_amount");
      typeCol = header.indexOf("product_type");
      if (discountCol >= 0) rowDiscounted = new GrowableU8();
      if (typeCol >= 0) rowType = new GrowableI32();
      need = Math.max(need, discountCol, typeCol);
      return;
    }
    const c = col;
    if (record.length <= need) throw new InputError(file, line, record.length + 1, `expected at least ${need + 1} columns, found ${record.length}`);
    const customerId = record[c.customer_id].trim();
    if (customerId === "") return; // guest checkout: stored by the app, never scored
    const orderId = record[c.order_id].trim();
    if (orderId === "") throw new InputError(file, line, c.order_id + 1, "empty order_id");
    const dateText = record[c.processed_at].trim();
    const t = parseIsoUtc(dateText);
    if (Number.isNaN(t)) {
      throw new InputError(file, line, c.processed_at + 1, `unparsable processed_at ${JSON.stringify(dateText)} (expected ISO date or date-time)`);
    }
    let amount: number;
    try {
      amount = parseMoneyToMinor(record[c.amount]);
    } catch (e) {
      const why = e instanceof MoneyParseError ? e.message : String(e);
      throw new InputError(file, line, c.amount + 1, `unparsable amount: ${why}`);
    }
    let discountedFlag = 0;
    if (discountCol >= 0) {
      const text = record[discountCol];
      if (text.trim() !== "") {
        let discount: number;
        try {
          discount = parseMoneyToMinor(text);
        } catch (e) {
          const why = e instanceof MoneyParseError ? e.message : String(e);
          throw new InputError(file, line, discountCol + 1, `unparsable discount_amount: ${why}`);
        }
        if (discount < 0) throw new InputError(file, line, discountCol + 1, `negative discount_amount ${JSON.stringify(text.trim())} (must be at least 0)`);
        if (discount > 0) discountedFlag = 1;
      }
    }
    let type = -1;
    if (typeCol >= 0) {
      const name = record[typeCol].trim();
      if (name !== "") {
        const known = typeIndex.get(name);
        if (known === undefined) {
          type = typeNames.length;
          typeIndex.set(name, type);
          typeNames.push(name);
        } else type = known;
      }
    }
    // Exports are usually grouped by customer: skip the Map lookup for consecutive rows.
    let ci = customerId === lastCustomerId ? lastCustomerIndex : customerIndex.get(customerId);
    if (ci === undefined) {
      ci = customerIds.length;
      customerIndex.set(customerId, ci);
      customerIds.push(customerId);
    }
    lastCustomerId = customerId;
    lastCustomerIndex = ci;
    const idBytes = Buffer.from(orderId, "utf8");
    orderIdBytes.append(idBytes, 0, idBytes.length);
    orderIdEnd.push(orderIdBytes.length);
    orderCustomer.push(ci);
    orderTime.push(t);
    orderAmount.push(amount);
    if (rowDiscounted) rowDiscounted.push(discountedFlag);
    if (rowType) rowType.push(type);
  }

  // Byte fast path (readPlain): field boundaries of the current line, and the last customer's
  // id bytes, so consecutive rows of one customer make no string at all.
  const fieldStart = new Int32Array(64);
  const fieldEnd = new Int32Array(64);
  let lastIdBytes = Buffer.alloc(64);
  let lastIdLength = -1; // -1: lastCustomerId did not come from the fast path
  const ascii = (buf: Buffer, s: number, e: number) => {
    for (let k = s; k < e; k++) if (buf[k] >= 0x80) return false;
    return true;
  };
  /** A field the slow path would take as it is: printable ASCII at both ends (nothing to trim). */
  const bare = (buf: Buffer, s: number, e: number) => s < e && buf[s] > 0x20 && buf[e - 1] > 0x20 && ascii(buf, s, e);
  /** buf[s, s + n) equals id[0, n) (a loop: ids are short, a native compare call costs more). */
  const sameBytes = (buf: Buffer, s: number, id: Buffer, n: number) => {
    for (let k = 0; k < n; k++) if (buf[s + k] !== id[k]) return false;
    return true;
  };

  /**
   * The same row as row(buf.toString(start, end).split(","), line) for the common case (ASCII
   * cells with nothing to trim, dates YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, plain amounts with at
   * most 2 decimals): parsed from the bytes with no per-row strings but the order id. Returns
   * false, having changed nothing, for any line it does not handle; the caller then takes the
   * slow path, which also reports every error.
   */
  function rowBytes(buf: Buffer, start: number, end: number): boolean {
    const c = col;
    if (!c) return false;
    // Fields up to the last one read (later ones are ignored, as by the slow path), and whether
    // any of their bytes is not ASCII (then the slow path decodes the line).
    let nf = 0;
    let s = start;
    let high = 0;
    let k = start;
    for (; k < end; k++) {
      const b = buf[k];
      high |= b;
      if (b === 0x2c) {
        if (nf >= 63) return false;
        fieldStart[nf] = s;
        fieldEnd[nf++] = k;
        s = k + 1;
        if (nf > need) break;
      }
    }
    if (k === end) {
      fieldStart[nf] = s;
      fieldEnd[nf++] = end;
    }
    if (nf <= need || high >= 0x80) return false;
    const cs = fieldStart[c.customer_id];
    const ce = fieldEnd[c.customer_id];
    if (cs === ce) return false; // guest rows (and cells of spaces) the slow path skips
    if (!(buf[cs] > 0x20 && buf[ce - 1] > 0x20)) return false; // nothing to trim
    const os = fieldStart[c.order_id];
    const oe = fieldEnd[c.order_id];
    if (!(os < oe && buf[os] > 0x20 && buf[oe - 1] > 0x20)) return false;
    const t = parseDateBytes(buf, fieldStart[c.processed_at], fieldEnd[c.processed_at]);
    if (t !== t) return false;
    const amount = parseAmountBytes(buf, fieldStart[c.amount], fieldEnd[c.amount]);
    if (amount !== amount) return false;
    let discountedFlag = 0;
    if (discountCol >= 0 && fieldStart[discountCol] < fieldEnd[discountCol]) {
      const discount = parseAmountBytes(buf, fieldStart[discountCol], fieldEnd[discountCol]);
      if (!(discount >= 0)) return false; // NaN or negative: the slow path's error
      if (discount > 0) discountedFlag = 1;
    }
    let type = -1;
    if (typeCol >= 0 && fieldStart[typeCol] < fieldEnd[typeCol]) {
      const ts = fieldStart[typeCol];
      const te = fieldEnd[typeCol];
      if (!bare(buf, ts, te)) return false;
      const name = buf.toString("latin1", ts, te);
      const known = typeIndex.get(name);
      if (known === undefined) {
        type = typeNames.length;
        typeIndex.set(name, type);
        typeNames.push(name);
      } else type = known;
    }
    let ci: number;
    const idLength = ce - cs;
    if (idLength === lastIdLength && sameBytes(buf, cs, lastIdBytes, idLength)) ci = lastCustomerIndex;
    else {
      const customerId = buf.toString("latin1", cs, ce);
      let known = customerId === lastCustomerId ? lastCustomerIndex : customerIndex.get(customerId);
      if (known === undefined) {
        known = customerIds.length;
        customerIndex.set(customerId, known);
        customerIds.push(customerId);
      }
      ci = known;
      lastCustomerId = customerId;
      lastCustomerIndex = ci;
      if (idLength > lastIdBytes.length) lastIdBytes = Buffer.alloc(2 * idLength);
      buf.copy(lastIdBytes, 0, cs, ce);
      lastIdLength = idLength;
    }
    orderIdBytes.append(buf, os, oe); // ASCII: the same bytes as the slow path's UTF-8
    orderIdEnd.push(orderIdBytes.length);
    orderCustomer.push(ci);
    orderTime.push(t);
    orderAmount.push(amount);
    if (rowDiscounted) rowDiscounted.push(discountedFlag);
    if (rowType) rowType.push(type);
    return true;
  }

  /** The slow path: a row from its decoded cells (which also forgets the fast path's last id). */
  function slowRow(record: string[], line: number): void {
    lastIdLength = -1;
    row(record, line);
  }

  function finish(): Transactions {
    if (!col) throw new InputError(file, 1, 1, `empty file: missing header ${TRANSACTION_COLUMNS.join(",")}`);
    return {
      customerIds,
      orderCount: orderCustomer.length,
      orderIdBytes: orderIdBytes.data.subarray(0, orderIdBytes.length),
      orderIdEnd: orderIdEnd.data.subarray(0, orderIdEnd.length),
      orderCustomer: orderCustomer.data.subarray(0, orderCustomer.length),
      orderTimeMs: orderTime.data.subarray(0, orderTime.length),
      orderAmountMinor: orderAmount.data.subarray(0, orderAmount.length),
      rowDiscounted: rowDiscounted ? rowDiscounted.data.subarray(0, rowDiscounted.length) : null,
      rowTypeIndex: rowType ? rowType.data.subarray(0, rowType.length) : null,
      typeNames,
    };
  }
  return { row: slowRow, rowBytes, finish };
}

/** Row i's order id. */
export function orderIdAt(tx: Pick<Transactions, "orderIdBytes" | "orderIdEnd">, i: number): string {
  return tx.orderIdBytes.toString("utf8", i === 0 ? 0 : tx.orderIdEnd[i - 1], tx.orderIdEnd[i]);
}

class QuotedCsv extends Error {}

/**
 * Fast path for plain CSV (no quote characters anywhere): lines and commas found in the bytes.
 * csv-parse costs ~5 µs a row, a third of the 1M-customer time budget; exported files from
 * the app never quote. Common rows are parsed straight from the bytes (rowBytes); any other
 * line is decoded and split like before (row), which reports every error. The first quote seen
 * aborts this path and the file is re-read with csv-parse, which handles RFC 4180 quoting.
 */
async function readPlain(file: string): Promise<Transactions> {
  const acc = makeAccumulator(file);
  let carry: Buffer | null = null;
  let line = 0;
  /** A line (CR already dropped) decoded and split; the last line of a file without a final newline is never skipped. */
  const slow = (buf: Buffer, start: number, end: number, last = false) => {
    let l = buf.toString("utf8", start, end);
    if (!last && line === 1 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
    if (!last && l === "") return;
    acc.row(l.split(","), line);
  };
  /** Every complete line of buf; returns where the incomplete rest starts. */
  const consume = (buf: Buffer): number => {
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) return pos;
      line++;
      const end = nl > pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (!(end > pos && line > 1 && acc.rowBytes(buf, pos, end))) slow(buf, pos, end);
      pos = nl + 1;
    }
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const bytes = chunk as Buffer;
      if (bytes.indexOf(0x22) >= 0) throw new QuotedCsv();
      const buf: Buffer = carry ? Buffer.concat([carry, bytes]) : bytes;
      const rest = consume(buf);
      carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof QuotedCsv) throw e;
    throw new InputError(file, 0, 0, `cannot read file: ${(e as Error).message}`);
  }
  if (carry) {
    line++;
    const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length;
    if (!(end > 0 && line > 1 && acc.rowBytes(carry, 0, end))) slow(carry, 0, end, true);
  }
  return acc.finish();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digitAt = (buf: Buffer, i: number) => {
  const d = buf[i] - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};

/**
 * parseIsoUtc's value for a cell that is exactly YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (the same
 * arithmetic as its fast path); NaN for anything else, which the slow path then parses or rejects.
 */
function parseDateBytes(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  if ((len !== 10 && len !== 20) || buf[s + 4] !== 45 || buf[s + 7] !== 45) return Number.NaN;
  const year = digitAt(buf, s) * 1000 + digitAt(buf, s + 1) * 100 + digitAt(buf, s + 2) * 10 + digitAt(buf, s + 3);
  const month = digitAt(buf, s + 5) * 10 + digitAt(buf, s + 6);
  const day = digitAt(buf, s + 8) * 10 + digitAt(buf, s + 9);
  if (!(month >= 1 && month <= 12 && day >= 1)) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (!(day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]))) return Number.NaN;
  if (len === 10) return Date.UTC(year, month - 1, day);
  if (buf[s + 10] !== 84 || buf[s + 13] !== 58 || buf[s + 16] !== 58 || buf[s + 19] !== 90) return Number.NaN;
  const hour = digitAt(buf, s + 11) * 10 + digitAt(buf, s + 12);
  const minute = digitAt(buf, s + 14) * 10 + digitAt(buf, s + 15);
  const second = digitAt(buf, s + 17) * 10 + digitAt(buf, s + 18);
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * parseMoneyToMinor's value for a cell -?D+ or -?D+.D or -?D+.DD (at most 15 digits, so the
 * integer is exact); NaN for anything else (signs +, ".5", "5.", more decimals, spaces),
 * which the slow path then parses or rejects.
 */
function parseAmountBytes(buf: Buffer, s: number, e: number): number {
  let k = s;
  const negative = buf[k] === 45;
  if (negative) k++;
  let value = 0;
  let digits = 0;
  while (k < e && buf[k] >= 48 && buf[k] <= 57) {
    value = value * 10 + (buf[k++] - 48);
    digits++;
  }
  if (digits === 0) return Number.NaN;
  let decimals = 0;
  if (k < e) {
    if (buf[k] !== 46) return Number.NaN;
    k++;
    while (k < e && buf[k] >= 48 && buf[k] <= 57) {
      value = value * 10 + (buf[k++] - 48);
      decimals++;
    }
    if (k < e || decimals === 0 || decimals > 2) return Number.NaN;
  }
  if (digits + decimals > 15) return Number.NaN;
  for (; decimals < 2; decimals++) value *= 10;
  return value === 0 ? 0 : negative ? -value : value;
}

/** General path: csv-parse, streaming. */
async function readWithCsvParse(file: string): Promise<Transactions> {
  const acc = makeAccumulator(file);
  let failure: InputError | null = null as InputError | null;
  let earlierCrlfs = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Rows are consumed here, synchronously, with their line number; returning null keeps
    // csv-parse from queueing them downstream.
    on_record: (record: string[], context: { lines: number }) => {
      if (failure) return null;
      try {
        acc.row(record, context.lines);
      } catch (e) {
        // The line the bad cell starts on, not csv-parse's count at the record's end.
        if (e instanceof InputError) failure = new InputError(e.file, cellLine(record, e.column, context.lines, earlierCrlfs), e.column, e.detail);
        else throw e;
      }
      earlierCrlfs += crlfsIn(record);
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
  return acc.finish();
}

export async function readTransactions(file: string): Promise<Transactions> {
  try {
    return await readPlain(file);
  } catch (e) {
    if (e instanceof QuotedCsv) return readWithCsvParse(file);
    throw e;
  }
}
