// Readiness of the database for /readyz: reachable, and every migration the code
// ships (prisma/migrations) applied.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pool } from "../db-pool.server";

const MIGRATIONS_DIR = join(process.cwd(), "prisma", "migrations");

/** Null when ready, else why not. */
export async function databaseNotReady(): Promise<string | null> {
  let shipped: string[];
  try {
    shipped = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    shipped = []; // a deployment without the migrations folder: reachability only
  }
  try {
    const { rows } = await pool.query<{ name: string }>(`select migration_name as name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`);
    const applied = new Set(rows.map((r) => r.name));
    const missing = shipped.filter((m) => !applied.has(m));
    return missing.length ? `migrations not applied: ${missing.join(", ")}` : null;
  } catch (e) {
    return `database unreachable: ${(e as Error).message}`;
  }
}
