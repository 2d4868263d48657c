import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  SessionNotFoundError,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { prismaSessionStorage, withOfflineTokenLock } from "./models/sessions.server";
import { markReauthRequired, reauthRequiredOf, restoreShopAccess } from "./models/shop-access.server";
import { RefreshingSessionStorage } from "./offline-tokens.server";
import { RefreshRefusedError, refreshOfflineToken } from "./shopify/offline-token.server";
import { env } from "./env.server";
import { routeShopifyTraffic } from "./shopify/outbound.server";
import { onShopInstalled } from "./models/shop-install.server";
import { enqueue } from "./queue.server";
import { CachedSessionStorage } from "./shopify/cached-session-storage.server";
import { ShopifyAdminClient, ShopNotInstalledError, ShopReauthRequiredError, type GraphqlFunction } from "./shopify/admin-client.server";

// Must run after the node adapter import above, which captures fetch.
routeShopifyTraffic(env.SHOPIFY_SIMULATOR_URL);

export const apiVersion = ApiVersion.January26;

/**
 * The app's session storage: tokens encrypted at rest, loads cached briefly, expiring offline
 * tokens refreshed once across processes. One per process (a test builds a second one to
 * stand for another process).
 */
export function createSessionStorage(): RefreshingSessionStorage {
  const stored = prismaSessionStorage();
  return new RefreshingSessionStorage(new CachedSessionStorage(stored), stored, {
    refresh: (shop, refreshToken) => refreshOfflineToken({ shop, refreshToken, apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET }),
    refusalOf: (error) => (error instanceof RefreshRefusedError ? error.reason : null),
    withLock: withOfflineTokenLock,
    onRefused: (shop, reason) => markReauthRequired(shop, reason),
  });
}

const sessionStorage = createSessionStorage();

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  logger: { level: env.NODE_ENV === "test" ? LogSeverity.Warning : LogSeverity.Info },
  hooks: {
    afterAuth: async ({ session }) => {
      await onShopInstalled({ shop: session.shop, scope: session.scope ?? "" });
      await restoreShopAccess(session.shop);
      await enqueue("initial-sync", { shop: session.shop });
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export { sessionStorage };

/**
 * The gateway's client on the shop's offline session (background work), or
 * ShopNotInstalledError. Here, with the app config that owns the sessions, so
 * the gateway itself never loads the app config.
 */
export async function adminClientFor(shop: string): Promise<ShopifyAdminClient> {
  await offlineGraphql(shop); // fails fast: not installed, or waiting for the merchant
  // A long job outlives a one-hour token: each request takes the current session
  // (cached; refreshed once when near expiry) instead of the one it started with.
  const graphql: GraphqlFunction = async (query, options) => (await offlineGraphql(shop))(query, options);
  return new ShopifyAdminClient(shop, graphql, { timeoutMs: env.SHOPIFY_REQUEST_TIMEOUT_MS });
}

async function offlineGraphql(shop: string): Promise<GraphqlFunction> {
  try {
    const { admin } = await unauthenticated.admin(shop);
    return admin.graphql as GraphqlFunction;
  } catch (error) {
    if (error instanceof SessionNotFoundError) {
      const reauth = await reauthRequiredOf(shop);
      if (reauth) throw new ShopReauthRequiredError(`${shop}: Shopify refused the refresh token (${reauth.reason ?? "no reason given"}); waiting for the merchant to open the app`);
      throw new ShopNotInstalledError(`${shop} has no offline session (not installed)`);
    }
    throw error;
  }
}
