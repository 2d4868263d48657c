// Cross-process exclusion for per-shop work that must never overlap, whichever
// worker process, on whichever machine, runs it: PostgreSQL session advisory
// locks. A full recompute of a shop holds its key exclusively, live rescores
// of its customers share it (they may run side by side, never beside the
// recompute: both would read the same previous scores and record the same move
// twice); a full write-back and the live ones likewise.
//
// The locks live on connections of their own (not the app pool's: a job
// holding a pooled connection for its whole run could starve its own queries).
// A lock lives exactly as long as its session, so a worker that dies (SIGKILL,
// a lost machine) releases its locks with its connections; nothing expires.
import pg from "pg";
import { env } from "../env.server";
import { logger } from "../logger.server";

export interface HeldAdvisoryLock {
  release(): Promise<void>;
}

let lockPool: pg.Pool | undefined;

function pool(): pg.Pool {
  if (!lockPool) {
    // At least as many connections as one process's jobs can hold locks at once (a scoring run takes
    // up to two, a write-back one, each queue runs `concurrency` jobs): a run never waits for one.
    lockPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 * env.WORKER_CONCURRENCY + 2, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
    // A dropped connection drops its locks: the running job goes on (its writes are idempotent), and says so.
    lockPool.on("connect", (client) => client.on("error", (error) => logger.warn(`advisory lock connection lost: ${error.message}`)));
    lockPool.on("error", (error) => logger.warn(`advisory lock connection lost while idle: ${error.message}`));
  }
  return lockPool;
}

/**
 * Takes the advisory lock on `key` (shared or exclusive) unless a conflicting one
 * is held by another session; null when it is. hashtextextended gives a 64-bit
 * key (a collision only serialises two keys needlessly).
 */
export async function tryAdvisoryLock(key: string, mode: "exclusive" | "shared"): Promise<HeldAdvisoryLock | null> {
  const client = await pool().connect();
  const suffix = mode === "shared" ? "_shared" : "";
  try {
    const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock${suffix}(hashtextextended($1, 0)) as locked`, [key]);
    if (!rows[0]?.locked) {
      client.release();
      return null;
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  return {
    async release() {
      try {
        await client.query(`select pg_advisory_unlock${suffix}(hashtextextended($1, 0))`, [key]);
        client.release();
      } catch (error) {
        client.release(error as Error); // the connection is discarded, and its session's locks with it
      }
    },
  };
}

/** Closes the lock connections (worker shutdown). */
export async function closeAdvisoryLocks(): Promise<void> {
  const p = lockPool;
  lockPool = undefined;
  await p?.end();
}
