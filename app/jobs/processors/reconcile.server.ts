// Reconciliation: webhooks can be dropped, so every shop is re-read from
// "updated since the last good sync", and stored events that never reached a
// worker (Redis lost its queue) are re-enqueued from PostgreSQL.
import { adminClientFor } from "../../shopify.server";
import { customersUpdatedSince, ordersUpdatedSince } from "../../shopify/orders.server";
import { ensureCustomersExist, upsertCustomers } from "../../models/customers.server";
import { upsertOrders } from "../../models/orders.server";
import { findShopOrThrow, installedShopDomains, markIncrementalSyncDone } from "../../models/shops.server";
import { findStalePendingEvents } from "../../models/webhook-events.server";
import { enqueue, enqueueMany, type JobPayloads } from "../../queue.server";

/** Overlap with the previous window so clock skew never opens a gap. */
const SINCE_MARGIN_MS = 5 * 60_000;
const SWEEP_AGE_MS = 30_000;
const SWEEP_BATCH = 5000;

export async function incrementalSync(data: JobPayloads["incremental-sync"]): Promise<unknown> {
  const shop = await findShopOrThrow(data.shop);
  if (shop.syncStatus !== "completed" || shop.uninstalledAt) return { skipped: shop.syncStatus };
  const startedAt = new Date();
  const since = new Date((shop.lastIncrementalSyncAt ?? shop.syncStartedAt ?? new Date(0)).getTime() - SINCE_MARGIN_MS);
  const client = await adminClientFor(shop.domain);

  let customers = 0;
  for await (const page of customersUpdatedSince(client, since)) customers += await upsertCustomers(shop.id, page);

  let orders = 0;
  const touched = new Set<string>();
  for await (const page of ordersUpdatedSince(client, since)) {
    await ensureCustomersExist(shop.id, page.flatMap((o) => (o.customerId === null ? [] : [o.customerId])));
    const written = await upsertOrders(shop.id, page);
    orders += written;
    if (written > 0) for (const o of page) if (o.customerId !== null) touched.add(o.customerId.toString());
  }
  await markIncrementalSyncDone(shop.id, startedAt);
  if (touched.size > 0) {
    await enqueue("recompute-shop", { shop: shop.domain, reason: "reconciliation found changes" });
  }
  return { since: since.toISOString(), customers, orders, customersTouched: touched.size };
}

export async function reconcileAllShops(): Promise<unknown> {
  const domains = await installedShopDomains();
  for (const shop of domains) {
    await enqueue("incremental-sync", { shop });
  }
  return { shops: domains.length };
}

export async function sweepEvents(data: JobPayloads["sweep-events"]): Promise<unknown> {
  const ids = await findStalePendingEvents(new Date(Date.now() - (data.olderThanMs ?? SWEEP_AGE_MS)), SWEEP_BATCH);
  // Same job id as the webhook route: a job still in Redis is not duplicated.
  for (let i = 0; i < ids.length; i += 500) {
    await enqueueMany("apply-webhook", ids.slice(i, i + 500).map((id) => ({ eventId: id.toString() })));
  }
  return { reenqueued: ids.length };
}
