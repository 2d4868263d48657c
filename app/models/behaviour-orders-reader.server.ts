// A shop's counted orders read as columns: `COPY (select …) TO STDOUT (FORMAT binary)`
// parsed chunk by chunk straight into growing typed arrays. The row reader's pg
// result (one array, a Date and four strings per order) took about 400 bytes per
// order; this keeps 8 + 8 + 1 + 4 bytes per order and 12 per product-type entry,
// plus one id string per customer.
//
// Binary COPY (PostgreSQL docs, "Binary Format"): an 11-byte signature, int32 flags,
// int32 header-extension length and the extension; then per tuple an int16 field
// count (-1 ends the data) and per field an int32 byte length (-1: null) and the
// bytes, all big-endian. int8 as 8 bytes, timestamp as int8 microseconds since
// 2000-01-01, bool as 1 byte, text as its UTF-8 bytes (no escaping).
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { BehaviourOrders } from "../domain/behaviour-orders";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
/** Joins an order's product types in the copied rows (a control character no type name uses). */
const TYPE_SEPARATOR = 0x1f;
const COMMA = 0x2c;
const MINUS = 0x2d;
const FIELDS = 6;

class Growing<T extends Float64Array | Int32Array | Uint8Array> {
  array: T;
  length = 0;
  constructor(private readonly make: (n: number) => T, capacity: number) {
    this.array = make(capacity);
  }
  push(value: number): void {
    if (this.length === this.array.length) {
      const bigger = this.make(Math.ceil(this.array.length * 1.5) + 16);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }
  /** The filled part, copied so the spare capacity is freed. */
  done(): T {
    return this.array.slice(0, this.length) as T;
  }
  /** The filled part in a SharedArrayBuffer: threads given it read the same memory, nothing copied. */
  doneShared(): T {
    const array = this.array;
    const shared = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(this.length * array.BYTES_PER_ELEMENT));
    shared.set(array.subarray(0, this.length));
    return shared;
  }
}

/** An int8 at `at` as a double (exact below 2^53, which Shopify ids, minor amounts and microsecond times are). */
function int8(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

/** A decimal integer in bytes [start, end) (what array_to_string writes for bigint[]). */
function decimal(buf: Buffer, start: number, end: number): number {
  let negative = false;
  let i = start;
  if (buf[i] === MINUS) {
    negative = true;
    i++;
  }
  let value = 0;
  for (; i < end; i++) value = value * 10 + (buf[i] - 48);
  return negative ? -value : value;
}

/**
 * Parses the binary COPY of the columns (customer id int8, processed-at timestamp,
 * amount int8, discounted bool, types text joined by U+001F or null, spends text
 * joined by commas or null), rows already in scoring order.
 */
export class BehaviourOrdersParser {
  private pending: Buffer | null = null;
  private headerRead = false;
  private ended = false;
  private readonly timesMs: Growing<Float64Array>;
  private readonly amountsMinor: Growing<Float64Array>;
  private readonly discounted: Growing<Uint8Array>;
  private readonly typeOffsets: Growing<Int32Array>;
  private readonly typeIndex: Growing<Int32Array>;
  private readonly typeSpendMinor: Growing<Float64Array>;
  private readonly offsets: Growing<Int32Array>;
  private readonly customerIds: string[] = [];
  private readonly typeNames: string[] = [];
  private readonly typeIds = new Map<string, number>();
  /** The previous row's customer id (as a double; compared, never printed). */
  private previousCustomer = Number.NaN;
  private orders = 0;

  constructor(expectedOrders = 1024) {
    const n = Math.max(16, expectedOrders);
    this.timesMs = new Growing((k) => new Float64Array(k), n);
    this.amountsMinor = new Growing((k) => new Float64Array(k), n);
    this.discounted = new Growing((k) => new Uint8Array(k), n);
    this.typeOffsets = new Growing((k) => new Int32Array(k), n + 1);
    this.typeIndex = new Growing((k) => new Int32Array(k), n);
    this.typeSpendMinor = new Growing((k) => new Float64Array(k), n);
    this.offsets = new Growing((k) => new Int32Array(k), Math.ceil(n / 4));
  }

  /** Consumes a chunk of the COPY stream; a row cut by the chunk's end waits for the next. */
  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    if (!this.headerRead) {
      if (buf.length < 19) {
        this.pending = buf;
        return;
      }
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) {
        this.pending = buf;
        return;
      }
      at = 19 + extension;
      this.headerRead = true;
    }
    while (at + 2 <= buf.length) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        return;
      }
      if (fields !== FIELDS) throw new Error(`expected ${FIELDS} columns per row, got ${fields}`);
      // The row's extent first, so a row is taken whole or not at all.
      let end = at + 2;
      let complete = true;
      for (let f = 0; f < FIELDS; f++) {
        if (end + 4 > buf.length) {
          complete = false;
          break;
        }
        const length = buf.readInt32BE(end);
        end += 4 + (length > 0 ? length : 0);
      }
      if (!complete || end > buf.length) break;
      this.row(buf, at + 2);
      at = end;
    }
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
  }

  private row(buf: Buffer, at: number): void {
    // customer id
    const customer = int8(buf, at + 4);
    at += 12;
    if (customer !== this.previousCustomer) {
      this.customerIds.push(customer <= Number.MAX_SAFE_INTEGER ? String(customer) : buf.readBigInt64BE(at - 8).toString());
      this.offsets.push(this.orders);
      this.previousCustomer = customer;
    }
    // processed at (microseconds since 2000-01-01; the column keeps milliseconds)
    this.timesMs.push(Math.round(int8(buf, at + 4) / 1000) + PG_EPOCH_MS);
    at += 12;
    this.amountsMinor.push(int8(buf, at + 4));
    at += 12;
    this.discounted.push(buf[at + 4] === 1 ? 1 : 0);
    at += 5;
    const typesLength = buf.readInt32BE(at);
    const typesStart = at + 4;
    at = typesStart + Math.max(0, typesLength);
    const spendsLength = buf.readInt32BE(at);
    const spendsStart = at + 4;
    this.typeOffsets.push(this.typeIndex.length);
    if (typesLength >= 0 && spendsLength >= 0) this.types(buf, typesStart, typesStart + typesLength, spendsStart, spendsStart + spendsLength);
    this.orders++;
  }

  /** One order's types and spends; a count mismatch leaves the order untyped (as the row reader). */
  private types(buf: Buffer, typesStart: number, typesEnd: number, spendsStart: number, spendsEnd: number): void {
    let typeCount = typesEnd > typesStart ? 1 : 0;
    for (let i = typesStart; i < typesEnd; i++) if (buf[i] === TYPE_SEPARATOR) typeCount++;
    let spendCount = spendsEnd > spendsStart ? 1 : 0;
    for (let i = spendsStart; i < spendsEnd; i++) if (buf[i] === COMMA) spendCount++;
    if (typeCount !== spendCount || typeCount === 0) return;
    let t = typesStart;
    let s = spendsStart;
    for (let k = 0; k < typeCount; k++) {
      let tEnd = t;
      while (tEnd < typesEnd && buf[tEnd] !== TYPE_SEPARATOR) tEnd++;
      let sEnd = s;
      while (sEnd < spendsEnd && buf[sEnd] !== COMMA) sEnd++;
      const name = buf.toString("utf8", t, tEnd);
      let id = this.typeIds.get(name);
      if (id === undefined) {
        id = this.typeNames.length;
        this.typeIds.set(name, id);
        this.typeNames.push(name);
      }
      this.typeIndex.push(id);
      this.typeSpendMinor.push(decimal(buf, s, sEnd));
      t = tEnd + 1;
      s = sEnd + 1;
    }
  }

  result(): BehaviourOrders & { customerIds: string[] } {
    if (!this.ended || this.pending) throw new Error("binary COPY stream ended early");
    this.offsets.push(this.orders);
    this.typeOffsets.push(this.typeIndex.length);
    // The scoring columns (GroupedOrders) in shared memory: a big shop's fit thread and its
    // churn champion's thread read them at once (app/jobs/shop-models.ts).
    return {
      customerIds: this.customerIds,
      offsets: this.offsets.doneShared(),
      timesMs: this.timesMs.doneShared(),
      amountsMinor: this.amountsMinor.doneShared(),
      discounted: this.discounted.done(),
      typeOffsets: this.typeOffsets.done(),
      typeIndex: this.typeIndex.done(),
      typeSpendMinor: this.typeSpendMinor.done(),
      typeNames: this.typeNames,
    };
  }
}

/** Runs `copy (<select>) to stdout (format binary)` on the client and parses it. */
export async function copyBehaviourOrders(db: pg.PoolClient, select: string, expectedOrders?: number): Promise<BehaviourOrders & { customerIds: string[] }> {
  const parser = new BehaviourOrdersParser(expectedOrders);
  const stream = db.query(copyTo(`copy (${select}) to stdout (format binary)`));
  for await (const chunk of stream as AsyncIterable<Buffer>) parser.push(chunk);
  return parser.result();
}
