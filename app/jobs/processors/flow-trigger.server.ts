// "flow-trigger": fires the Flow trigger of one SegmentTransition, exactly
// once. Claim, then send: the transition is claimed in a short statement, the
// trigger is sent with no database lock held, and the outcome is marked.
import { claimTransitionForFlow, markTransitionFlow } from "../../models/segment-transitions.server";
import { findShopByDomain } from "../../models/shops.server";
import { adminClientFor } from "../../shopify.server";
import type { ShopifyAdminClient } from "../../shopify/admin-client.server";
import { segmentChangedPayload, sendSegmentChanged, type SegmentChangedPayload } from "../../shopify/flow.server";
import type { JobPayloads } from "../../queue.server";

export type FireOutcome = "sent" | "already-sent" | "in-flight" | "disabled" | "failed" | "not-found";

export async function fireSegmentChanged(
  shopDomain: string,
  transitionId: string | bigint,
  opts: { client?: ShopifyAdminClient } = {},
): Promise<{ outcome: FireOutcome; payload?: SegmentChangedPayload; error?: string }> {
  const shop = await findShopByDomain(shopDomain);
  if (!shop) return { outcome: "not-found" };
  if (!shop.settings?.flowTriggerEnabled) return { outcome: "disabled" };
  const id = BigInt(transitionId);
  const claim = await claimTransitionForFlow(shop.id, id);
  if (!claim.claimed) return { outcome: claim.reason };
  const payload = segmentChangedPayload(claim.transition, claim.transition.score);
  let userErrors: string[];
  try {
    const client = opts.client ?? (await adminClientFor(shop.domain));
    ({ userErrors } = await sendSegmentChanged(client, payload));
  } catch (error) {
    // Transport / server error: release the claim, then let the job retry.
    await markTransitionFlow(shop.id, id, "failed");
    throw error;
  }
  if (userErrors.length) {
    await markTransitionFlow(shop.id, id, "failed");
    return { outcome: "failed", payload, error: userErrors.join("; ") };
  }
  await markTransitionFlow(shop.id, id, "sent");
  return { outcome: "sent", payload };
}

export async function flowTriggerJob(data: JobPayloads["flow-trigger"]): Promise<unknown> {
  return fireSegmentChanged(data.shop, data.transitionId);
}
