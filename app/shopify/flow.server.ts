// Shopify Flow trigger "Customer segment changed" (extension
// extensions/customer-segment-changed, handle customer-segment-changed),
// fired with flowTriggerReceive(handle, payload) where the payload keys equal
// the TOML field keys and the customer_reference field becomes customer_id.
// Send-only: exactly-once delivery per transition is the caller's claim
// (app/models/segment-transitions.server.ts).
import { SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";
import type { ShopifyAdminClient } from "./admin-client.server";

export const FLOW_TRIGGER_HANDLE = "customer-segment-changed";

export interface SegmentChangedPayload {
  customer_id: number;
  "Previous segment": string;
  "New segment": string;
  "Churn probability": number;
  "Predicted value": number;
}

const displayName = (key: string | null) => (key ? (SEGMENT_NAMES[key as SegmentKey] ?? key) : "");

export function segmentChangedPayload(
  t: { customerId: bigint; fromSegment: string | null; toSegment: string },
  score: { churnProbability: number; predictedClv12m: number } | null,
): SegmentChangedPayload {
  return {
    customer_id: Number(t.customerId),
    "Previous segment": displayName(t.fromSegment),
    "New segment": displayName(t.toSegment),
    "Churn probability": Math.round((score?.churnProbability ?? 0) * 10_000) / 10_000,
    "Predicted value": Math.round((score?.predictedClv12m ?? 0) * 100) / 100,
  };
}

const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation RfmFlowTrigger($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
  }`;

/**
 * Sends one trigger. Resolves with Shopify's user errors (empty = accepted);
 * throws on transport or server errors so the job can retry.
 */
export async function sendSegmentChanged(client: ShopifyAdminClient, payload: SegmentChangedPayload): Promise<{ userErrors: string[] }> {
  const data = await client.request(FLOW_TRIGGER_RECEIVE, { handle: FLOW_TRIGGER_HANDLE, payload }, 10);
  if (!data.flowTriggerReceive) throw new Error("flowTriggerReceive: no payload");
  return { userErrors: data.flowTriggerReceive.userErrors.map((e) => e.message) };
}
