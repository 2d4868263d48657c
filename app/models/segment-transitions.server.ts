// Flow delivery of segment transitions: claim (flow-claims.server.ts), read what the
// payload needs, then mark.
import { pool } from "../db-pool.server";
import { claimFlowRow, markFlowRow } from "./flow-claims.server";

/** The customer's current score, as the Flow payloads read it (null when no longer scored). */
export interface FlowScore {
  churnProbability: number;
  predictedClv12m: number;
  segment: string;
  traits: string[];
  expectedNextOrderAt: Date | null;
}

export interface ClaimedTransition {
  customerId: bigint;
  fromSegment: string | null;
  toSegment: string;
  score: FlowScore | null;
}

export type FlowClaim =
  | { claimed: true; transition: ClaimedTransition }
  | { claimed: false; reason: "not-found" | "already-sent" | "in-flight" };

/** The Flow payload's view of one customer's score. */
export async function flowScoreOf(shopId: string, customerId: bigint): Promise<FlowScore | null> {
  const { rows } = await pool.query<FlowScore>(
    `SELECT "churnProbability", "predictedClv12m", segment, traits, "expectedNextOrderAt"
       FROM "CustomerScore" WHERE "shopId" = $1 AND "customerId" = $2`,
    [shopId, customerId.toString()],
  );
  return rows[0] ?? null;
}

export async function claimTransitionForFlow(shopId: string, transitionId: bigint, now: Date = new Date()): Promise<FlowClaim> {
  const outcome = await claimFlowRow("SegmentTransition", shopId, transitionId, now);
  if (outcome !== "claimed") return { claimed: false, reason: outcome };
  const { rows } = await pool.query<{ customerId: string; fromSegment: string | null; toSegment: string }>(
    `SELECT "customerId"::text AS "customerId", "fromSegment", "toSegment" FROM "SegmentTransition" WHERE id = $1 AND "shopId" = $2`,
    [transitionId.toString(), shopId],
  );
  const row = rows[0];
  const customerId = BigInt(row.customerId);
  return { claimed: true, transition: { customerId, fromSegment: row.fromSegment, toSegment: row.toSegment, score: await flowScoreOf(shopId, customerId) } };
}

/** Marks the outcome of a claimed send; 'failed' releases the claim for a retry. */
export async function markTransitionFlow(shopId: string, transitionId: bigint, status: "sent" | "failed" | "skipped"): Promise<void> {
  await markFlowRow("SegmentTransition", shopId, transitionId, status);
}
