/**
 * Seeded synthetic transactions CSV for the scoring benchmark (the docs/cli.md format).
 * A BTYD-like process per customer: purchase rate λ ~ Gamma(r, α) per day, after every
 * purchase the customer drops out with probability p ~ Beta(a, b); first purchases are spread
 * over two years before the as-of date. About 3 orders per customer on average.
 *   tsx bench/gen-transactions.ts [--customers 1000000] [--seed 42] [--output FILE]
 */
import { createRng } from "../test/support/random";
import { createWriteStream } from "node:fs";

export const BENCH_AS_OF = "2026-11-22";
const DAY = 86_400_000;
const END_MS = Date.parse(`${BENCH_AS_OF}T00:00:00Z`);
const START_MS = END_MS - 730 * DAY;


function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Marsaglia–Tsang gamma sampler (shape k, scale 1). */
function gamma(u: () => number, k: number): number {
  if (k < 1) return gamma(u, k + 1) * Math.pow(u(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(u);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    if (Math.log(u()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function iso(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
}

export async function generateTransactions(file: string, customers = 1_000_000, seed = 42): Promise<{ orders: number }> {
  const u = createRng(seed); // reproducible benchmark data
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  let buf = "customer_id,order_id,processed_at,amount,currency\n";
  let orders = 0;
  const [r, alpha, a, b] = [0.8, 60, 1.2, 5];
  for (let c = 1; c <= customers; c++) {
    const lambda = gamma(u, r) / alpha;
    const p = ((x) => x / (x + gamma(u, b)))(gamma(u, a));
    const meanSpendCents = 2000 + gamma(u, 3) * 1500;
    let t = START_MS + u() * (END_MS - START_MS);
    for (;;) {
      orders++;
      const cents = Math.max(50, Math.round(meanSpendCents * (gamma(u, 8) / 8)));
      buf += `c${c},o${orders},${iso(t)},${(cents / 100).toFixed(2)},USD\n`;
      if (u() < p) break;
      t += (-Math.log(1 - u()) / lambda) * DAY;
      if (t >= END_MS) break;
    }
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { orders };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const file = opt("output", ".bench/transactions-1m.csv");
  const n = Number(opt("customers", "1000000"));
  generateTransactions(file, n, Number(opt("seed", "42"))).then(({ orders }) => {
    process.stderr.write(`wrote ${file}: ${n} customers, ${orders} orders (${(orders / n).toFixed(2)} per customer)\n`);
  });
}
