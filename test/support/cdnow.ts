// Test-only: the CDNOW data vendored in test/fixtures/cdnow (see its README.md
// for source and terms), and a loader for its summary CSVs.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";

export const CDNOW_DIR = fileURLToPath(new URL("../fixtures/cdnow", import.meta.url));

export function loadCdnowSummary(name: string): { x: number[]; tx: number[]; T: number[]; zbar: number[] } {
  const [header, ...lines] = readFileSync(`${CDNOW_DIR}/${name}`, "utf8").trim().split(/\r?\n/);
  const cols = header.split(",");
  const rows = lines.map((l) => l.split(",").map(Number));
  const at = (...names: string[]) => cols.findIndex((c) => names.includes(c));
  const zi = at("zbar", "monetary_value");
  return {
    x: rows.map((r) => r[at("x", "frequency")]),
    tx: rows.map((r) => r[at("t_x", "recency")]),
    T: rows.map((r) => r[at("T")]),
    zbar: zi >= 0 ? rows.map((r) => r[zi]) : [],
  };
}
