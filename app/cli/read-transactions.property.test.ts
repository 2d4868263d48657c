// Property tests of the CLI's CSV readers (readTransactions, readSummary): generated files
// (columns in any order, header case and padding, extra columns, quoted cells with commas,
// quotes and line breaks, LF or CRLF, a BOM, blank lines, guest rows) read back to the
// generated rows; one corrupted cell is reported as FILE:LINE:COLUMN (InputError, exit code 2)
// at that cell and nowhere else. The oracle is the generator's own values (integer 1/100
// units, epoch milliseconds), never the reader's parsing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "./input-error";
import { readSummary } from "./read-summary";
import { orderIdAt, readTransactions } from "./read-transactions";

const orderIdsOf = (tx: Awaited<ReturnType<typeof readTransactions>>) => Array.from({ length: tx.orderCount }, (_, i) => orderIdAt(tx, i));

const RUNS = { numRuns: 120 };
const dir = mkdtempSync(join(tmpdir(), "csv-property-"));
let fileNo = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(text: string): string {
  const file = join(dir, `f${fileNo++}.csv`);
  writeFileSync(file, text);
  return file;
}

// ---- how a file is written
interface Layout {
  crlf: boolean;
  bom: boolean;
  quoteAll: boolean;
  /** Blank lines after the row at each index (cycled). */
  blanks: number[];
}
const layout: fc.Arbitrary<Layout> = fc.record({ crlf: fc.boolean(), bom: fc.boolean(), quoteAll: fc.boolean(), blanks: fc.array(fc.nat(2), { minLength: 1, maxLength: 5 }) });

const mustQuote = (cell: string) => /[",\r\n]/.test(cell);
const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;

/** The file's text, and the physical line (1-based) each record starts on (index 0: the header). */
function render(records: string[][], l: Layout): { text: string; lineOf: number[] } {
  const eol = l.crlf ? "\r\n" : "\n";
  let text = l.bom ? "\uFEFF" : "";
  let line = 1;
  const lineOf: number[] = [];
  records.forEach((record, i) => {
    lineOf.push(line);
    const cells = record.map((c) => (l.quoteAll || mustQuote(c) ? quote(c) : c));
    const row = cells.join(",");
    text += row + eol;
    line += 1 + (row.match(/\n/g)?.length ?? 0);
    const blank = l.blanks[i % l.blanks.length];
    text += eol.repeat(blank);
    line += blank;
  });
  return { text, lineOf };
}

// ---- the values
const minor = fc.integer({ min: -50_000_000, max: 50_000_000 });
/** A decimal text for an integer of 1/100 units, in the forms docs/cli.md allows. */
const decimalText = (m: number, form: number) => {
  const sign = m < 0 ? "-" : "";
  const abs = Math.abs(m);
  const whole = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, "0");
  switch (form) {
    case 0:
      return `${sign}${whole}.${cents}`;
    case 1:
      return `${sign}${whole}.${cents}0`; // a zero third decimal
    case 2:
      return cents === "00" ? `${sign}${whole}` : `${sign}${whole}.${cents}`;
    case 3:
      return whole === 0 ? `${sign}.${cents}` : ` ${sign}${whole}.${cents} `; // ".5"-style, or padded
    default:
      return cents.endsWith("0") ? `${sign}${whole}.${cents[0]}` : `${sign}${whole}.${cents}`;
  }
};
const money = fc.tuple(minor, fc.nat(4)).map(([m, form]) => ({ minor: m, text: decimalText(m, form) }));
const discount = fc.oneof(
  fc.constant({ minor: 0, text: "" }),
  fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.nat(4)).map(([m, form]) => ({ minor: m, text: decimalText(m, form) })),
);

const pad2 = (n: number) => String(n).padStart(2, "0");
/** A time in the forms docs/cli.md allows, with the instant it means. */
const when = fc
  .tuple(fc.integer({ min: Date.UTC(1997, 0, 1), max: Date.UTC(2030, 11, 31) }), fc.nat(4), fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => m - (m % 15)))
  .map(([ms, form, offsetMin]) => {
    const utc = new Date(ms);
    const day = utc.toISOString().slice(0, 10);
    switch (form) {
      case 0:
        return { ms: Date.UTC(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate()), text: day };
      case 1: {
        const s = Math.floor(ms / 1000) * 1000;
        return { ms: s, text: `${new Date(s).toISOString().slice(0, 19)}Z` };
      }
      case 2:
        return { ms, text: utc.toISOString() };
      case 3: {
        // Local wall time with its offset: the same instant.
        const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
        const sign = offsetMin < 0 ? "-" : "+";
        const off = Math.abs(offsetMin);
        return { ms, text: `${local}${sign}${pad2(Math.floor(off / 60))}:${pad2(off % 60)}` };
      }
      default: {
        // Space instead of T, minutes only, no zone: UTC.
        const m = Math.floor(ms / 60_000) * 60_000;
        return { ms: m, text: new Date(m).toISOString().slice(0, 16).replace("T", " ") };
      }
    }
  });

/** Free text for ids, types and extra columns: commas, quotes and line breaks included, trimmed. */
const text = (minLength: number) =>
  fc
    .string({ unit: fc.constantFrom("a", "b", "Z", "7", "-", "_", ",", '"', " ", "é", "\n", "x"), minLength, maxLength: 8 })
    .map((s) => s.trim())
    .filter((s) => s.length >= minLength);
const lineFreeText = (minLength: number) => text(minLength).map((s) => s.replace(/\n/g, "")).filter((s) => s.length >= minLength);

interface Row {
  customerId: string;
  orderId: string;
  at: { ms: number; text: string };
  amount: { minor: number; text: string };
  discount: { minor: number; text: string };
  type: string;
  extra: string;
}
const row: fc.Arbitrary<Row> = fc.record({
  // A few customer ids so rows share customers; "" is a guest row.
  customerId: fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 6, arbitrary: fc.constantFrom("c1", "c2", "7", "a,b", 'q"1', "C1") }),
  orderId: lineFreeText(1),
  at: when,
  amount: money,
  discount,
  type: fc.oneof(fc.constant(""), fc.constantFrom("Shoes", "Tea", "Bags"), text(0)),
  extra: text(0),
});

type Column = "customer_id" | "order_id" | "processed_at" | "amount" | "discount_amount" | "product_type" | "note";
const REQUIRED: Column[] = ["customer_id", "order_id", "processed_at", "amount"];
/** The columns of a file, in order: the required ones and any optional ones, shuffled. */
const columns = fc
  .tuple(fc.boolean(), fc.boolean(), fc.boolean())
  .chain(([d, t, n]) => fc.shuffledSubarray<Column>([...REQUIRED, ...(d ? ["discount_amount" as const] : []), ...(t ? ["product_type" as const] : []), ...(n ? ["note" as const] : [])], { minLength: REQUIRED.length + +d + +t + +n }));
const headerName = (c: Column, style: number) => (style === 0 ? c : style === 1 ? c.toUpperCase() : ` ${c.replace(/^./, (ch) => ch.toUpperCase())} `);

function cellOf(r: Row, c: Column): string {
  switch (c) {
    case "customer_id":
      return r.customerId;
    case "order_id":
      return r.orderId;
    case "processed_at":
      return r.at.text;
    case "amount":
      return r.amount.text;
    case "discount_amount":
      return r.discount.text;
    case "product_type":
      return r.type;
    case "note":
      return r.extra;
  }
}

const transactionsFile = fc.record({ columns, headerStyle: fc.nat(2), rows: fc.array(row, { maxLength: 25 }), layout });
type TransactionsFile = typeof transactionsFile extends fc.Arbitrary<infer T> ? T : never;

function renderTransactions(f: TransactionsFile, rows: Row[] = f.rows, cell: (r: Row, c: Column, i: number) => string = (r, c) => cellOf(r, c)) {
  return render([f.columns.map((c) => headerName(c, f.headerStyle)), ...rows.map((r, i) => f.columns.map((c) => cell(r, c, i)))], f.layout);
}

/** What the reader must return for these rows (docs/cli.md), computed from the generated values. */
function expectedTransactions(f: TransactionsFile) {
  const scored = f.rows.filter((r) => r.customerId !== "");
  const customerIds = [...new Set(scored.map((r) => r.customerId))];
  const typeNames = f.columns.includes("product_type") ? [...new Set(scored.map((r) => r.type).filter(Boolean))] : [];
  return {
    customerIds,
    orderIds: scored.map((r) => r.orderId),
    orderCustomer: scored.map((r) => customerIds.indexOf(r.customerId)),
    orderTimeMs: scored.map((r) => r.at.ms),
    orderAmountMinor: scored.map((r) => r.amount.minor),
    rowDiscounted: f.columns.includes("discount_amount") ? scored.map((r) => (r.discount.minor > 0 ? 1 : 0)) : null,
    rowTypeIndex: f.columns.includes("product_type") ? scored.map((r) => (r.type === "" ? -1 : typeNames.indexOf(r.type))) : null,
    typeNames,
  };
}

/** The line a cell starts on: its record's first line plus the line breaks in the cells before it. */
const lineOfCell = (recordLine: number, cellsBefore: string[]) => recordLine + cellsBefore.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

async function readError(read: () => Promise<unknown>): Promise<InputError> {
  try {
    await read();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError, the file was read");
}

/** Cells the reader must refuse, per column, with the start of its message. */
const CORRUPT: Partial<Record<Column, { cells: string[]; message: RegExp }>> = {
  order_id: { cells: ["", "  "], message: /^empty order_id/ },
  processed_at: { cells: ["2024-02-30", "2023-02-29", "2024-13-01", "yesterday", "2024-01-01T24:00:00Z", "01/02/2024", "2024-1-1", ""], message: /^unparsable processed_at/ },
  amount: { cells: ["1.234", "1e3", "abc", "", "1,50", "--1", "12.3.4", "."], message: /^unparsable amount/ },
  discount_amount: { cells: ["-0.01", "-5", "x", "1.001"], message: /^(unparsable|negative) discount_amount/ },
};

describe("readTransactions (property)", () => {
  it("reads any generated file back to its rows", async () => {
    await fc.assert(
      fc.asyncProperty(transactionsFile, async (f) => {
        const file = writeCsv(renderTransactions(f).text);
        const tx = await readTransactions(file);
        const want = expectedTransactions(f);
        expect({
          customerIds: tx.customerIds,
          orderIds: orderIdsOf(tx),
          orderCustomer: [...tx.orderCustomer],
          orderTimeMs: [...tx.orderTimeMs],
          orderAmountMinor: [...tx.orderAmountMinor],
          rowDiscounted: tx.rowDiscounted && [...tx.rowDiscounted],
          rowTypeIndex: tx.rowTypeIndex && [...tx.rowTypeIndex],
          typeNames: tx.typeNames,
        }).toEqual(want);
        expect(tx.orderCount).toBe(want.orderIds.length);
      }),
      RUNS,
    );
  });

  it("reports one corrupted cell at its file, line and column, and nothing else", async () => {
    const corrupted = transactionsFile
      .filter((f) => f.rows.some((r) => r.customerId !== ""))
      .chain((f) => {
        const scored = f.rows.flatMap((r, i) => (r.customerId !== "" ? [i] : []));
        const targets = f.columns.filter((c) => CORRUPT[c]);
        return fc
          .record({ at: fc.constantFrom(...scored), column: fc.constantFrom(...targets) })
          .chain(({ at, column }) => fc.constantFrom(...CORRUPT[column]!.cells).map((bad) => ({ f, at, column, bad })));
      });
    await fc.assert(
      fc.asyncProperty(corrupted, async ({ f, at, column, bad }) => {
        const { text, lineOf } = renderTransactions(f, f.rows, (r, c, i) => (i === at && c === column ? bad : cellOf(r, c)));
        const file = writeCsv(text);
        const error = await readError(() => readTransactions(file));
        const index = f.columns.indexOf(column);
        const line = lineOfCell(lineOf[at + 1], f.columns.slice(0, index).map((c) => cellOf(f.rows[at], c)));
        expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file, line, column: index + 1 });
        expect(error.detail).toMatch(CORRUPT[column]!.message);
        expect(error.message).toBe(`${file}:${line}:${index + 1}: ${error.detail}`);
      }),
      RUNS,
    );
  });

  it("counts a CR LF inside a quoted cell as one line (csv-parse counts two), for the record and the ones after it", async () => {
    const file = writeCsv('customer_id,product_type,order_id,processed_at,amount\n1,"Tea\r\nand cakes",o1,2024-01-01,1.00\n2,Tea,o2,2024-01-02,1.234\n');
    expect((await readError(() => readTransactions(file))).message).toBe(`${file}:4:5: unparsable amount: more than 2 decimal places: "1.234"`);
    const inCell = writeCsv('customer_id,product_type,order_id,processed_at,amount\n1,"Tea\r\nand cakes",o1,2024-13-01,1.00\n');
    expect((await readError(() => readTransactions(inCell))).line).toBe(3);
  });

  it("skips a guest row whatever its other cells hold", async () => {
    await fc.assert(
      fc.asyncProperty(transactionsFile, row, fc.nat(), async (f, anyRow, pick) => {
        const guest: Row = { ...anyRow, customerId: "" };
        const rows = [...f.rows];
        rows.splice(pick % (rows.length + 1), 0, guest);
        const file = writeCsv(renderTransactions(f, rows, (r, c) => (r === guest && c !== "customer_id" ? "not-a-value" : cellOf(r, c))).text);
        const tx = await readTransactions(file);
        expect(orderIdsOf(tx)).toEqual(expectedTransactions(f).orderIds);
      }),
      { numRuns: 40 },
    );
  });

  it("reports a header without a required column at line 1, past the last header cell", async () => {
    await fc.assert(
      fc.asyncProperty(transactionsFile, fc.constantFrom(...REQUIRED), async (f, missing) => {
        const kept = { ...f, columns: f.columns.filter((c) => c !== missing) };
        const { text, lineOf } = renderTransactions(kept);
        const error = await readError(() => readTransactions(writeCsv(text)));
        expect({ line: error.line, column: error.column }).toEqual({ line: lineOf[0], column: kept.columns.length + 1 });
        expect(error.detail).toContain(`missing column "${missing}"`);
      }),
      { numRuns: 40 },
    );
  });
});

// ---- readSummary: ID,x,t_x,T (or frequency,recency,T) with optional zbar / monetary_value
/** A number written in decimal with its exact double: k / 10^d is correctly rounded, as Number(text) is. */
const decimalNumber = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.nat(3)).map(([k, d]) => {
  const digits = String(k).padStart(d + 1, "0");
  return { value: k / 10 ** d, text: d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}` };
});
const summaryRow = fc.tuple(fc.nat(60), decimalNumber, decimalNumber, decimalNumber, fc.constantFrom("c1", "c,2", 'c"3', "c\n4", "c\r\n5")).map(([x, a, b, spend, id]) => {
  // t_x ≤ T: the larger is T.
  const [tx, T] = a.value <= b.value ? [a, b] : [b, a];
  return { id, x: { value: x, text: String(x) }, tx, T, spend };
});
type SummaryColumn = "ID" | "x" | "t_x" | "T" | "spend";
const summaryFile = fc.record({
  names: fc.boolean(), // x,t_x,zbar or frequency,recency,monetary_value
  spend: fc.boolean(),
  order: fc.shuffledSubarray<SummaryColumn>(["ID", "x", "t_x", "T", "spend"], { minLength: 5 }),
  rows: fc.array(summaryRow, { maxLength: 25 }),
  layout,
});
type SummaryFile = typeof summaryFile extends fc.Arbitrary<infer T> ? T : never;
const summaryColumns = (f: SummaryFile) => f.order.filter((c) => c !== "spend" || f.spend);
const summaryHeader = (f: SummaryFile, c: SummaryColumn) =>
  ({ ID: "ID", x: f.names ? "x" : "frequency", t_x: f.names ? "t_x" : "recency", T: "T", spend: f.names ? "zbar" : "monetary_value" })[c];
type SummaryRow = SummaryFile["rows"][number];
const summaryCell = (r: SummaryRow, c: SummaryColumn) => (c === "ID" ? r.id : c === "spend" ? r.spend.text : c === "t_x" ? r.tx.text : r[c].text);
function renderSummary(f: SummaryFile, cell: (r: SummaryRow, c: SummaryColumn, i: number) => string = summaryCell) {
  const cols = summaryColumns(f);
  return render([cols.map((c) => summaryHeader(f, c)), ...f.rows.map((r, i) => cols.map((c) => cell(r, c, i)))], f.layout);
}

describe("readSummary (property)", () => {
  it("reads any generated summary back to its numbers", async () => {
    await fc.assert(
      fc.asyncProperty(summaryFile, async (f) => {
        const s = await readSummary(writeCsv(renderSummary(f).text));
        expect([...s.x]).toEqual(f.rows.map((r) => r.x.value));
        expect([...s.tx]).toEqual(f.rows.map((r) => r.tx.value));
        expect([...s.T]).toEqual(f.rows.map((r) => r.T.value));
        expect(s.spend && [...s.spend]).toEqual(f.spend ? f.rows.map((r) => r.spend.value) : null);
      }),
      RUNS,
    );
  });

  it("reports one corrupted number at its file, line and column", async () => {
    const corrupted = summaryFile
      .filter((f) => f.rows.length > 0)
      .chain((f) =>
        fc.record({
          f: fc.constant(f),
          at: fc.nat(f.rows.length - 1),
          column: fc.constantFrom(...summaryColumns(f).filter((c) => c !== "ID")),
          bad: fc.constantFrom("", "abc", "-1", "1,5", "NaN", "Infinity", "0x10"),
        }),
      );
    await fc.assert(
      fc.asyncProperty(corrupted, async ({ f, at, column, bad }) => {
        const { text, lineOf } = renderSummary(f, (r, c, i) => (i === at && c === column ? bad : summaryCell(r, c)));
        const file = writeCsv(text);
        const error = await readError(() => readSummary(file));
        const index = summaryColumns(f).indexOf(column);
        const line = lineOfCell(lineOf[at + 1], summaryColumns(f).slice(0, index).map((c) => summaryCell(f.rows[at], c)));
        expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file, line, column: index + 1 });
        expect(error.detail).toMatch(bad === "-1" ? /^negative value/ : /^unparsable number/);
      }),
      RUNS,
    );
  });
});
