// The pool's checked-out connections against a real PostgreSQL: a connection the server
// ends while a job holds it (pg_terminate_backend, as a restart or a failover does) neither
// ends the process nor goes back to the pool, whether it ends between two statements (a CI
// worker died that way just after a COPY TO had finished) or during one; a statement's own
// error rolls back and keeps the healthy connection.
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase, inTransaction, pool, withClient } from "../../app/db-pool.server";

afterAll(async () => {
  await closeDatabase();
});

const backendPid = async (db: { query: typeof pool.query }) => (await db.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid;

/** The backend pids of every connection the pool hands out now, all of them checked out at once. */
async function pooledPids(): Promise<number[]> {
  const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
  try {
    return await Promise.all(clients.map(backendPid));
  } finally {
    for (const c of clients) c.release();
  }
}

describe("withClient and inTransaction", () => {
  it("a connection ended between two statements does not end the process and is not pooled again", async () => {
    let dead = 0;
    const result = await withClient(async (db) => {
      dead = await backendPid(db);
      const ended = new Promise((resolve) => db.once("end", resolve));
      await pool.query("select pg_terminate_backend($1)", [dead]);
      // The server's FATAL notice reaches a client with no statement running: an 'error' event.
      await ended;
      return "done";
    });
    expect(result).toBe("done");
    const pids = await pooledPids();
    expect(pids).not.toContain(dead);
    expect(pids).toHaveLength(pool.options.max);
  });

  it("a connection ended during a transaction's statement rejects it, and the next job gets a live connection", async () => {
    let dead = 0;
    await expect(
      inTransaction(async (db) => {
        dead = await backendPid(db);
        const running = db.query("select pg_sleep(5)");
        // It can reject before the terminate query answers (the dying backend's FATAL comes
        // first): a handler now keeps that from being an unhandled rejection for a moment.
        // `await running` below still throws it.
        running.catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
        await pool.query("select pg_terminate_backend($1)", [dead]);
        await running;
      }),
    ).rejects.toThrow(/terminat/);
    expect(await pooledPids()).not.toContain(dead);
  });

  it("a statement's own error rolls the transaction back and the connection stays in the pool", async () => {
    await pool.query("create table if not exists db_pool_probe (n int)");
    await pool.query("truncate db_pool_probe");
    let used = 0;
    await expect(
      inTransaction(async (db) => {
        used = await backendPid(db);
        await db.query("insert into db_pool_probe values (1)");
        await db.query("select 1 / 0");
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await pool.query("select count(*)::int as n from db_pool_probe")).rows[0].n).toBe(0);
    expect(await pooledPids()).toContain(used);
    await pool.query("drop table db_pool_probe");
  });
});
