/**
 * npm run bench:score — the real CLI (`cli score`, a child process) against a plain read of the
 * same file by node, side by side at two sizes so the growth is visible (issue 13, item 4).
 *
 * Plain read: a node process that streams the file, decodes it and splits every line into its
 * fields (`line.split(",")`), the least any reader of the CSV does. Runs alternate (read, score,
 * read, score, …) so both see the same machine; each figure is the best of RUNS (default 3),
 * the read warm (the file is read once before the first counted run). Peak RSS from
 * /usr/bin/time -v (the child's own). Targets: cli score ≤ 4× the plain read at the largest
 * size, peak memory ≤ 1 GB.
 *   BENCH_SIZES=200000,1000000 (default)  BENCH_RUNS=3  npm run bench:score
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { BENCH_AS_OF, generateTransactions } from "./gen-transactions";
import { machineLoad, otherLoad } from "./support/machine";
import { printTargets } from "./support/targets";

const SIZES = (process.env.BENCH_SIZES ?? process.env.BENCH_CUSTOMERS ?? "200000,1000000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATIO_TARGET = 4;
const PEAK_TARGET_MB = 1024;
const node = process.execPath; // the project's Node 22 when run through npm
const useTime = existsSync("/usr/bin/time");

const PLAIN_READ = `
const { createReadStream } = require("node:fs");
const { StringDecoder } = require("node:string_decoder");
const decoder = new StringDecoder("utf8");
let carry = "", lines = 0, fields = 0;
(async () => {
  for await (const chunk of createReadStream(process.argv[1], { highWaterMark: 1 << 20 })) {
    const text = carry + decoder.write(chunk);
    const parts = text.split("\\n");
    carry = parts.pop();
    for (const line of parts) { lines++; fields += line.split(",").length; }
  }
  if (carry) { lines++; fields += carry.split(",").length; }
  process.stdout.write(lines + " lines, " + fields + " fields\\n");
})();`;

interface Run {
  wallSeconds: number;
  peakMB: number;
  stderr: string;
}

async function timed(args: string[], stdoutFile: string): Promise<Run> {
  const [cmd, argv] = useTime ? ["/usr/bin/time", ["-v", node, ...args]] : [node, args];
  const outFd = openSync(stdoutFile, "w");
  const start = process.hrtime.bigint();
  let stderr = "";
  const child = spawn(cmd, argv, { stdio: ["ignore", outFd, "pipe"] });
  child.stderr?.on("data", (d) => (stderr += d));
  const code: number = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(outFd);
  if (code !== 0) {
    process.stderr.write(stderr);
    throw new Error(`${args.slice(0, 4).join(" ")} exited with ${code}`);
  }
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { wallSeconds, peakMB: Math.round(peakKb / 1024), stderr };
}

interface SizeResult {
  customers: number;
  orders: number;
  fileMB: number;
  readSeconds: number;
  scoreSeconds: number;
  ratio: number;
  readPeakMB: number;
  scorePeakMB: number;
  customersPerSecond: number;
}

async function measure(customers: number): Promise<SizeResult> {
  const data = `.bench/transactions-${customers}.csv`;
  if (!existsSync(data)) {
    process.stderr.write(`generating ${data} ...\n`);
    await generateTransactions(data, customers, 42);
  }
  const bytes = readFileSync(data); // warms the file cache
  let orders = -1;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) orders++;
  const read: Run[] = [];
  const score: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    read.push(await timed(["-e", PLAIN_READ, data], `.bench/plain-read-${customers}.txt`));
    score.push(await timed(["--import", "tsx", "app/cli/main.ts", "score", "--input", data, "--as-of", BENCH_AS_OF], `.bench/scores-${customers}.jsonl`));
    process.stderr.write(`  ${customers}: run ${r + 1}: read ${read[r].wallSeconds.toFixed(2)} s, score ${score[r].wallSeconds.toFixed(2)} s (load ${machineLoad()})\n`);
  }
  const best = (runs: Run[]) => Math.min(...runs.map((x) => x.wallSeconds));
  const readSeconds = best(read);
  const scoreSeconds = best(score);
  return {
    customers,
    orders,
    fileMB: Math.round(bytes.length / 2 ** 20),
    readSeconds: Number(readSeconds.toFixed(2)),
    scoreSeconds: Number(scoreSeconds.toFixed(2)),
    ratio: Number((scoreSeconds / readSeconds).toFixed(2)),
    readPeakMB: Math.max(...read.map((x) => x.peakMB)),
    scorePeakMB: Math.max(...score.map((x) => x.peakMB)),
    customersPerSecond: Math.round(customers / scoreSeconds),
  };
}

async function main() {
  mkdirSync(".bench", { recursive: true });
  const loadBefore = machineLoad();
  const results: SizeResult[] = [];
  for (const n of SIZES) results.push(await measure(n));
  const others = otherLoad();
  process.stdout.write(`load average before ${loadBefore}, after ${machineLoad()}${others ? `; other busy processes:\n    ${others}` : ""}\n`);
  process.stdout.write(`best of ${RUNS} each, runs alternating; plain read = node streaming the file and splitting every line into fields\n`);
  const header = ["customers", "orders", "file MB", "plain read s", "cli score s", "ratio", "read peak MB", "score peak MB", "customers/s"];
  const rows = results.map((r) => [r.customers, r.orders, r.fileMB, r.readSeconds, r.scoreSeconds, `${r.ratio}×`, r.readPeakMB, r.scorePeakMB, r.customersPerSecond].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((c, i) => c.padStart(widths[i])).join("  ")}\n`);
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    process.stdout.write(`growth ${a.customers} → ${b.customers} customers (×${(b.customers / a.customers).toFixed(1)}): cli score ×${(b.scoreSeconds / a.scoreSeconds).toFixed(2)}, plain read ×${(b.readSeconds / a.readSeconds).toFixed(2)}, score peak memory ×${(b.scorePeakMB / a.scorePeakMB).toFixed(2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  const largest = results[results.length - 1];
  const peak = Math.max(...results.map((r) => r.scorePeakMB));
  printTargets([
    {
      what: `cli score ≤ ${RATIO_TARGET}× plain read`,
      met: largest.ratio <= RATIO_TARGET,
      measured: `${largest.ratio}× at ${largest.customers} customers: ${largest.scoreSeconds} s vs ${largest.readSeconds} s`,
    },
    { what: "cli peak memory ≤ 1 GB", met: peak <= PEAK_TARGET_MB, measured: `${peak} MB` },
  ]);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
