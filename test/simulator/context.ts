// Runtime context of the local Shopify simulator: configuration, the shops,
// the webhook sink, Flow trigger records and the clock. Everything that
// changes a store (store events, live traffic, control endpoints, the GraphQL
// server) works against this, so it can also run without the HTTP server.
import type { SimShop } from "./model";

export interface SimulatorConfig {
  apiKey: string;
  apiSecret: string;
  /** Where the embedded app lives, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  /** Admin API version the app pins, e.g. "2026-01" (any version path is accepted). */
  apiVersion: string;
  /** Base URL of the simulator itself, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
}

export interface FlowTriggerRecord {
  shop: string;
  handle: string;
  payload: unknown;
  receivedAt: string;
}

/**
 * One Admin API write to one customer (tagsAdd, tagsRemove, metafieldsSet, metafieldsDelete,
 * per call or inside a bulk mutation): what it asked for, and which of those items were
 * already in place (a tag already present or absent, a metafield already holding the value).
 * The fault suite counts redundant items as duplicated effects.
 */
export interface CustomerWriteRecord {
  shop: string;
  customerId: number;
  kind: "tagsAdd" | "tagsRemove" | "metafieldsSet" | "metafieldsDelete";
  /** Tags, or metafields as "namespace.key". */
  items: string[];
  /** The items of `items` that changed nothing. */
  redundant: string[];
  at: string;
}

export type BulkErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

/** Server-side helpers the control endpoints (and tests) may call. Set by startSimulator. */
export interface SimulatorHooks {
  /** Issue an offline Admin API access token for a shop (what OAuth would return). */
  issueAccessToken(shopDomain: string): string;
  /** A fresh HS256 session token (id_token) for the shop, as App Bridge would give. */
  sessionToken(shopDomain: string, userId?: number): Promise<string>;
  /** Make the next bulk operation(s) of the shop FAIL with the given error code. */
  failNextBulkOperation(shopDomain: string, errorCode: BulkErrorCode): void;
  /** Expire all bulk result URLs (of one shop or of all shops) now. */
  expireBulkUrls(shopDomain?: string): void;
  /** Finish every running bulk operation now instead of after its simulated delay. */
  completeBulkOperations(shopDomain?: string): Promise<void>;
  /** Override the leaky bucket of a shop ("*" = every shop); resets its current bucket. */
  setRateLimit(shopDomain: string, o: { restoreRate?: number; maximumAvailable?: number }): void;
  /** The shop's customer segments (name and query), by id. */
  listSegments(shopDomain: string): { id: number; name: string; query: string }[];
  /** Invalidate every access token of a shop (e.g. on uninstall). */
  revokeTokens(shopDomain: string): void;
  /** Invalidate the shop's refresh tokens only (access tokens live until they expire). */
  revokeRefreshTokens(shopDomain: string): void;
  /** Let time pass for the shop's tokens alone: every expiry moves `seconds` closer. */
  ageTokens(shopDomain: string, seconds: number): void;
  /** Refresh grants per refresh token of the shop (1 each when no token was spent twice) and the rejected ones. */
  refreshTokenUses(shopDomain: string): { uses: number[]; rejected: number };
  /** Where to open the embedded app for a shop: {baseUrl}/store/{shop}/admin/apps/{apiKey}{path}. */
  adminUrl(shopDomain: string, path?: string): string;
}

export interface SimulatorContext {
  config: SimulatorConfig;
  shops: Map<string, SimShop>; // by domain
  /** Emit a webhook for a shop (the events helper's emitter implements it; default no-op until set). */
  emitWebhook(shopDomain: string, topic: string, payload: unknown): void;
  flowTriggers: FlowTriggerRecord[];
  /** Every accepted customer write, in order (GET /_sim/customer-writes). */
  customerWrites: CustomerWriteRecord[];
  /** Which shops have an enabled workflow using the app's trigger (from the lifecycle callback simulation). */
  flowEnabledShops: Set<string>;
  now(): Date;
  nextId(): number; // monotonically increasing numeric ids for new objects
  /** Filled in by startSimulator; undefined on a bare context. */
  hooks?: SimulatorHooks;
}

export function createContext(
  config: SimulatorConfig,
  opts: { now?: () => Date; firstId?: number } = {},
): SimulatorContext {
  let id = opts.firstId ?? 1_000_000;
  return {
    config,
    shops: new Map(),
    emitWebhook: () => {},
    flowTriggers: [],
    customerWrites: [],
    flowEnabledShops: new Set(),
    now: opts.now ?? (() => new Date()),
    nextId: () => ++id,
  };
}
