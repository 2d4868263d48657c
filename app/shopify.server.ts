import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { routeShopifyTraffic } from "./shopify/outbound.server";
import { onShopInstalled } from "./models/shop-install.server";
import { enqueue } from "./jobs/queue.server";
import { CachedSessionStorage } from "./shopify/cached-session-storage.server";

// Must run after the node adapter import above, which captures fetch.
routeShopifyTraffic(env.SHOPIFY_SIMULATOR_URL);

export const apiVersion = ApiVersion.January26;

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new CachedSessionStorage(new PrismaSessionStorage(prisma)),
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true },
  logger: { level: env.NODE_ENV === "test" ? LogSeverity.Warning : LogSeverity.Info },
  hooks: {
    afterAuth: async ({ session }) => {
      await onShopInstalled({ shop: session.shop, scope: session.scope ?? "" });
      await enqueue("initial-sync", { shop: session.shop });
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
