import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CDNOW_DIR as CDNOW } from "../../test/support/cdnow";

const ROOT = join(__dirname, "..", "..");
const NODE = join(ROOT, "node_modules", ".bin", "node");

/** Runs the real CLI with the project's Node 22 (node_modules/.bin/tsx would pick the system node). */
function cli(...args: string[]) {
  const r = spawnSync(NODE, ["--import", "tsx", join(ROOT, "app/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "cli-test-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const GOOD = `customer_id,order_id,processed_at,amount,note
a,1,2026-01-05T10:00:00Z,10.00,x
a,1,2026-01-05T10:00:00Z,2.50,second row of order 1
a,2,2026-03-01,5.10,
b,3,2026-11-01T23:59:59Z,100,
c,4,2026-12-01,7.00,after as-of
,5,2026-02-01,3.00,guest
`;

describe("cli score", () => {
  it("writes one JSON object per scored customer with the contract's keys", () => {
    const r = cli("score", "--input", file("good.csv", GOOD), "--as-of", "2026-11-22");
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((o) => o.customerId)).toEqual(["a", "b"]);
    const keys = ["customerId", "frequency", "recencyDays", "monetary", "r", "f", "m", "segment", "x", "tx", "T", "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", "model"];
    for (const o of rows) expect(Object.keys(o)).toEqual(keys);
    const a = rows[0];
    expect(a.frequency).toBe(2); // order 1's two rows are one order
    expect(a.monetary).toBe(17.6); // 10.00 + 2.50 + 5.10, exact
    expect([a.x, a.tx, a.T]).toEqual([1, 55, 321]);
    expect(a.recencyDays).toBe(266);
    expect(a.model).toBe("heuristic");
    expect(rows[1]).toMatchObject({ frequency: 1, recencyDays: 20, r: 5, f: 1, segment: "new_customers", monetary: 100 });
  });

  it("handles quoted CSV through csv-parse", () => {
    const r = cli("score", "--input", file("quoted.csv", `customer_id,order_id,processed_at,amount\n"x,1","o1",2026-01-01,"1.50"\n`), "--as-of", "2026-11-22");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).customerId).toBe("x,1");
  });
});

describe("cli bad input", () => {
  const cases: [string, string, RegExp][] = [
    ["missing-column.csv", "customer_id,order_id,amount\na,1,2.00\n", /missing-column\.csv:1:\d+: missing column "processed_at"/],
    ["bad-date.csv", "customer_id,order_id,processed_at,amount\na,1,2026-01-01,1.00\na,2,2026-13-01,1.00\n", /bad-date\.csv:3:3: unparsable processed_at/],
    ["bad-amount.csv", "customer_id,order_id,processed_at,amount\na,1,2026-01-01,1.00\nb,2,2026-01-02,12,50\nb,3,2026-01-02,abc\n", /bad-amount\.csv:4:4: unparsable amount/],
    ["quoted-bad.csv", 'customer_id,order_id,processed_at,amount\n"a",1,2026-01-01,1.00\n"b",2,yesterday,1.00\n', /quoted-bad\.csv:3:3: unparsable processed_at/],
  ];
  for (const [name, text, message] of cases) {
    it(`${name}: exit 2, file:line:column on stderr, nothing on stdout`, () => {
      const r = cli("score", "--input", file(name, text), "--as-of", "2026-11-22");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    });
  }

  it("bad summary numbers: exit 2 with line and column", () => {
    const r = cli("fit", "--summary", file("summary.csv", "ID,x,t_x,T\n1,2,3,4\n2,1,oops,4\n"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/summary\.csv:3:3: unparsable number "oops"/);
    expect(r.stdout).toBe("");
  });

  it("bad --as-of and unknown command: exit 2", () => {
    expect(cli("score", "--input", file("g2.csv", GOOD), "--as-of", "22/11/2026").code).toBe(2);
    expect(cli("frobnicate").code).toBe(2);
  });
});

describe("cli fit --summary", () => {
  it("reproduces the CDNOW BG/NBD and Gamma-Gamma parameters", () => {
    const r = cli("fit", "--summary", `${CDNOW}/cdnow_customers_summary_with_transactions.csv`, "--time-unit", "weeks");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["bgnbd", "gammaGamma", "customers"]);
    expect(Object.keys(out.bgnbd)).toEqual(["r", "alpha", "a", "b", "logLik"]);
    expect(out.customers).toBe(2357);
    expect(out.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(out.bgnbd.alpha).toBeCloseTo(4.414, 3);
    expect(out.bgnbd.a).toBeCloseTo(0.793, 3);
    expect(out.bgnbd.b).toBeCloseTo(2.426, 3);
    expect(Math.abs(out.bgnbd.logLik + 9582.4)).toBeLessThan(0.1);
    expect(Math.abs(out.gammaGamma.p - 6.25)).toBeLessThan(0.015);
    expect(Math.abs(out.gammaGamma.q - 3.74)).toBeLessThan(0.015);
    expect(Math.abs(out.gammaGamma.gamma - 15.44)).toBeLessThan(0.015);
  });

  it("reads the frequency/recency column names too", () => {
    const r = cli("fit", "--summary", `${CDNOW}/cdnow_customers_summary.csv`, "--time-unit", "weeks");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).bgnbd.r).toBeCloseTo(0.243, 3);
  });
});

describe("cli convert-cdnow + score on the real data", () => {
  it("converts CDNOW_master.txt and scores all 23,570 customers", () => {
    const csv = join(dir, "cdnow.csv");
    const conv = cli("convert-cdnow", "--input", `${CDNOW}/CDNOW_master.txt`, "--output", csv);
    expect(conv.code).toBe(0);
    const r = cli("score", "--input", csv, "--as-of", "1998-07-01");
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split("\n");
    expect(rows).toHaveLength(23570);
    const first = JSON.parse(rows[0]);
    expect(first.customerId).toBe("00001");
    expect(first.model).toBe("bgnbd");
    expect(first.monetary).toBe(11.77);
  });
});
