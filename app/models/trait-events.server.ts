// Trait events: a customer gained a Flow-worthy trait. Recorded by the scoring
// processors, delivered once to Flow (claim, send, mark; flow-claims.server.ts).
import { pool, type Queryable } from "../db-pool.server";
import { claimFlowRow, markFlowRow } from "./flow-claims.server";
import { flowScoreOf, type FlowScore } from "./segment-transitions.server";

export interface NewTraitEvent {
  customerId: string;
  trait: string;
  flowStatus: "none" | "pending";
}

/** Inserts the events; returns the ids of those pending a Flow trigger. */
export async function insertTraitEvents(shopId: string, at: Date, events: readonly NewTraitEvent[], db: Queryable = pool): Promise<string[]> {
  if (events.length === 0) return [];
  const { rows } = await db.query<{ id: string; flowStatus: string }>(
    `INSERT INTO "TraitEvent" ("shopId", "customerId", trait, at, "flowStatus")
     SELECT $1, u.customer_id, u.trait, $2, u.flow_status
       FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u(customer_id, trait, flow_status)
     RETURNING id::text, "flowStatus"`,
    [shopId, at, events.map((e) => e.customerId), events.map((e) => e.trait), events.map((e) => e.flowStatus)],
  );
  return rows.filter((r) => r.flowStatus === "pending").map((r) => r.id);
}

export interface ClaimedTraitEvent {
  customerId: bigint;
  trait: string;
  score: FlowScore | null;
}

export type TraitEventClaim = { claimed: true; event: ClaimedTraitEvent } | { claimed: false; reason: "not-found" | "already-sent" | "in-flight" };

export async function claimTraitEventForFlow(shopId: string, eventId: bigint, now: Date = new Date()): Promise<TraitEventClaim> {
  const outcome = await claimFlowRow("TraitEvent", shopId, eventId, now);
  if (outcome !== "claimed") return { claimed: false, reason: outcome };
  const { rows } = await pool.query<{ customerId: string; trait: string }>(`SELECT "customerId"::text AS "customerId", trait FROM "TraitEvent" WHERE id = $1 AND "shopId" = $2`, [
    eventId.toString(),
    shopId,
  ]);
  const customerId = BigInt(rows[0].customerId);
  return { claimed: true, event: { customerId, trait: rows[0].trait, score: await flowScoreOf(shopId, customerId) } };
}

export async function markTraitEventFlow(shopId: string, eventId: bigint, status: "sent" | "failed" | "skipped"): Promise<void> {
  await markFlowRow("TraitEvent", shopId, eventId, status);
}
