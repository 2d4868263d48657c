// Server-side state of the simulator that is not part of the generated store
// model: tokens, segments, metafield definitions, bulk operations, uploads.
import { createHash } from "node:crypto";
import type { SimulatorContext } from "../context";
import type { SimCustomer, SimOrder, SimShop } from "../model";
import { Throttle } from "../throttle";

export interface SimSegment {
  id: number;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface SimMetafieldDefinition {
  id: number;
  name: string;
  namespace: string;
  key: string;
  description: string | null;
  type: string;
  ownerType: string;
  pinnedPosition: number | null;
}

export interface BulkOp {
  id: number;
  shop: string;
  type: "QUERY" | "MUTATION";
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
  query: string;
  createdAt: string;
  completedAt: string | null;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  urlToken: string | null;
  partialToken: string | null;
  /** For mutations: the staged upload key holding the variables. */
  stagedUploadPath?: string;
  clientIdentifier?: string | null;
  timer?: NodeJS.Timeout;
  /** Internal: produced JSONL lines and how many are root objects. */
  lines?: string[];
  roots?: number;
  started?: Promise<void>;
}

export interface ShopExtras {
  segments: Map<number, SimSegment>;
  definitions: SimMetafieldDefinition[];
  bulkOps: BulkOp[];
  /** Errors to apply to the next bulk operations that complete. */
  forcedBulkFailures: BulkOp["errorCode"][];
  metafieldIds: Map<string, number>;
}

export interface StoredFile {
  shop: string;
  data: string;
  expiresAt: number; // epoch ms
  contentType: string;
}

export interface AccessToken {
  token: string;
  shop: string;
  scope: string;
  online: boolean;
  expiresAt?: number;
  userId?: number;
}

export interface ServerOptions {
  /** Result URL lifetime in ms (Shopify: 7 days). */
  bulkUrlTtlMs: number;
  /** Simulated bulk operation durations in ms (real timers). */
  bulkStartDelayMs: number;
  bulkRunMs: number;
  /** Max concurrent (CREATED/RUNNING) bulk operations per shop; 5 from 2026-01. */
  maxConcurrentBulkOps: number;
  /** Flow trigger handles accepted besides those found in extensions/*\/shopify.extension.toml. */
  flowTriggerHandles: string[];
  /** Directory holding the app's extensions (for flow trigger handles). */
  extensionsDir: string | null;
  /** Flow trigger payload limit in bytes (Shopify: less than 1 MB). */
  flowPayloadLimitBytes: number;
  /** Require a metafield definition before a metafield can be used in a segment query. */
  segmentMetafieldsNeedDefinition: boolean;
  /** The user a session token is issued for. */
  defaultUserId: number;
  /** Days of orders visible without read_all_orders. */
  recentOrderDays: number;
}

export interface ServerState {
  ctx: SimulatorContext;
  options: ServerOptions;
  throttle: Throttle;
  tokens: Map<string, AccessToken>;
  refreshTokens: Map<string, { shop: string }>;
  extras: Map<string, ShopExtras>;
  files: Map<string, StoredFile>;
  stagedUploads: Map<string, { shop: string; key: string; data?: string }>;
  /** REST-shaped customer webhook payload builder (webhook-payloads.ts when present). */
  customerPayload?: (shop: SimShop, c: SimCustomer) => Record<string, unknown>;
}

export function extrasOf(state: ServerState, shop: string): ShopExtras {
  let e = state.extras.get(shop);
  if (!e) {
    e = { segments: new Map(), definitions: [], bulkOps: [], forcedBulkFailures: [], metafieldIds: new Map() };
    state.extras.set(shop, e);
  }
  return e;
}

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

export function parseGid(id: unknown, type?: string): number | null {
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)(\?.*)?$/.exec(String(id ?? ""));
  if (!m) return null;
  if (type && m[1] !== type) return null;
  return Number(m[2]);
}

export function gidType(id: unknown): string | null {
  const m = /^gid:\/\/shopify\/(\w+)\/\d+/.exec(String(id ?? ""));
  return m ? m[1] : null;
}

export const money = (minor: number, currency: string) => ({
  amount: (minor / 100).toFixed(2).replace(/\.00$/, ".0"),
  currencyCode: currency,
});

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

const DAY = 86_400_000;

/** Orders the app may see: without read_all_orders only the last 60 days (by processedAt). */
export function orderVisible(state: ServerState, shop: SimShop, o: SimOrder): boolean {
  if (shop.grantedScopes.includes("read_all_orders")) return true;
  const cutoff = state.ctx.now().getTime() - state.options.recentOrderDays * DAY;
  return Date.parse(o.processedAt) >= cutoff;
}

export function ordersOfCustomer(shop: SimShop, customerId: number): SimOrder[] {
  const out: SimOrder[] = [];
  for (const o of shop.orders.values()) if (o.customerId === customerId) out.push(o);
  return out;
}

export function refundedMinor(o: SimOrder): number {
  return o.refunds.reduce((s, r) => s + r.shopMinor, 0);
}
export function refundedPresentmentMinor(o: SimOrder): number {
  return o.refunds.reduce((s, r) => s + r.presentmentMinor, 0);
}

export interface CustomerStats {
  numberOfOrders: number;
  amountSpentMinor: number;
  lastOrder: SimOrder | null;
  rfmGroup: string;
  predictedSpendTier: string;
}

/** Shopify's own figures for a customer, computed from all of their orders. */
export function customerStats(state: ServerState, shop: SimShop, c: SimCustomer): CustomerStats {
  const orders = ordersOfCustomer(shop, c.id).filter((o) => !o.test);
  let spent = 0;
  let last: SimOrder | null = null;
  for (const o of orders) {
    if (!o.cancelledAt) spent += o.totalShopMinor - refundedMinor(o);
    if (!last || o.processedAt > last.processedAt) last = o;
  }
  const f = orders.length;
  const m = spent / 100;
  const r = last ? (state.ctx.now().getTime() - Date.parse(last.processedAt)) / DAY : Infinity;
  let rfm: string;
  if (f === 0) rfm = "PROSPECTS";
  else if (r <= 30 && f >= 5) rfm = "CHAMPIONS";
  else if (r <= 30 && f === 1) rfm = "NEW";
  else if (r <= 90 && f >= 4) rfm = "LOYAL";
  else if (r <= 90 && f >= 2) rfm = "ACTIVE";
  else if (r <= 90) rfm = "PROMISING";
  else if (r <= 180 && f >= 2) rfm = "NEEDS_ATTENTION";
  else if (r > 180 && f >= 5) rfm = "PREVIOUSLY_LOYAL";
  else if (r > 180 && f >= 3) rfm = "AT_RISK";
  else if (r <= 365) rfm = "ALMOST_LOST";
  else rfm = "DORMANT";
  const tier = m >= 500 ? "HIGH" : m >= 100 ? "MEDIUM" : "LOW";
  return { numberOfOrders: f, amountSpentMinor: spent, lastOrder: last, rfmGroup: rfm, predictedSpendTier: tier };
}

/** Metafield types the simulator validates. */
export function validateMetafieldValue(type: string, value: string): string | null {
  switch (type) {
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : `Value must be a decimal.`;
    case "number_integer":
      return /^-?\d+$/.test(value) && Math.abs(Number(value)) <= 9007199254740991 ? null : `Value must be an integer.`;
    case "boolean":
      return value === "true" || value === "false" ? null : `Value must be true or false.`;
    case "date_time":
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : `Value must be in \`YYYY-MM-DDTHH:MM:SS\` format.`;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : `Value must be in \`YYYY-MM-DD\` format.`;
    case "single_line_text_field":
      return /[\r\n]/.test(value) ? `Value must be a single line text string.` : value.length > 65535 ? "Value is too long." : null;
    case "multi_line_text_field":
      return null;
    case "json":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value is invalid JSON.";
      }
    default:
      return KNOWN_TYPES.has(type) ? null : `Type '${type}' is not a valid type.`;
  }
}

export const KNOWN_TYPES = new Set([
  "number_decimal", "number_integer", "boolean", "date_time", "date", "single_line_text_field",
  "multi_line_text_field", "json", "url", "color", "rating", "money", "weight", "volume", "dimension",
  "list.single_line_text_field", "list.number_integer", "list.number_decimal", "customer_reference",
  "product_reference", "collection_reference", "variant_reference", "file_reference", "page_reference",
]);
