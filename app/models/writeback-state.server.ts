// What the write-back reads (each customer's current score and what the app
// last wrote to Shopify) and what it records afterwards (Customer.appTags,
// CustomerScore.writtenHash/writtenAt, and the bulk operations it started).
// Only what Shopify accepted is ever recorded, so a rejected part stays dirty.
import { prisma } from "../db.server";
import { inTransaction, pool } from "../db-pool.server";
import type { RecordedWrite, WriteBackRow } from "../domain/writeback-plan";

/**
 * Customers that are scored or still carry app tags (scoped by shop), in id order: only
 * `customerIds` when given, else the page of at most `limit` after customer `afterId`
 * (keyset pagination, so a full write-back of a million customers holds one page at a time).
 */
export async function loadWriteBackRows(
  shopId: string,
  select: { customerIds: readonly (string | bigint)[] } | { afterId: string | null; limit: number },
): Promise<WriteBackRow[]> {
  const params: unknown[] = [shopId];
  let filter = "";
  let limit = "";
  if ("customerIds" in select) {
    params.push(select.customerIds.map((x) => String(x)));
    filter = `AND c.id = ANY($2::bigint[])`;
  } else {
    if (select.afterId !== null) {
      params.push(select.afterId);
      filter = `AND c.id > $2::bigint`;
    }
    params.push(select.limit);
    limit = `LIMIT $${params.length}`;
  }
  const { rows } = await pool.query<WriteBackRow>(
    `SELECT c.id::text AS id, c."appTags" AS "appTags", (s."customerId" IS NOT NULL) AS scored,
            s.segment, s.r, s.f, s.m, s."churnProbability", s."churnModel", s."predictedClv12m", s."expectedPurchases90d",
            s."asOf", s.traits, s."expectedNextOrderAt", s."writtenHash"
       FROM "Customer" c
       LEFT JOIN "CustomerScore" s ON s."shopId" = c."shopId" AND s."customerId" = c.id
      WHERE c."shopId" = $1 AND c."deletedAt" IS NULL
        AND (s."customerId" IS NOT NULL OR cardinality(c."appTags") > 0) ${filter}
      ORDER BY c.id ${limit}`,
    params,
  );
  return rows;
}

/** Records accepted writes (set-based, one transaction). */
export async function recordWrites(shopId: string, writes: readonly RecordedWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const ids = writes.map((w) => w.customerId);
  const tags = writes.map((w) => w.appTags.join(","));
  const scored = writes.filter((w) => w.scored !== null);
  await inTransaction(async (db) => {
    await db.query(
      `UPDATE "Customer" c
          SET "appTags" = COALESCE(string_to_array(NULLIF(v.tags, ''), ','), ARRAY[]::text[])
         FROM unnest($2::bigint[], $3::text[]) AS v(id, tags)
        WHERE c."shopId" = $1 AND c.id = v.id`,
      [shopId, ids, tags],
    );
    if (scored.length === 0) return;
    await db.query(
      `UPDATE "CustomerScore" s
          SET "writtenHash" = v.hash, "writtenAt" = now(), holdout = v.holdout
         FROM unnest($2::bigint[], $3::text[], $4::boolean[]) AS v(id, hash, holdout)
        WHERE s."shopId" = $1 AND s."customerId" = v.id`,
      [shopId, scored.map((w) => w.customerId), scored.map((w) => w.scored!.writtenHash), scored.map((w) => w.scored!.holdout)],
    );
  });
}

/** A bulk mutation the write-back started (ids are Shopify's; a re-used id is overwritten). */
export async function recordBulkWriteStarted(shopId: string, bulkOperationId: string, lines: number): Promise<void> {
  await prisma.writeBackOperation.upsert({
    where: { bulkOperationId },
    create: { bulkOperationId, shopId, lines },
    update: { shopId, lines, status: "running", finishedAt: null, error: null, createdAt: new Date() },
  });
}

export async function recordBulkWriteFinished(
  shopId: string,
  bulkOperationId: string,
  outcome: { status: "completed" | "failed"; error: string | null },
): Promise<void> {
  await prisma.writeBackOperation.updateMany({
    where: { bulkOperationId, shopId },
    data: { status: outcome.status, finishedAt: new Date(), error: outcome.error?.slice(0, 1000) ?? null },
  });
}
