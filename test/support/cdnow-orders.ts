// Test-only: the full CDNOW master file (test/fixtures/cdnow/CDNOW_master.txt, 23,570
// customers, 1997-01-01..1998-06-30) as GroupedOrders: one customer per id, orders sorted by
// time, each row an order at 00:00Z of its date with its dollar value in 1/100 units.
import { readFileSync } from "node:fs";
import { parseMoneyToMinor } from "../../app/domain/money";
import type { GroupedOrders } from "../../app/domain/population-facts";
import { CDNOW_DIR } from "./cdnow";

let cached: GroupedOrders | null = null;

export function loadCdnowOrders(): GroupedOrders {
  if (cached) return cached;
  const rows: { id: number; t: number; minor: number }[] = [];
  for (const raw of readFileSync(`${CDNOW_DIR}/CDNOW_master.txt`, "utf8").split(/\r?\n/)) {
    const cells = raw.trim().split(/\s+/);
    if (cells.length !== 4 || !/^\d+$/.test(cells[0])) continue; // header, blank lines
    const d = cells[1];
    rows.push({ id: Number(cells[0]), t: Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))), minor: parseMoneyToMinor(cells[3]) });
  }
  rows.sort((a, b) => a.id - b.id || a.t - b.t);
  const offsets = [0];
  const timesMs = new Float64Array(rows.length);
  const amountsMinor = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    if (i > 0 && r.id !== rows[i - 1].id) offsets.push(i);
    timesMs[i] = r.t;
    amountsMinor[i] = r.minor;
  });
  offsets.push(rows.length);
  cached = { offsets: Int32Array.from(offsets), timesMs, amountsMinor };
  return cached;
}
