// COPY into a staging table on a real PostgreSQL connection: every row arrives with the
// text format's escapes undone, a bad row fails the COPY and leaves the connection usable
// after a rollback, and a connection lost before PostgreSQL answered the COPY rejects
// instead of waiting forever (pg-copy-streams' destroy waits for that answer; an earlier
// open-COPY writer hung a recompute that way).
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../../test/test-env";
import { copyArray, copyRows, copyText } from "./copy.server";

const clients: pg.Client[] = [];

async function connect(): Promise<pg.PoolClient> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  client.on("error", () => undefined); // the terminated connection's error is a case under test
  await client.connect();
  clients.push(client);
  return client as unknown as pg.PoolClient;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
});

/** Fails the test instead of hanging it. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms))]);
}

describe("copyRows", () => {
  it("copies every row, several megabytes of them, with text, nulls and arrays escaped", async () => {
    const db = await connect();
    await db.query("create temporary table stage (n int, label text, tags text[])");
    const odd = 'tab\there, back\\slash, new\nline, quote" and {brace}';
    const rows = Array.from({ length: 150_000 }, (_, i) => `${i}\t${i === 7 ? copyText(odd) : i === 8 ? copyText(null) : `line ${i}`}\t${copyArray(i === 9 ? [odd, "b"] : [])}`);
    expect(await copyRows(db, "stage", rows)).toBe(150_000);
    const r = await db.query<{ n: string; total: string; odd: string; nul: string | null }>(
      `select count(*)::text as n, sum(n)::text as total, max(label) filter (where n = 7) as odd,
              max(coalesce(label, 'was null')) filter (where n = 8) as nul from stage`,
    );
    expect(r.rows[0]).toEqual({ n: "150000", total: String((149_999 * 150_000) / 2), odd, nul: "was null" });
    const tags = await db.query<{ tags: string[] }>("select tags from stage where n in (9, 10) order by n");
    expect(tags.rows.map((t) => t.tags)).toEqual([[odd, "b"], []]);
  });

  it("a row with too few columns fails the COPY, naming it, and the connection runs the next statement after rollback", async () => {
    const db = await connect();
    await db.query("create temporary table kept (n int, label text)");
    await db.query("begin");
    await db.query("insert into kept values (1, 'a')");
    await expect(copyRows(db, "kept", ["2\tb", "3"])).rejects.toThrow(/missing data for column "label"/);
    await db.query("rollback");
    expect((await db.query("select count(*)::int as n from kept")).rows[0].n).toBe(0);
  });

  it("a connection lost before PostgreSQL answered the COPY rejects at once", async () => {
    const db = await connect();
    const admin = await connect();
    await db.query("create temporary table stage (n int)");
    const pid = (await db.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid;
    // The COPY queues behind a running statement, so the termination reaches it before any CopyInResponse.
    const running = db.query("select pg_sleep(10)").catch((e: Error) => e);
    const copied = copyRows(
      db,
      "stage",
      Array.from({ length: 50_000 }, (_, i) => String(i)),
    ).then(
      () => null,
      (e: Error) => e,
    );
    await new Promise((r) => setTimeout(r, 200));
    await admin.query("select pg_terminate_backend($1)", [pid]);
    expect(String(await within(5_000, "copyRows", copied))).toMatch(/Connection terminated/);
    expect(String(await running)).toMatch(/terminating connection/);
  });
});
