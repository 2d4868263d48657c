// Webhook payload schemas. Parsing keeps only what scoring needs, so names,
// emails and addresses in Shopify's payloads are never stored (zod strips
// unknown keys). A payload that fails its schema is rejected and recorded;
// everything a schema accepts maps to a record without error (what would fail
// later, in the worker, is refused here: docs/bad-input.md).
import { z } from "zod";
import { MoneyParseError, parseMoneyToMinor } from "../domain/money";

/** Shopify's ids fit PostgreSQL's bigint; a JSON number past 2^53 has already lost digits. */
const MAX_ID = 2n ** 63n - 1n;
/** zod still runs a refinement after its regex failed: only digit strings are compared. */
const fitsBigint = (s: string) => !/^\d+$/.test(s) || BigInt(s) <= MAX_ID;
const id = z
  .union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER, "numeric id beyond 2^53 (not exact)"),
    z.string().regex(/^\d+$/).refine(fitsBigint, "id out of range"),
  ])
  .transform((v) => String(v));
const timestamp = z.string().datetime({ offset: true });
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal amount");
/** Why a decimal cannot be stored exactly in 1/100 units (app/domain/money.ts), or null. */
function unstorable(text: string): string | null {
  try {
    parseMoneyToMinor(text);
    return null;
  } catch (error) {
    if (error instanceof MoneyParseError) return error.message;
    throw error;
  }
}
/** An order's money: at least 0 and exact in 1/100 units (no non-zero third decimal, below 2^53). */
const amount = decimal.superRefine((text, ctx) => {
  if (text.startsWith("-") && /[1-9]/.test(text)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `negative amount ${text}` });
  const why = unstorable(text);
  if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, message: why });
});
const KNOWN_CURRENCIES = new Set([...Intl.supportedValuesOf("currency"), "XXX"]);
/** ISO 4217, as Shopify's CurrencyCode enum lists them (ICU's list, plus XXX). */
const currencyCode = z.string().refine((c) => KNOWN_CURRENCIES.has(c), (c) => ({ message: `unknown currency ${JSON.stringify(c)}` }));
const money = z.object({ amount, currency_code: currencyCode });
const moneySet = z.object({ shop_money: money, presentment_money: money.optional() });

export const orderPayload = z.object({
  id,
  updated_at: timestamp,
  created_at: timestamp,
  processed_at: timestamp.nullish(),
  cancelled_at: timestamp.nullish(),
  test: z.boolean().default(false),
  currency: currencyCode,
  presentment_currency: currencyCode.nullish(),
  total_price_set: moneySet,
  current_total_price_set: moneySet.optional(),
  customer: z.object({ id }).nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).default([]),
  total_discounts_set: moneySet.optional(),
  // Line items carry product_id but no product type; price_set is the unit price
  // before discounts, so price × quantity is the line's original total.
  line_items: z
    .array(z.object({ product_id: id.nullish(), quantity: z.number().int().nonnegative().optional(), price_set: moneySet.optional() }))
    .default([]),
  refunds: z
    .array(z.object({ id, created_at: timestamp, transactions: z.array(z.object({ amount: decimal, kind: z.string(), status: z.string().nullish() })).default([]) }))
    .default([]),
});

export const refundPayload = z.object({
  id,
  order_id: id,
  created_at: timestamp,
  transactions: z
    .array(z.object({ amount: decimal, kind: z.string(), status: z.string().nullish(), currency: z.string().nullish() }))
    .default([]),
});

/** Tags are read for the opt-out flag only (a comma-separated string in the REST payload). */
export const customerPayload = z.object({ id, created_at: timestamp.nullish(), updated_at: timestamp.nullish(), tags: z.string().nullish() });
export const customerDeletePayload = z.object({ id });
export const appUninstalledPayload = z.object({ id: id.nullish(), myshopify_domain: z.string().nullish() });
export const bulkOperationFinishPayload = z.object({
  admin_graphql_api_id: z.string(),
  completed_at: timestamp.nullish(),
  created_at: timestamp.nullish(),
  error_code: z.string().nullish(),
  status: z.string(),
  type: z.string(),
});
export const customersDataRequestPayload = z.object({
  shop_id: id,
  shop_domain: z.string(),
  customer: z.object({ id }),
  orders_requested: z.array(id).default([]),
  data_request: z.object({ id }).optional(),
});
export const customersRedactPayload = z.object({
  shop_id: id,
  shop_domain: z.string(),
  customer: z.object({ id }),
  orders_to_redact: z.array(id).default([]),
});
export const shopRedactPayload = z.object({ shop_id: id, shop_domain: z.string() });
/**
 * customer.tags_added / customer.tags_removed (since 2025-01 customer payloads carry no tags):
 * only the customer is read; its current tags are then asked of the Admin API.
 */
export const customerTagsPayload = z.object({
  customerId: z.union([
    z.string().regex(/^(gid:\/\/shopify\/Customer\/)?\d+$/).refine((s) => fitsBigint(s.replace(/^gid:\/\/shopify\/Customer\//, "")), "id out of range"),
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER, "numeric id beyond 2^53 (not exact)"),
  ]),
  /** The tags that changed, when the payload lists them. */
  tags: z.array(z.string()).nullish(),
});

export const PAYLOAD_SCHEMAS = {
  "orders/create": orderPayload,
  "orders/updated": orderPayload,
  "orders/cancelled": orderPayload,
  "refunds/create": refundPayload,
  "customers/create": customerPayload,
  "customers/update": customerPayload,
  "customers/delete": customerDeletePayload,
  "app/uninstalled": appUninstalledPayload,
  "bulk_operations/finish": bulkOperationFinishPayload,
  "customers/data_request": customersDataRequestPayload,
  "customers/redact": customersRedactPayload,
  "shop/redact": shopRedactPayload,
  "customer.tags_added": customerTagsPayload,
  "customer.tags_removed": customerTagsPayload,
} as const;

export type WebhookTopic = keyof typeof PAYLOAD_SCHEMAS;
export type OrderPayload = z.infer<typeof orderPayload>;
export type CustomerPayload = z.infer<typeof customerPayload>;
export type CustomerTagsPayload = z.infer<typeof customerTagsPayload>;


/** "ORDERS_CREATE" (what @shopify/shopify-api reports) or "orders/create" → "orders/create". */
const CANONICAL_TOPICS = new Map(
  Object.keys(PAYLOAD_SCHEMAS).map((topic) => [topic.replace(/[/.]/, "_"), topic as WebhookTopic]),
);

export function canonicalTopic(topic: string): string {
  const lower = topic.toLowerCase();
  return CANONICAL_TOPICS.get(lower.replace(/[/.]/, "_")) ?? lower;
}

export type ParsedPayload =
  | { ok: true; topic: WebhookTopic; payload: unknown }
  | { ok: false; topic: string; error: string };

/**
 * How far ahead of its receipt a payload's times may be (clock skew between Shopify and us).
 * Anything later is refused: an order "processed" next year would count in no window, and an
 * updated_at in the future would make the updated_at guard drop every real update after it.
 */
export const MAX_FUTURE_SKEW_MS = 24 * 3600_000;
const TIME_FIELDS = ["created_at", "updated_at", "processed_at", "cancelled_at"] as const;

/** Validates a payload against its topic's schema; `receivedAt` (now, by default) bounds its times. */
export function parseWebhookPayload(rawTopic: string, payload: unknown, receivedAt: Date = new Date()): ParsedPayload {
  const topic = canonicalTopic(rawTopic);
  // Own keys only: a topic such as "constructor" must not find Object.prototype's.
  const schema = Object.hasOwn(PAYLOAD_SCHEMAS, topic) ? (PAYLOAD_SCHEMAS as Record<string, z.ZodTypeAny>)[topic] : undefined;
  if (!schema) return { ok: false, topic, error: `unsupported topic ${topic}` };
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, topic, error: `${topic} payload invalid at ${issue.path.join(".") || "(root)"}: ${issue.message}` };
  }
  const data = result.data as Partial<Record<(typeof TIME_FIELDS)[number], string | null>>;
  const latest = receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
  for (const field of TIME_FIELDS) {
    const value = data[field];
    if (typeof value === "string" && Date.parse(value) > latest) {
      return { ok: false, topic, error: `${topic} payload invalid at ${field}: ${value} is more than a day after the webhook was received` };
    }
  }
  return { ok: true, topic: topic as WebhookTopic, payload: result.data };
}
