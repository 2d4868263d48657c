// The byte fast path of readTransactions (rowBytes) against hand-computed rows: lines it takes
// and lines it leaves to the decoded path, mixed in one file, read the same way.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { orderIdAt, readTransactions } from "./read-transactions";

const orderIdsOf = (tx: Awaited<ReturnType<typeof readTransactions>>) => Array.from({ length: tx.orderCount }, (_, i) => orderIdAt(tx, i));

const dir = mkdtempSync(join(tmpdir(), "read-transactions-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("readTransactions: byte fast path and decoded path agree", () => {
  it("reads plain rows, padded cells, other amount and date forms, non-ASCII ids, CRLF and blank lines", async () => {
    const csv = [
      "\ufeffamount,customer_id,processed_at,order_id,discount_amount,product_type",
      "12.30,a,2026-01-05T10:00:00Z,o1,,Tea", // fast
      "-3,a,2026-01-05,o2,0.50,", // fast: negative whole amount, date only
      " 7.5 , a ,2026-02-01T00:00:00Z, o3 ,0, Tea ", // padded cells: decoded path, trimmed
      "+5.00,b,2026-03-01T12:30:00+02:00,o4,,Cups", // '+' and an offset: decoded path
      ".5,b,2026-03-02 08:00,o5,1,Cups", // '.5' and a space separator: decoded path
      "5.,ü,2026-03-03T00:00:00Z,o6,,Tea", // '5.' and a non-ASCII id: decoded path
      "1.230,a,2026-03-04T00:00:00Z,o7,,", // a third decimal that is zero: decoded path
      "",
      "2,,2026-03-05,o8,-1,guest", // guest row: skipped, not validated
      "0.01,b,2026-03-06T23:59:59Z,o9,0.00,Tea\r", // CRLF, fast
      "-0.00,a,2026-03-07,o10,,", // fast: −0 is 0
    ].join("\n");
    const tx = await readTransactions(file("mixed.csv", `${csv}\n`));
    expect(tx.customerIds).toEqual(["a", "b", "ü"]);
    expect(orderIdsOf(tx)).toEqual(["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o9", "o10"]);
    expect(Array.from(tx.orderCustomer)).toEqual([0, 0, 0, 1, 1, 2, 0, 1, 0]);
    expect(Array.from(tx.orderTimeMs)).toEqual([
      Date.UTC(2026, 0, 5, 10),
      Date.UTC(2026, 0, 5),
      Date.UTC(2026, 1, 1),
      Date.UTC(2026, 2, 1, 10, 30),
      Date.UTC(2026, 2, 2, 8),
      Date.UTC(2026, 2, 3),
      Date.UTC(2026, 2, 4),
      Date.UTC(2026, 2, 6, 23, 59, 59),
      Date.UTC(2026, 2, 7),
    ]);
    expect(Array.from(tx.orderAmountMinor)).toEqual([1230, -300, 750, 500, 50, 500, 123, 1, 0]);
    expect(Object.is(tx.orderAmountMinor[8], 0)).toBe(true);
    expect(Array.from(tx.rowDiscounted!)).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect(tx.typeNames).toEqual(["Tea", "Cups"]);
    expect(Array.from(tx.rowTypeIndex!)).toEqual([0, -1, 0, 1, 1, 0, -1, 0, -1]);
  });

  it("reads a last line without a newline, and customers that come back after others", async () => {
    const tx = await readTransactions(file("last.csv", "customer_id,order_id,processed_at,amount\nx,1,2026-01-01,1.00\ny,2,2026-01-02,2.00\nx,3,2026-01-03,3.00"));
    expect(tx.customerIds).toEqual(["x", "y"]);
    expect(Array.from(tx.orderCustomer)).toEqual([0, 1, 0]);
    expect(Array.from(tx.orderAmountMinor)).toEqual([100, 200, 300]);
  });

  it("reports a bad cell the fast path leaves alone at its line and column", async () => {
    const bad = file("bad.csv", "customer_id,order_id,processed_at,amount\nx,1,2026-01-01,1.00\nx,2,2026-02-30,2.00\n");
    await expect(readTransactions(bad)).rejects.toThrow(`${bad}:3:3: unparsable processed_at "2026-02-30"`);
    const negative = file("neg.csv", "customer_id,order_id,processed_at,amount,discount_amount\nx,1,2026-01-01,1.00,-0.10\n");
    await expect(readTransactions(negative)).rejects.toThrow(`${negative}:2:5: negative discount_amount "-0.10"`);
    const short = file("short.csv", "customer_id,order_id,processed_at,amount\nx,1,2026-01-01\n");
    await expect(readTransactions(short)).rejects.toThrow(`${short}:2:4: expected at least 4 columns, found 3`);
  });
});
