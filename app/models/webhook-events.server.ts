import { prisma } from "../db.server";
import { pool } from "../db-pool.server";

export interface NewWebhookEvent {
  webhookId: string;
  shopDomain: string;
  topic: string;
  payload: unknown;
  triggeredAt?: Date;
  status: "pending" | "rejected";
  error?: string;
}

/**
 * Stores an event once per webhook id; a redelivery reports `duplicate`.
 * Plain SQL: this runs for every webhook, inside Shopify's 5 s budget.
 */
export async function recordWebhookEvent(event: NewWebhookEvent): Promise<{ id: bigint; duplicate: boolean }> {
  const inserted = await pool.query<{ id: string }>(
    `insert into "WebhookEvent" ("webhookId", "shopDomain", topic, payload, "triggeredAt", status, error)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7)
     on conflict ("webhookId") do nothing
     returning id::text`,
    [
      event.webhookId,
      event.shopDomain,
      event.topic,
      event.payload === null ? null : JSON.stringify(event.payload),
      event.triggeredAt ?? null,
      event.status,
      event.error ?? null,
    ],
  );
  if (inserted.rows.length > 0) return { id: BigInt(inserted.rows[0].id), duplicate: false };
  const existing = await pool.query<{ id: string }>(`select id::text from "WebhookEvent" where "webhookId" = $1`, [event.webhookId]);
  return { id: BigInt(existing.rows[0].id), duplicate: true };
}

export async function markEventFinished(id: bigint, status: "processed" | "failed"): Promise<void> {
  await prisma.webhookEvent.update({ where: { id }, data: { status, processedAt: new Date(), error: null } });
}

/** An event deliberately not applied (unknown or uninstalled shop), kept with its reason. */
export async function markEventSkipped(id: bigint, reason: string): Promise<void> {
  await prisma.webhookEvent.update({ where: { id }, data: { status: "skipped", processedAt: new Date(), error: reason } });
}

/** Events stored but never processed (e.g. Redis lost its queue): oldest first. */
export async function findStalePendingEvents(olderThan: Date, limit: number): Promise<bigint[]> {
  const events = await prisma.webhookEvent.findMany({
    where: { status: "pending", receivedAt: { lt: olderThan } },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true },
  });
  return events.map((e) => e.id);
}

export async function findWebhookEvent(id: bigint) {
  return prisma.webhookEvent.findUnique({ where: { id } });
}

/** A failed attempt: counted and its error kept; the event stays pending for the retry. */
export async function recordEventFailure(id: bigint, error: string): Promise<void> {
  await prisma.webhookEvent.update({ where: { id }, data: { attempts: { increment: 1 }, error } });
}
