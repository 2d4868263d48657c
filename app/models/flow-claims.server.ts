// Flow delivery state shared by segment transitions and trait events: claim, then send,
// then mark. A row is claimed (flowStatus = 'sending') in one short statement, the
// trigger is sent with no database lock held, and the outcome is marked afterwards. A
// claim older than the lease (a worker that died mid-send) can be taken over; a row
// marked 'sent' is never claimed again.
import { pool } from "../db-pool.server";

const CLAIM_LEASE_MS = 5 * 60_000;

/** Tables with the Flow columns (flowStatus, flowClaimedAt). */
export type FlowTable = "SegmentTransition" | "TraitEvent";

export type ClaimOutcome = "claimed" | "not-found" | "already-sent" | "in-flight";

/** Claims one row of `table` for sending; only 'claimed' lets the caller send. */
export async function claimFlowRow(table: FlowTable, shopId: string, id: bigint, now: Date = new Date()): Promise<ClaimOutcome> {
  const leaseExpired = new Date(now.getTime() - CLAIM_LEASE_MS);
  const claimed = await pool.query(
    `UPDATE "${table}" SET "flowStatus" = 'sending', "flowClaimedAt" = $3
      WHERE id = $1 AND "shopId" = $2
        AND ("flowStatus" NOT IN ('sent', 'sending') OR ("flowStatus" = 'sending' AND "flowClaimedAt" < $4))`,
    [id.toString(), shopId, now, leaseExpired],
  );
  if (claimed.rowCount) return "claimed";
  const existing = await pool.query<{ flowStatus: string }>(`SELECT "flowStatus" FROM "${table}" WHERE id = $1 AND "shopId" = $2`, [id.toString(), shopId]);
  const status = existing.rows[0]?.flowStatus;
  return status === undefined ? "not-found" : status === "sent" ? "already-sent" : "in-flight";
}

/** Marks the outcome of a claimed send; 'failed' releases the claim for a retry. */
export async function markFlowRow(table: FlowTable, shopId: string, id: bigint, status: "sent" | "failed" | "skipped"): Promise<void> {
  await pool.query(`UPDATE "${table}" SET "flowStatus" = $3 WHERE id = $1 AND "shopId" = $2 AND "flowStatus" = 'sending'`, [id.toString(), shopId, status]);
}

/**
 * When the live claim on a row ends (its lease), or null when the row is not being sent:
 * a retry that finds the row in flight waits for this instead of completing, so a claim
 * whose worker died is taken over and the trigger is still sent.
 */
export async function flowClaimEndsAt(table: FlowTable, shopId: string, id: bigint): Promise<Date | null> {
  const { rows } = await pool.query<{ claimedAt: Date | null }>(
    `SELECT "flowClaimedAt" AS "claimedAt" FROM "${table}" WHERE id = $1 AND "shopId" = $2 AND "flowStatus" = 'sending'`,
    [id.toString(), shopId],
  );
  const claimedAt = rows[0]?.claimedAt;
  return claimedAt ? new Date(claimedAt.getTime() + CLAIM_LEASE_MS) : null;
}
