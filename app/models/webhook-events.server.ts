import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import { SETTINGS_DEFAULTS } from "../domain/settings";

export interface NewWebhookEvent {
  webhookId: string;
  shopDomain: string;
  topic: string;
  payload: unknown;
  triggeredAt?: Date;
  status: "pending" | "rejected";
  error?: string;
  /**
   * A customers/update without tags: its customer id. Recorded as skipped instead of pending when
   * the shop already stores that customer with its creation time (or as deleted): the payload then
   * carries nothing the app uses (docs/decisions/0009-one-splat-webhook-route.md, "The echo").
   */
  skipIfCustomerStored?: string;
  /**
   * A customer.tags_added/removed that lists its tags: recorded as skipped instead of pending when
   * none of them is the shop's opt-out tag (the only tag the app reads). Every tag the app writes
   * makes Shopify send one; applying it would only find it irrelevant.
   */
  skipUnlessOptOutTagIn?: string[];
}

export interface RecordedWebhookEvent {
  id: bigint;
  /** A redelivery: the event was already stored (nothing was written). */
  duplicate: boolean;
  /** Stored as skipped (the customers/update echo): nothing to enqueue. */
  skipped: boolean;
}

/** Why a customers/update echo is recorded as skipped (the row's error column). */
export const ECHO_SKIP_REASON = "customers/update without tags for a customer already stored: nothing the app uses";
/** Why a tag change without the opt-out tag is recorded as skipped. */
export const TAG_ECHO_SKIP_REASON = "not the opt-out tag";

/**
 * One statement stores a batch: each event once per webhook id (on conflict do nothing; a
 * webhook id twice in one batch is stored once), the echo check in the same statement. Plain
 * SQL: this runs for every webhook, inside Shopify's 5 s budget.
 */
const INSERT_EVENTS_SQL = `
  insert into "WebhookEvent" ("webhookId", "shopDomain", topic, payload, "triggeredAt", status, error, "processedAt")
  select v.webhook_id, v.shop, v.topic, v.payload::jsonb, v.triggered_at,
         case when e.echo or e.tag_echo then 'skipped' else v.status end,
         case when e.echo then $9 when e.tag_echo then $11 else v.error end,
         case when e.echo or e.tag_echo then now() end
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::bigint[], $10::text[])
         with ordinality as v(webhook_id, shop, topic, payload, triggered_at, status, error, echo_customer, changed_tags, n)
  -- The shop's opt-out tag, looked up once per tag event (null for other topics and for a shop not stored;
  -- domain and shopId are unique, so at most one row).
  left join lateral (
    select lower(coalesce(ss."optOutTag", $12)) as opt_out_tag
    from "Shop" s left join "ShopSettings" ss on ss."shopId" = s.id
    where v.changed_tags is not null and s.domain = v.shop
  ) o on true
  cross join lateral (
    select v.echo_customer is not null and v.status = 'pending' and exists (
      select 1 from "Customer" c join "Shop" s on s.id = c."shopId"
      where s.domain = v.shop and c.id = v.echo_customer and (c."shopifyCreatedAt" is not null or c."deletedAt" is not null)
    ) as echo,
    v.changed_tags is not null and v.status = 'pending' and o.opt_out_tag is not null and not exists (
      select 1 from unnest(string_to_array(v.changed_tags, E'\x1f')) t where lower(trim(t)) = o.opt_out_tag
    ) as tag_echo
  ) e
  order by v.n
  on conflict ("webhookId") do nothing
  returning id::text, "webhookId", status`;

interface Waiting {
  event: NewWebhookEvent;
  resolve: (stored: RecordedWebhookEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * Micro-batching: a call is written at once when fewer than MAX_INSERTS_IN_FLIGHT batches are
 * being written, else it joins the next batch, which is written as soon as one finishes. No
 * timer, so an idle process adds no delay; under load one insert carries many events. Every
 * caller's promise settles only after the statement holding its event has committed.
 */
const MAX_INSERTS_IN_FLIGHT = 2;
const MAX_BATCH = 256;
const waiting: Waiting[] = [];
let insertsInFlight = 0;

/** Stores an event once per webhook id; a redelivery reports `duplicate`. */
export function recordWebhookEvent(event: NewWebhookEvent): Promise<RecordedWebhookEvent> {
  return new Promise((resolve, reject) => {
    waiting.push({ event, resolve, reject });
    writeWaiting();
  });
}

function writeWaiting(): void {
  while (insertsInFlight < MAX_INSERTS_IN_FLIGHT && waiting.length > 0) {
    const batch = waiting.splice(0, MAX_BATCH);
    insertsInFlight++;
    void writeBatch(batch).finally(() => {
      insertsInFlight--;
      writeWaiting();
    });
  }
}

async function writeBatch(batch: Waiting[]): Promise<void> {
  let stored: RecordedWebhookEvent[];
  try {
    stored = await insertEvents(batch.map((w) => w.event));
  } catch (error) {
    if (batch.length === 1) {
      batch[0].reject(error);
      return;
    }
    // One bad event (say a payload PostgreSQL's jsonb refuses) must not fail the others: one by one.
    await Promise.all(
      batch.map((w) =>
        insertEvents([w.event]).then(
          ([one]) => w.resolve(one),
          (e: unknown) => w.reject(e),
        ),
      ),
    );
    return;
  }
  batch.forEach((w, i) => w.resolve(stored[i]));
}

/** The events in one statement (plus one look-up for the duplicates); results in input order. */
async function insertEvents(events: NewWebhookEvent[]): Promise<RecordedWebhookEvent[]> {
  const inserted = await pool.query<{ id: string; webhookId: string; status: string }>(INSERT_EVENTS_SQL, [
    events.map((e) => e.webhookId),
    events.map((e) => e.shopDomain),
    events.map((e) => e.topic),
    events.map((e) => (e.payload === null ? null : JSON.stringify(e.payload))),
    events.map((e) => e.triggeredAt?.toISOString() ?? null),
    events.map((e) => e.status),
    events.map((e) => e.error ?? null),
    events.map((e) => e.skipIfCustomerStored ?? null),
    ECHO_SKIP_REASON,
    events.map((e) => (e.skipUnlessOptOutTagIn ? e.skipUnlessOptOutTagIn.join("\x1f") : null)),
    TAG_ECHO_SKIP_REASON,
    SETTINGS_DEFAULTS.optOutTag,
  ]);
  const fresh = new Map(inserted.rows.map((r) => [r.webhookId, r]));
  const missing = events.filter((e) => !fresh.has(e.webhookId)).map((e) => e.webhookId);
  const existing = new Map<string, string>();
  if (missing.length > 0) {
    const found = await pool.query<{ id: string; webhookId: string }>(`select id::text, "webhookId" from "WebhookEvent" where "webhookId" = any($1::text[])`, [missing]);
    for (const r of found.rows) existing.set(r.webhookId, r.id);
  }
  return events.map((e) => {
    const row = fresh.get(e.webhookId);
    if (row) {
      fresh.delete(e.webhookId); // a second copy in the same batch is a duplicate of this one
      existing.set(e.webhookId, row.id);
      return { id: BigInt(row.id), duplicate: false, skipped: row.status === "skipped" };
    }
    const id = existing.get(e.webhookId);
    if (id === undefined) throw new Error(`webhook event ${e.webhookId} neither inserted nor found`);
    return { id: BigInt(id), duplicate: true, skipped: false };
  });
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
