// A plain pg pool for the few set-based statements (bulk upserts from the
// backfill, recompute reads) where Prisma's per-row API would be too slow.
import pg from "pg";
import { env } from "./env.server";
import { prisma } from "./db.server";

declare global {
  var __pgPool: pg.Pool | undefined;
}

export const pool: pg.Pool = globalThis.__pgPool ?? new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
if (env.NODE_ENV !== "production") globalThis.__pgPool = pool;

export type Queryable = Pick<pg.Pool, "query">;

/**
 * Runs `fn` in one transaction on one connection. `durable: false` skips the
 * wait for the commit's WAL flush: for idempotent bulk imports whose
 * checkpoint commits atomically with the data, a lost commit is simply redone.
 */
export async function inTransaction<T>(fn: (db: pg.PoolClient) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    if (options.durable === false) await client.query("set local synchronous_commit = off");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Ends the pg pool and Prisma's connections (worker shutdown, end of tests). */
export async function closeDatabase(): Promise<void> {
  await Promise.all([pool.end(), prisma.$disconnect()]);
}
