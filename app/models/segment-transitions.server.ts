// Flow delivery state of segment transitions: claim, then send, then mark.
// A transition is claimed (flowStatus = 'sending') in one short statement,
// the trigger is sent with no database lock held, and the outcome is marked
// afterwards. A claim older than the lease (a worker that died mid-send) can
// be taken over; a transition marked 'sent' is never claimed again.
import { pool } from "../db-pool.server";

const CLAIM_LEASE_MS = 5 * 60_000;

export interface ClaimedTransition {
  customerId: bigint;
  fromSegment: string | null;
  toSegment: string;
  /** The customer's current score, for the payload (null when no longer scored). */
  score: { churnProbability: number; predictedClv12m: number } | null;
}

export type FlowClaim =
  | { claimed: true; transition: ClaimedTransition }
  | { claimed: false; reason: "not-found" | "already-sent" | "in-flight" };

export async function claimTransitionForFlow(shopId: string, transitionId: bigint, now: Date = new Date()): Promise<FlowClaim> {
  const leaseExpired = new Date(now.getTime() - CLAIM_LEASE_MS);
  const { rows } = await pool.query<{ customerId: string; fromSegment: string | null; toSegment: string; churnProbability: number | null; predictedClv12m: number | null }>(
    `WITH claimed AS (
       UPDATE "SegmentTransition"
          SET "flowStatus" = 'sending', "flowClaimedAt" = $3
        WHERE id = $1 AND "shopId" = $2
          AND ("flowStatus" NOT IN ('sent', 'sending') OR ("flowStatus" = 'sending' AND "flowClaimedAt" < $4))
        RETURNING "customerId", "fromSegment", "toSegment"
     )
     SELECT c."customerId"::text AS "customerId", c."fromSegment", c."toSegment", s."churnProbability", s."predictedClv12m"
       FROM claimed c
       LEFT JOIN "CustomerScore" s ON s."shopId" = $2 AND s."customerId" = c."customerId"`,
    [transitionId.toString(), shopId, now, leaseExpired],
  );
  const row = rows[0];
  if (row) {
    return {
      claimed: true,
      transition: {
        customerId: BigInt(row.customerId),
        fromSegment: row.fromSegment,
        toSegment: row.toSegment,
        score: row.churnProbability === null ? null : { churnProbability: row.churnProbability, predictedClv12m: row.predictedClv12m ?? 0 },
      },
    };
  }
  const existing = await pool.query<{ flowStatus: string }>(`SELECT "flowStatus" FROM "SegmentTransition" WHERE id = $1 AND "shopId" = $2`, [transitionId.toString(), shopId]);
  const status = existing.rows[0]?.flowStatus;
  return { claimed: false, reason: status === undefined ? "not-found" : status === "sent" ? "already-sent" : "in-flight" };
}

/** Marks the outcome of a claimed send; 'failed' releases the claim for a retry. */
export async function markTransitionFlow(shopId: string, transitionId: bigint, status: "sent" | "failed"): Promise<void> {
  await pool.query(`UPDATE "SegmentTransition" SET "flowStatus" = $3 WHERE id = $1 AND "shopId" = $2 AND "flowStatus" = 'sending'`, [
    transitionId.toString(),
    shopId,
    status,
  ]);
}
