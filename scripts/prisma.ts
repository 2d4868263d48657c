// Runs the Prisma CLI with the app's database URL (the CLI needs DATABASE_URL
// set even with a driver adapter) and, for `migrate`, creates the database
// first so a fresh machine needs nothing by hand.
import { spawnSync } from "node:child_process";
import pg from "pg";
import { databaseUrl } from "../app/db-url";

export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export function runPrisma(args: string[], url: string): void {
  const result = spawnSync("prisma", args, {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  if (result.status !== 0) throw new Error(`prisma ${args.join(" ")} failed with exit code ${result.status}`);
}

async function main() {
  const [command] = process.argv.slice(2);
  const url = databaseUrl();
  if (command === "generate") return runPrisma(["generate"], url);
  if (command === "migrate") {
    await ensureDatabase(url);
    return runPrisma(["migrate", "deploy"], url);
  }
  console.error(`usage: tsx scripts/prisma.ts generate|migrate (got ${command ?? "nothing"})`);
  process.exit(2);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
