import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { ensureDatabase, runPrisma } from "../../scripts/prisma";
import { testDatabaseUrl } from "../test-env";

const emptyUrl = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/rfm_migrate_check_${process.pid}`;
  return url.toString();
})();

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(emptyUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  afterAll(async () => {
    await withAdmin((c) => c.query(`drop database if exists "rfm_migrate_check_${process.pid}" with (force)`));
  });

  it("apply to an empty database and create every table the app uses", async () => {
    await withAdmin((c) => c.query(`drop database if exists "rfm_migrate_check_${process.pid}" with (force)`));
    await ensureDatabase(emptyUrl);
    runPrisma(["migrate", "deploy"], emptyUrl);

    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      const names = tables.rows.map((r) => r.table_name);
      for (const table of ["Session", "Shop", "ShopSettings", "Customer", "Order", "Refund", "CustomerScore", "SegmentTransition", "SegmentSnapshot", "WebhookEvent", "JobRun"]) {
        expect(names).toContain(table);
      }
      const unique = await client.query(
        "select indexname from pg_indexes where tablename = 'WebhookEvent' and indexdef like '%UNIQUE%webhookId%'",
      );
      expect(unique.rowCount).toBe(1);
      // A second deploy is a no-op, not an error.
      expect(() => runPrisma(["migrate", "deploy"], emptyUrl)).not.toThrow();
    } finally {
      await client.end();
    }
  });
});
