// Retention (docs/operations.md, "Retention"): what is deleted once it is past
// its period. Each verb deletes by age across shops, in batches, so a first run
// on a large table never holds one long transaction; each returns what it
// deleted. Orders, customers, scores, transitions and snapshots are not here:
// they are kept while the shop is installed (scoring reads the whole history)
// and go with the shop (shop/redact, or findShopsUninstalledBefore below).
import { pool } from "../db-pool.server";

const BATCH = 10_000;

async function deleteInBatches(sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, [...params, BATCH]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

/**
 * Webhook events received before `cutoff` that are finished (processed,
 * rejected, skipped or failed for good). Pending events are work still to do (the sweep
 * re-enqueues them) and are never deleted here.
 */
export function deleteFinishedWebhookEventsBefore(cutoff: Date): Promise<number> {
  return deleteInBatches(
    `delete from "WebhookEvent" where id in (
       select id from "WebhookEvent" where status in ('processed', 'rejected', 'skipped', 'failed') and "receivedAt" < $1 limit $2)`,
    [cutoff],
  );
}

/** Data-request records (customers/data_request) received before `cutoff`. */
export function deleteDataRequestsBefore(cutoff: Date): Promise<number> {
  return deleteInBatches(`delete from "DataRequest" where id in (select id from "DataRequest" where "receivedAt" < $1 limit $2)`, [cutoff]);
}

/**
 * Job runs started before `cutoff`, except each shop's latest run of each job
 * (the dashboard shows the last recompute however long ago it was).
 */
export function deleteJobRunsBefore(cutoff: Date): Promise<number> {
  return deleteInBatches(
    `delete from "JobRun" where id in (
       select id from (
         select id, "startedAt",
                row_number() over (partition by "shopDomain", name order by "startedAt" desc, id desc) as recency
         from "JobRun") runs
       where recency > 1 and "startedAt" < $1
       limit $2)`,
    [cutoff],
  );
}

/** Shops uninstalled before `cutoff` and still stored (their shop/redact never arrived). */
export async function findShopsUninstalledBefore(cutoff: Date): Promise<string[]> {
  const { rows } = await pool.query<{ domain: string }>(`select domain from "Shop" where "uninstalledAt" < $1 order by domain`, [cutoff]);
  return rows.map((r) => r.domain);
}
