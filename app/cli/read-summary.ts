/** Reader for a ready BTYD summary CSV: ID,x,t_x,T or ID,frequency,recency,T (+ zbar / monetary_value). */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { InputError } from "./input-error";
import { cellLine, crlfsIn } from "./csv-lines";

export interface SummaryData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean repeat-purchase value per customer, when the file has zbar or monetary_value. */
  spend: Float64Array | null;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export async function readSummary(file: string): Promise<SummaryData> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError(file, 0, 0, `cannot read file: ${(e as Error).message}`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (e) {
    throw new InputError(file, (e as { lines?: number }).lines ?? 0, 0, `CSV syntax error: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new InputError(file, 1, 1, "empty file: missing header");
  const header = rows[0].map((h) => h.trim());
  const find = (...names: string[]) => {
    for (const n of names) {
      const i = header.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const cx = find("x", "frequency");
  const ctx = find("t_x", "recency");
  const cT = find("T");
  const cSpend = find("zbar", "monetary_value");
  const missing = [cx < 0 && "x (or frequency)", ctx < 0 && "t_x (or recency)", cT < 0 && "T"].filter(Boolean);
  if (missing.length) throw new InputError(file, 1, header.length + 1, `missing column ${missing.join(", ")} (need ID,x,t_x,T or ID,frequency,recency,T)`);
  const n = rows.length - 1;
  const out: SummaryData = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    spend: cSpend >= 0 ? new Float64Array(n) : null,
  };
  // Line numbers: skip_empty_lines may shift them, so recover them with csv-parse's info.
  const infos = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { info: { lines: number } }[];
  // The line a cell starts on (a quoted line break makes a record span lines).
  const fail = (r: number, c: number, detail: string) => {
    const earlierCrlfs = rows.slice(0, r).reduce((n, row) => n + crlfsIn(row), 0);
    return new InputError(file, cellLine(rows[r], c + 1, infos[r].info.lines, earlierCrlfs), c + 1, detail);
  };
  const num = (r: number, c: number, name: string) => {
    const cell = (rows[r][c] ?? "").trim();
    if (!NUMBER_RE.test(cell)) throw fail(r, c, `unparsable number ${JSON.stringify(cell)} in column ${name}`);
    const v = Number(cell);
    if (!(v >= 0)) throw fail(r, c, `negative value ${cell} in column ${name}`);
    return v;
  };
  for (let i = 0; i < n; i++) {
    const r = i + 1;
    out.x[i] = num(r, cx, header[cx]);
    out.tx[i] = num(r, ctx, header[ctx]);
    out.T[i] = num(r, cT, "T");
    if (out.tx[i] > out.T[i]) throw fail(r, ctx, `${header[ctx]} ${out.tx[i]} is larger than T ${out.T[i]}`);
    if (out.spend) out.spend[i] = num(r, cSpend, header[cSpend]);
  }
  return out;
}
