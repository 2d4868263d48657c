// enforce-retention (daily, app/queue.server.ts SCHEDULES): deletes what is
// past its retention period (docs/operations.md, "Retention"; the periods are
// settings in app/env.server.ts), and removes shops uninstalled long enough
// ago that their shop/redact must have been lost, as shop/redact would.
import { env } from "../../env.server";
import { deleteDataRequestsBefore, deleteFinishedWebhookEventsBefore, deleteJobRunsBefore, findShopsUninstalledBefore } from "../../models/retention.server";
import { redactShop } from "../../models/shop-lifecycle.server";
import type { JobPayloads } from "../../queue.server";

const DAY_MS = 86_400_000;

export async function enforceRetention(_data: JobPayloads["enforce-retention"], now: Date = new Date()): Promise<Record<string, number>> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const shops = await findShopsUninstalledBefore(before(env.RETENTION_UNINSTALLED_SHOP_DAYS));
  for (const domain of shops) await redactShop(domain);
  return {
    uninstalledShopsRemoved: shops.length,
    webhookEventsDeleted: await deleteFinishedWebhookEventsBefore(before(env.RETENTION_WEBHOOK_EVENT_DAYS)),
    dataRequestsDeleted: await deleteDataRequestsBefore(before(env.RETENTION_DATA_REQUEST_DAYS)),
    jobRunsDeleted: await deleteJobRunsBefore(before(env.RETENTION_JOB_RUN_DAYS)),
  };
}
