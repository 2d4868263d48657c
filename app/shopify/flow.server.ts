// Shopify Flow triggers, fired with flowTriggerReceive(handle, payload) where the
// payload keys equal the extension TOML's field keys and the customer_reference
// field becomes customer_id:
//  - "Customer segment changed" (extensions/customer-segment-changed);
//  - "Customer trait gained" (extensions/customer-trait-gained).
// Send-only: exactly-once delivery is the caller's claim (app/models/flow-claims.server.ts).
import { SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";
import type { ShopifyAdminClient } from "./admin-client.server";

export const FLOW_TRIGGER_HANDLE = "customer-segment-changed";
export const TRAIT_TRIGGER_HANDLE = "customer-trait-gained";

/** What both payloads say about the customer's current score. */
interface ScoreFields {
  "Churn probability": number;
  "Predicted value": number;
  Traits: string;
  "Expected next order date": string;
}

export interface SegmentChangedPayload extends ScoreFields {
  customer_id: number;
  "Previous segment": string;
  "New segment": string;
}

export interface TraitGainedPayload extends ScoreFields {
  customer_id: number;
  Trait: string;
  Segment: string;
}

export interface PayloadScore {
  churnProbability: number;
  predictedClv12m: number;
  segment?: string;
  traits?: readonly string[];
  expectedNextOrderAt?: Date | null;
}

const displayName = (key: string | null | undefined) => (key ? (SEGMENT_NAMES[key as SegmentKey] ?? key) : "");

function scoreFields(score: PayloadScore | null): ScoreFields {
  return {
    "Churn probability": Math.round((score?.churnProbability ?? 0) * 10_000) / 10_000,
    "Predicted value": Math.round((score?.predictedClv12m ?? 0) * 100) / 100,
    Traits: (score?.traits ?? []).join(", "),
    "Expected next order date": score?.expectedNextOrderAt ? score.expectedNextOrderAt.toISOString().slice(0, 10) : "",
  };
}

export function segmentChangedPayload(t: { customerId: bigint; fromSegment: string | null; toSegment: string }, score: PayloadScore | null): SegmentChangedPayload {
  return {
    customer_id: Number(t.customerId),
    "Previous segment": displayName(t.fromSegment),
    "New segment": displayName(t.toSegment),
    ...scoreFields(score),
  };
}

export function traitGainedPayload(e: { customerId: bigint; trait: string }, score: PayloadScore | null): TraitGainedPayload {
  return { customer_id: Number(e.customerId), Trait: e.trait, Segment: displayName(score?.segment), ...scoreFields(score) };
}

const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation RfmFlowTrigger($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
  }`;

/**
 * Sends one trigger. Resolves with Shopify's user errors (empty = accepted);
 * throws on transport or server errors so the job can retry.
 */
export async function sendFlowTrigger(client: ShopifyAdminClient, handle: string, payload: SegmentChangedPayload | TraitGainedPayload): Promise<{ userErrors: string[] }> {
  const data = await client.request(FLOW_TRIGGER_RECEIVE, { handle, payload }, 10);
  if (!data.flowTriggerReceive) throw new Error("flowTriggerReceive: no payload");
  return { userErrors: data.flowTriggerReceive.userErrors.map((e) => e.message) };
}
