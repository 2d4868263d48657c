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
 * Runs `fn` on one connection checked out of the pool. While checked out a client has no pool
 * listener: a connection the server ends (pg_terminate_backend, a restart) after its statement
 * settled, as at the end of a COPY TO, is an 'error' event that would end the process. The
 * failing statement rejects anyway. pg reports every connection it loses with that event, also
 * one lost during a statement, so a client that had one goes back with its error and the pool
 * drops it instead of handing a dead connection to the next job; a statement's own error (a
 * deadlock, a constraint) leaves the connection pooled.
 */
export async function withClient<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on("error", onError);
  try {
    return await fn(client);
  } finally {
    client.off("error", onError);
    client.release(lost);
  }
}

/**
 * Runs `fn` in one transaction on one connection. `durable: false` skips the
 * wait for the commit's WAL flush: for idempotent bulk imports whose
 * checkpoint commits atomically with the data, a lost commit is simply redone.
 */
export async function inTransaction<T>(fn: (db: pg.PoolClient) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
  return withClient(async (client) => {
    try {
      await client.query("begin");
      if (options.durable === false) await client.query("set local synchronous_commit = off");
      const result = await fn(client);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  });
}

/** Ends the pg pool and Prisma's connections (worker shutdown, end of tests). */
export async function closeDatabase(): Promise<void> {
  await Promise.all([pool.end(), prisma.$disconnect()]);
}
