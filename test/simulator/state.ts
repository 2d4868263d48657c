// State of one running simulator server that is not part of the store model:
// options, tokens, segments, metafield definitions, bulk operations, files
// and uploads (the store data itself lives in the context's shops).
import type { DocumentNode } from "graphql";
import type { SimulatorContext } from "./context";
import type { SimShop } from "./model";
import type { Throttle } from "./throttle";

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

/**
 * An expiring offline token's refresh token. Shopify rotates it on every use
 * and, since 2026-08, keeps a used one valid until its replacement is used
 * (at most 30 days after its first use, never past its 90-day lifetime).
 */
export interface RefreshToken {
  shop: string;
  expiresAt: number; // epoch ms
  /** The refresh token this one replaced: retired when this one is first used. */
  replaces?: string;
  firstUsedAt?: number;
  retired: boolean;
  /** Refresh grants made with this token (a well-behaved app makes one). */
  uses: number;
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
  /** Lifetime of an expiring offline access token in seconds (Shopify: 3600). */
  expiringTokenTtlSec: number;
}

export interface ServerState {
  ctx: SimulatorContext;
  options: ServerOptions;
  throttle: Throttle;
  tokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  extras: Map<string, ShopExtras>;
  files: Map<string, StoredFile>;
  /** Upload targets by token; `path` is the uploaded body on disk (bulk-files.ts), once uploaded. */
  stagedUploads: Map<string, { shop: string; key: string; path?: string }>;
  /**
   * Runs a parsed Admin GraphQL document without throttling (bulk operations).
   * Handed in by startSimulator so that bulk.ts need not import the executor,
   * which imports the resolvers, which start bulk operations.
   */
  executeUnthrottled: UnthrottledExecutor;
}

/** A GraphQL response as JSON (errors already serialised). */
export interface GraphqlResult {
  data?: unknown;
  errors?: unknown[];
  extensions?: Record<string, unknown>;
}

export type UnthrottledExecutor = (
  shop: SimShop,
  doc: DocumentNode,
  variables: Record<string, unknown>,
  opts: { bulk: boolean; operationName?: string | null },
) => Promise<GraphqlResult>;

export function extrasOf(state: ServerState, shop: string): ShopExtras {
  let e = state.extras.get(shop);
  if (!e) {
    e = { segments: new Map(), definitions: [], bulkOps: [], forcedBulkFailures: [], metafieldIds: new Map() };
    state.extras.set(shop, e);
  }
  return e;
}
