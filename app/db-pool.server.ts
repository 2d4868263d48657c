// A plain pg pool for the few set-based statements (bulk upserts from the
// backfill, recompute reads) where Prisma's per-row API would be too slow.
import pg from "pg";
import { env } from "./env.server";

declare global {
  // eslint-disable-next-line no-var
  var __pgPool: pg.Pool | undefined;
}

export const pool: pg.Pool = globalThis.__pgPool ?? new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
if (env.NODE_ENV !== "production") globalThis.__pgPool = pool;
