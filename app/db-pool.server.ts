// A plain pg pool for the few set-based statements (bulk upserts from the
// backfill, recompute reads) where Prisma's per-row API would be too slow.
import pg from "pg";
import { env } from "./env.server";
import { prisma } from "./db.server";
import { logger } from "./logger.server";

declare global {
  var __pgPool: pg.Pool | undefined;
}

function createPool(): pg.Pool {
  const created = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
  // A connection PostgreSQL ends while it idles in the pool (a restart, pg_terminate_backend)
  // is an 'error' event of the pool, and with no listener Node ends the process. The pool has
  // already dropped that client; the next query connects again.
  created.on("error", (error) => logger.warn(`idle database connection lost: ${error.message}`));
  return created;
}

export const pool: pg.Pool = globalThis.__pgPool ?? createPool();
if (env.NODE_ENV !== "production") globalThis.__pgPool = pool;

export type Queryable = Pick<pg.Pool, "query">;

/**
 * Runs `fn` in one transaction on one connection. `durable: false` skips the
 * wait for the commit's WAL flush: for idempotent bulk imports whose
 * checkpoint commits atomically with the data, a lost commit is simply redone.
 */
export async function inTransaction<T>(fn: (db: pg.PoolClient) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
  const client = await pool.connect();
  // While checked out the client has no pool listener: a connection the server ends between
  // two statements (pg_terminate_backend, a restart) would be an unhandled 'error' event that
  // ends the process. The failing statement rejects and the transaction rolls back anyway.
  const onError = () => undefined;
  client.on("error", onError);
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
    client.off("error", onError);
    client.release();
  }
}

/** Ends the pg pool and Prisma's connections (worker shutdown, end of tests). */
export async function closeDatabase(): Promise<void> {
  await Promise.all([pool.end(), prisma.$disconnect()]);
}
