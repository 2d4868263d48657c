import { Prisma } from "@prisma/client";
import prisma from "../db.server";

export interface NewWebhookEvent {
  webhookId: string;
  shopDomain: string;
  topic: string;
  payload: unknown;
  triggeredAt?: Date;
  status: "pending" | "rejected";
  error?: string;
}

/** Stores an event once per webhook id; a redelivery reports `duplicate`. */
export async function recordWebhookEvent(event: NewWebhookEvent): Promise<{ id: bigint; duplicate: boolean }> {
  try {
    const created = await prisma.webhookEvent.create({
      data: {
        webhookId: event.webhookId,
        shopDomain: event.shopDomain,
        topic: event.topic,
        payload: event.payload === null ? Prisma.JsonNull : (event.payload as Prisma.InputJsonValue),
        triggeredAt: event.triggeredAt,
        status: event.status,
        error: event.error,
      },
      select: { id: true },
    });
    return { id: created.id, duplicate: false };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const existing = await prisma.webhookEvent.findUniqueOrThrow({
        where: { webhookId: event.webhookId },
        select: { id: true },
      });
      return { id: existing.id, duplicate: true };
    }
    throw error;
  }
}

export async function markEventFinished(id: bigint, status: "processed" | "failed"): Promise<void> {
  await prisma.webhookEvent.update({ where: { id }, data: { status, processedAt: new Date(), error: null } });
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
