import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("move a stored explanation's own numbers into the score's columns (20261203090000)", async () => {
    await withAdmin((c) => c.query(`drop database if exists "rfm_migrate_check_${process.pid}" with (force)`));
    await ensureDatabase(emptyUrl);
    // The migrations before this one, from a copy of prisma/ without it and what follows.
    const before = mkdtempSync(join(tmpdir(), "rfm-migrations-"));
    try {
      cpSync("prisma/schema.prisma", join(before, "schema.prisma"));
      cpSync("prisma/migrations/migration_lock.toml", join(before, "migrations", "migration_lock.toml"));
      for (const name of readdirSync("prisma/migrations")) {
        if (/^\d+_/.test(name) && name < "20261203090000") cpSync(join("prisma/migrations", name), join(before, "migrations", name), { recursive: true });
      }
      runPrisma(["migrate", "deploy", "--schema", join(before, "schema.prisma")], emptyUrl);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      await client.query(`insert into "Shop" (id, domain) values ('s1', 'm.myshopify.com')`);
      await client.query(`insert into "Customer" ("shopId", id) values ('s1', 1), ('s1', 2), ('s1', 3)`);
      const explanation = (frequencyPercent: number | null, typicalGapDays: number | null, horizonDays: number) =>
        JSON.stringify([
          { kind: "recency", score: 2, days: 40, percentMoreRecentThan: 31 },
          { kind: "frequency", score: 3, orders: 4, percentMoreOrdersThan: frequencyPercent },
          { kind: "monetary", score: 4, amountMinor: 123450, percentSpentMoreThan: 68 },
          { kind: "segment", segment: "at_risk", r: 2, f: 3 },
          { kind: "churn", model: "heuristic", probability: 0.3, horizonDays, pAlive: 0.7, daysSinceLastOrder: 40, typicalGapDays },
        ]);
      for (const [id, json] of [[1, explanation(57, 29.6, 60)], [2, explanation(null, null, 90)], [3, "{}"]] as const) {
        await client.query(
          `insert into "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m, segment, x, tx, "T",
             "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model, explanation, "updatedAt")
           values ('s1', $1, now(), 4, 40, 123450, 2, 3, 4, 'at_risk', 3, 100, 140, 0.7, 0.3, 0.5, 12.5, 'heuristic', $2, now())`,
          [id, json],
        );
      }
      runPrisma(["migrate", "deploy"], emptyUrl);
      const rows = await client.query(
        `select "customerId"::int as id, "recencyPercent", "frequencyPercent", "monetaryPercent", "horizonDays", "typicalGapDays" from "CustomerScore" order by 1`,
      );
      expect(rows.rows).toEqual([
        { id: 1, recencyPercent: 31, frequencyPercent: 57, monetaryPercent: 68, horizonDays: 60, typicalGapDays: 29.6 },
        { id: 2, recencyPercent: 31, frequencyPercent: null, monetaryPercent: 68, horizonDays: 90, typicalGapDays: null },
        // Not an array (a test seed's placeholder): the defaults, as for a score before explanations.
        { id: 3, recencyPercent: 0, frequencyPercent: null, monetaryPercent: 0, horizonDays: 90, typicalGapDays: null },
      ]);
      const column = await client.query(`select 1 from information_schema.columns where table_name = 'CustomerScore' and column_name = 'explanation'`);
      expect(column.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
