/**
 * npm run bench:score — score 1,000,000 synthetic customers with the real CLI in a child
 * process and report wall time, peak RSS and customers per second.
 * Target on the 2-core CI machine: ≤ 20 s and ≤ 1.5 GB peak RSS.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync } from "node:fs";
import { BENCH_AS_OF, generateTransactions } from "./gen-transactions";
import { printTargets } from "./support/targets";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const DATA = `.bench/transactions-${CUSTOMERS}.csv`;
const OUT = `.bench/scores-${CUSTOMERS}.jsonl`;

async function main() {
  mkdirSync(".bench", { recursive: true });
  if (!existsSync(DATA)) {
    process.stderr.write(`generating ${DATA} ...\n`);
    const t = Date.now();
    const { orders } = await generateTransactions(DATA, CUSTOMERS, 42);
    process.stderr.write(`  ${orders} orders in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const node = process.execPath; // the project's Node 22 when run through npm
  const cliArgs = ["--import", "tsx", "app/cli/main.ts", "score", "--input", DATA, "--as-of", BENCH_AS_OF];
  const useTime = existsSync("/usr/bin/time");
  const [cmd, args] = useTime ? ["/usr/bin/time", ["-v", node, ...cliArgs]] : [node, cliArgs];
  const outFd = openSync(OUT, "w");
  const start = process.hrtime.bigint();
  let stderr = "";
  const child = spawn(cmd, args, { stdio: ["ignore", outFd, "pipe"] });
  child.stderr?.on("data", (d) => (stderr += d));
  const code: number = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(outFd);
  if (code !== 0) {
    process.stderr.write(stderr);
    throw new Error(`cli score exited with ${code}`);
  }
  let peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  if (!useTime) peakKb = process.resourceUsage().maxRSS; // fallback: not the child's, see ADR 0004
  const scored = Number(/scored (\d+) customers/.exec(stderr)?.[1] ?? CUSTOMERS);
  const result = {
    customers: scored,
    wallSeconds: Number(wall.toFixed(2)),
    peakRssMB: Math.round(peakKb / 1024),
    customersPerSecond: Math.round(scored / wall),
    targets: { wallSeconds: 20, peakRssMB: 1536 },
    withinTargets: wall <= 20 && peakKb / 1024 <= 1536,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(stderr.split("\n").filter((l) => l.startsWith("scored")).join("\n") + "\n");
  printTargets([
    { what: "cli score within 20 s", met: wall <= 20, measured: `${wall.toFixed(2)} s` },
    { what: "peak RSS ≤ 1.5 GB", met: peakKb / 1024 <= 1536, measured: `${Math.round(peakKb / 1024)} MB` },
  ]);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
});
