// PostgreSQL COPY for the bulk import: rows in COPY's text format streamed into
// a session's temporary staging table (not WAL-logged, emptied at commit), from
// which one set-based statement merges them.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** A value in COPY's text format: \N for null, backslash escapes for the separators. */
export function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : value;
}

/** A text[] or bigint[] value as a PostgreSQL array literal, in COPY's text format. */
export function copyArray(items: readonly (string | bigint)[]): string {
  if (items.length === 0) return "{}";
  const literal = `{${items.map((i) => (typeof i === "bigint" ? i.toString() : `"${i.replace(/["\\]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
  return copyText(literal);
}

const stagesOf = new WeakMap<pg.PoolClient, Set<string>>();

/** Creates a transaction-scoped staging table on this connection (once per connection). */
export async function ensureStage(db: pg.PoolClient, name: string, columns: string): Promise<void> {
  let stages = stagesOf.get(db);
  if (!stages) stagesOf.set(db, (stages = new Set()));
  if (stages.has(name)) return;
  await db.query(`create temporary table if not exists ${name} (${columns}) on commit delete rows`);
  stages.add(name);
}

/** COPY text lines in chunks of about a megabyte: one COPY data message each, without one huge string. */
function* copyTextChunks(lines: Iterable<string>): Generator<string> {
  let chunk: string[] = [];
  let size = 0;
  for (const line of lines) {
    chunk.push(line, "\n");
    size += line.length + 1;
    if (size >= 1 << 20) {
      yield chunk.join("");
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) yield chunk.join("");
}

/** Streams rows (already COPY-formatted, tab-separated columns) into a table; returns the rows copied. */
export async function copyRows(db: pg.PoolClient, table: string, rows: readonly string[]): Promise<number> {
  if (rows.length === 0) return 0;
  const stream = db.query(copyFrom(`copy ${table} from stdin`));
  await pipeline(Readable.from(copyTextChunks(rows)), stream);
  return stream.rowCount;
}
