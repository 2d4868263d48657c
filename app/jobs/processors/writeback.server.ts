// Job handlers: "write-back" (metafield definitions, native segments, tags and
// metafields of changed customers) and "flow-trigger" (one SegmentTransition).
import prisma from "../../db.server";
import { adminClientFor } from "../../shopify/admin-client.server";
import { fireSegmentChanged } from "../../shopify/flow.server";
import { ensureMetafieldDefinitions } from "../../shopify/metafields.server";
import { ensureNativeSegments } from "../../shopify/segments.server";
import { writeBackShop } from "../../shopify/writeback.server";
import type { JobPayloads } from "../queue.server";

export async function writeBackJob(data: JobPayloads["write-back"]): Promise<unknown> {
  const shop = await prisma.shop.findUnique({ where: { domain: data.shop }, include: { settings: true } });
  if (!shop || shop.uninstalledAt) return { skipped: "not installed" };
  if (shop.settings && !shop.settings.writeBackEnabled) return { skipped: "write-back disabled" };
  const client = await adminClientFor(data.shop);
  // Idempotent and read-only when already in place; a full write-back only.
  const definitions = data.customerIds ? undefined : await ensureMetafieldDefinitions(client);
  const segments = data.customerIds ? undefined : await ensureNativeSegments(data.shop, { client });
  const result = await writeBackShop(data.shop, { customerIds: data.customerIds, client });
  // Rejected writes stay dirty (retried by the next write-back); when nothing at all
  // was accepted, fail the job so BullMQ retries with backoff.
  if (result.customersFailed > 0 && result.customersWritten === 0) {
    throw new Error(`write-back failed for ${result.customersFailed} customers: ${result.errors[0]}`);
  }
  return { definitions, segments, ...result };
}

export async function flowTriggerJob(data: JobPayloads["flow-trigger"]): Promise<unknown> {
  return fireSegmentChanged(data.shop, data.transitionId);
}
