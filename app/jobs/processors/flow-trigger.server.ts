// "flow-trigger" and "flow-trait": fire one Flow trigger exactly once, for a
// SegmentTransition ("Customer segment changed") or a TraitEvent ("Customer trait
// gained"). Claim, then send: the row is claimed in a short statement, the trigger is
// sent with no database lock held, and the outcome is marked.
import { claimTransitionForFlow, markTransitionFlow } from "../../models/segment-transitions.server";
import { claimTraitEventForFlow, markTraitEventFlow } from "../../models/trait-events.server";
import { findShopByDomain } from "../../models/shops.server";
import { flowClaimEndsAt, type FlowTable } from "../../models/flow-claims.server";
import { DelayedError, type Job } from "bullmq";
import { adminClientFor } from "../../shopify.server";
import type { ShopifyAdminClient } from "../../shopify/admin-client.server";
import {
  FLOW_TRIGGER_HANDLE,
  TRAIT_TRIGGER_HANDLE,
  segmentChangedPayload,
  sendFlowTrigger,
  traitGainedPayload,
  type SegmentChangedPayload,
  type TraitGainedPayload,
} from "../../shopify/flow.server";
import type { JobPayloads } from "../../queue.server";

export type FireOutcome = "sent" | "already-sent" | "in-flight" | "disabled" | "failed" | "not-found" | "not-scored";

type Fired<P> = { outcome: FireOutcome; payload?: P; error?: string };

/** Send a claimed row's payload and mark the outcome; a transport error releases the claim and throws (the job retries). */
async function sendClaimed<P extends SegmentChangedPayload | TraitGainedPayload>(
  shopDomain: string,
  handle: string,
  payload: P,
  mark: (status: "sent" | "failed") => Promise<void>,
  client?: ShopifyAdminClient,
): Promise<Fired<P>> {
  let userErrors: string[];
  try {
    ({ userErrors } = await sendFlowTrigger(client ?? (await adminClientFor(shopDomain)), handle, payload));
  } catch (error) {
    await mark("failed");
    throw error;
  }
  if (userErrors.length) {
    await mark("failed");
    return { outcome: "failed", payload, error: userErrors.join("; ") };
  }
  await mark("sent");
  return { outcome: "sent", payload };
}

export async function fireSegmentChanged(shopDomain: string, transitionId: string | bigint, opts: { client?: ShopifyAdminClient } = {}): Promise<Fired<SegmentChangedPayload>> {
  const shop = await findShopByDomain(shopDomain);
  if (!shop) return { outcome: "not-found" };
  if (!shop.settings?.flowTriggerEnabled) return { outcome: "disabled" };
  const id = BigInt(transitionId);
  const claim = await claimTransitionForFlow(shop.id, id);
  if (!claim.claimed) return { outcome: claim.reason };
  // No longer scored (opted out of profiling, deleted, redacted): never in a Flow payload.
  if (!claim.transition.score) return markTransitionFlow(shop.id, id, "skipped").then(() => ({ outcome: "not-scored" as const }));
  const payload = segmentChangedPayload(claim.transition, claim.transition.score);
  return sendClaimed(shop.domain, FLOW_TRIGGER_HANDLE, payload, (s) => markTransitionFlow(shop.id, id, s), opts.client);
}

export async function fireTraitGained(shopDomain: string, eventId: string | bigint, opts: { client?: ShopifyAdminClient } = {}): Promise<Fired<TraitGainedPayload>> {
  const shop = await findShopByDomain(shopDomain);
  if (!shop) return { outcome: "not-found" };
  if (!shop.settings?.flowTriggerEnabled) return { outcome: "disabled" };
  const id = BigInt(eventId);
  const claim = await claimTraitEventForFlow(shop.id, id);
  if (!claim.claimed) return { outcome: claim.reason };
  if (!claim.event.score) return markTraitEventFlow(shop.id, id, "skipped").then(() => ({ outcome: "not-scored" as const }));
  const payload = traitGainedPayload(claim.event, claim.event.score);
  return sendClaimed(shop.domain, TRAIT_TRIGGER_HANDLE, payload, (s) => markTraitEventFlow(shop.id, id, s), opts.client);
}

/**
 * A row claimed by another run (a worker that died mid-send leaves it 'sending'): this job
 * waits until that claim's lease ends and tries again, rather than completing and leaving
 * the trigger unsent for good.
 */
async function retryAfterLease(table: FlowTable, shopDomain: string, id: string, job: Job, token: string | undefined): Promise<void> {
  const shop = await findShopByDomain(shopDomain);
  const endsAt = shop ? await flowClaimEndsAt(table, shop.id, BigInt(id)) : null;
  if (!endsAt) return;
  await job.moveToDelayed(Math.max(Date.now(), endsAt.getTime()) + 1000, token);
  throw new DelayedError();
}

export async function flowTriggerJob(data: JobPayloads["flow-trigger"], job: Job, token?: string): Promise<unknown> {
  const fired = await fireSegmentChanged(data.shop, data.transitionId);
  if (fired.outcome === "in-flight") await retryAfterLease("SegmentTransition", data.shop, data.transitionId, job, token);
  return fired;
}

export async function flowTraitJob(data: JobPayloads["flow-trait"], job: Job, token?: string): Promise<unknown> {
  const fired = await fireTraitGained(data.shop, data.traitEventId);
  if (fired.outcome === "in-flight") await retryAfterLease("TraitEvent", data.shop, data.traitEventId, job, token);
  return fired;
}
