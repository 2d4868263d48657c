// Shopify Flow trigger "Customer segment changed" (extension
// extensions/customer-segment-changed, handle customer-segment-changed),
// fired with flowTriggerReceive(handle, payload) where the payload keys equal
// the TOML field keys and the customer_reference field becomes customer_id.
//
// Exactly once per SegmentTransition: the row is locked (SELECT … FOR UPDATE)
// while the trigger is sent, so concurrent retries serialize, and a transition
// already marked `sent` is never sent again. Fired only for shops whose
// ShopSettings.flowTriggerEnabled is true (set by the lifecycle callback).
import { pool } from "../db-pool.server";
import prisma from "../db.server";
import { SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";
import { adminClientFor, type ShopifyAdminClient } from "./admin-client.server";

export const FLOW_TRIGGER_HANDLE = "customer-segment-changed";

export interface SegmentChangedPayload {
  customer_id: number;
  "Previous segment": string;
  "New segment": string;
  "Churn probability": number;
  "Predicted value": number;
}

const displayName = (key: string | null) => (key ? (SEGMENT_NAMES[key as SegmentKey] ?? key) : "");

export function segmentChangedPayload(t: { customerId: bigint; fromSegment: string | null; toSegment: string }, score: { churnProbability: number; predictedClv12m: number } | null): SegmentChangedPayload {
  return {
    customer_id: Number(t.customerId),
    "Previous segment": displayName(t.fromSegment),
    "New segment": displayName(t.toSegment),
    "Churn probability": Math.round((score?.churnProbability ?? 0) * 10_000) / 10_000,
    "Predicted value": Math.round((score?.predictedClv12m ?? 0) * 100) / 100,
  };
}

export type FireOutcome = "sent" | "already-sent" | "disabled" | "failed" | "not-found";

export async function fireSegmentChanged(shopDomain: string, transitionId: string | bigint, opts: { client?: ShopifyAdminClient } = {}): Promise<{ outcome: FireOutcome; payload?: SegmentChangedPayload; error?: string }> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, include: { settings: true } });
  if (!shop) return { outcome: "not-found" };
  if (!shop.settings?.flowTriggerEnabled) return { outcome: "disabled" };
  const id = BigInt(transitionId);
  const db = await pool.connect();
  try {
    await db.query("BEGIN");
    const { rows } = await db.query<{ customerId: string; fromSegment: string | null; toSegment: string; flowStatus: string }>(
      `SELECT "customerId"::text AS "customerId", "fromSegment", "toSegment", "flowStatus"
         FROM "SegmentTransition" WHERE id = $1 AND "shopId" = $2 FOR UPDATE`,
      [id.toString(), shop.id],
    );
    const t = rows[0];
    if (!t) {
      await db.query("ROLLBACK");
      return { outcome: "not-found" };
    }
    if (t.flowStatus === "sent") {
      await db.query("COMMIT");
      return { outcome: "already-sent" };
    }
    const score = await db.query<{ churnProbability: number; predictedClv12m: number }>(
      `SELECT "churnProbability", "predictedClv12m" FROM "CustomerScore" WHERE "shopId" = $1 AND "customerId" = $2`,
      [shop.id, t.customerId],
    );
    const payload = segmentChangedPayload({ customerId: BigInt(t.customerId), fromSegment: t.fromSegment, toSegment: t.toSegment }, score.rows[0] ?? null);
    let status: "sent" | "failed" = "failed";
    let error: string | undefined;
    try {
      const client = opts.client ?? (await adminClientFor(shopDomain));
      const data = await client.request<{ flowTriggerReceive: { userErrors: { field: string[] | null; message: string }[] } }>(
        `mutation RfmFlowTrigger($handle: String!, $payload: JSON!) {
          flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
        }`,
        { handle: FLOW_TRIGGER_HANDLE, payload },
        10,
      );
      const errs = data.flowTriggerReceive.userErrors;
      if (errs.length) error = errs.map((e) => e.message).join("; ");
      else status = "sent";
    } catch (e) {
      // Transport / server error: record the failure, then let the job retry.
      await db.query(`UPDATE "SegmentTransition" SET "flowStatus" = 'failed' WHERE id = $1`, [id.toString()]);
      await db.query("COMMIT");
      throw e;
    }
    await db.query(`UPDATE "SegmentTransition" SET "flowStatus" = $2 WHERE id = $1`, [id.toString(), status]);
    await db.query("COMMIT");
    return { outcome: status, payload, error };
  } catch (e) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    db.release();
  }
}
