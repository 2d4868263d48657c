// The app as Remix serves it, for route tests: the real route modules (laid
// out by Remix's own flat-routes convention), app/root.tsx and
// app/entry.server.tsx behind Remix's request handler, with outbound Shopify
// traffic going to the local simulator. Requests are built the way Shopify's
// admin sends them: the first embedded document load carries an id_token in
// the URL (token exchange, afterAuth), later fetches from the page carry
// `Authorization: Bearer <session token>` as App Bridge adds it. So loaders
// and actions run through authenticate.admin, the stored offline session,
// Remix's data responses and the error boundaries exactly as in production.
//
// Import nothing from app/ statically in a test that uses this: the app's env
// is read when app modules first load, after startRemixApp has set it.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import type { ServerBuild } from "@remix-run/node";
import { SignJWT } from "jose";
import { startSimulator, type RunningSimulator } from "../simulator/server";
import { emptyShop } from "../simulator/generator";

const APP_DIR = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "app");
/** As in vite.config.ts (remix plugin options). */
const IGNORED_ROUTE_FILES = ["**/.*", "**/*.test.ts"];
const FUTURE: ServerBuild["future"] = {
  v3_fetcherPersist: true,
  v3_relativeSplatPath: true,
  v3_throwAbortReason: true,
  v3_lazyRouteDiscovery: true,
  v3_singleFetch: false,
};

type RouteModule = ServerBuild["routes"][string]["module"];

export interface RemixApp {
  sim: RunningSimulator;
  /** The app's URL (SHOPIFY_APP_URL); requests are addressed to it. */
  appUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Remix's request handler over the app's routes. */
  handle(request: Request): Promise<Response>;
  /** A shop in the simulator (not yet installed in the app). */
  addShop(shop: string, currency?: string): void;
  /** A fresh session token (HS256, signed with the app secret) as the admin issues one. */
  sessionToken(shop: string): Promise<string>;
  /** The embedded document URL Shopify's admin loads in its iframe: embedded, shop, host and id_token. */
  documentUrl(shop: string, path: string): Promise<string>;
  /** GET of a route's loader data, as Remix's client fetches it from the embedded page. */
  loaderData(shop: string, path: string, routeId: string, headers?: HeadersInit): Promise<Response>;
  /** POST of a form to a route's action, as Remix's <Form> submits it from the embedded page. */
  submitForm(shop: string, path: string, routeId: string, fields: Record<string, string>): Promise<Response>;
  /** Its modules as the routes see them (same instances). */
  import<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/** `?_data=` appended as Remix's client does for data requests. */
export function dataPath(path: string, routeId: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`;
}

/** Server-rendered HTML without the comments React puts between adjacent text nodes. */
export function renderedText(html: string): string {
  return html.replaceAll("<!-- -->", "");
}

/** A session token signed with some other secret: what a forged or foreign token looks like. */
export function forgedSessionToken(shop: string, apiKey: string, secret = "not-the-app-secret"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: apiKey, sub: "1", sid: "forged" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(now + 60)
    .setNotBefore(now)
    .setIssuedAt(now)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(secret));
}

async function loadBuild(): Promise<ServerBuild> {
  const load = (file: string) => import(/* @vite-ignore */ join(APP_DIR, file)) as Promise<RouteModule>;
  const routes: ServerBuild["routes"] = { root: { id: "root", path: "", module: await load("root.tsx") } };
  for (const route of Object.values(UNSAFE_flatRoutes(APP_DIR, IGNORED_ROUTE_FILES))) {
    routes[route.id] = {
      id: route.id,
      parentId: route.parentId,
      path: route.path,
      index: route.index,
      caseSensitive: route.caseSensitive,
      module: await load(route.file),
    };
  }
  const assetRoutes = Object.fromEntries(
    Object.values(routes).map((r) => [
      r.id,
      {
        id: r.id,
        parentId: r.parentId,
        path: r.path,
        index: r.index,
        caseSensitive: r.caseSensitive,
        module: `/assets/${r.id}.js`,
        imports: [],
        hasAction: Boolean(r.module.action),
        hasLoader: Boolean(r.module.loader),
        hasClientAction: false,
        hasClientLoader: false,
        hasErrorBoundary: Boolean(r.module.ErrorBoundary),
      },
    ]),
  );
  return {
    mode: "production",
    entry: { module: (await import(/* @vite-ignore */ join(APP_DIR, "entry.server.tsx"))) as ServerBuild["entry"]["module"] },
    routes,
    assets: { entry: { imports: [], module: "/assets/entry.client.js" }, routes: assetRoutes, url: "/assets/manifest.js", version: "route-tests" },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: FUTURE,
    isSpaMode: false,
  };
}

export async function startRemixApp(): Promise<RemixApp> {
  // Nothing listens here: requests are handed to Remix directly. https, as
  // Shopify requires of an app URL (redirects to http are refused).
  const appUrl = "https://rfm-app.test";
  const sim = await startSimulator({ port: 0, appUrl });
  const { apiKey, apiSecret } = sim.ctx.config;
  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  process.env.SHOPIFY_APP_URL = appUrl;
  process.env.SHOPIFY_API_KEY = apiKey;
  process.env.SHOPIFY_API_SECRET = apiSecret;

  const { createRequestHandler } = await import("@remix-run/node");
  const handler = createRequestHandler(await loadBuild());
  const handle = (request: Request) => handler(request);
  const sessionToken = (shop: string) => sim.ctx.hooks!.sessionToken(shop);

  const app: RemixApp = {
    sim,
    appUrl,
    apiKey,
    apiSecret,
    handle,
    addShop(shop, currency = "USD") {
      sim.ctx.shops.set(shop, emptyShop({ domain: shop, currency }));
    },
    sessionToken,
    async documentUrl(shop, path) {
      const url = new URL(path, appUrl);
      url.searchParams.set("embedded", "1");
      url.searchParams.set("shop", shop);
      url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
      url.searchParams.set("id_token", await sessionToken(shop));
      return url.toString();
    },
    async loaderData(shop, path, routeId, headers = {}) {
      const request = new Request(new URL(dataPath(path, routeId), appUrl), {
        headers: { authorization: `Bearer ${await sessionToken(shop)}`, ...Object.fromEntries(new Headers(headers)) },
      });
      return handle(request);
    },
    async submitForm(shop, path, routeId, fields) {
      const request = new Request(new URL(dataPath(path, routeId), appUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${await sessionToken(shop)}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
      return handle(request);
    },
    import: (path) => import(/* @vite-ignore */ join(APP_DIR, path)),
    async close() {
      const queue = await app.import<typeof import("../../app/queue.server")>("queue.server.ts");
      const db = await app.import<typeof import("../../app/db.server")>("db.server.ts");
      const pool = await app.import<typeof import("../../app/db-pool.server")>("db-pool.server.ts");
      await queue.closeQueues();
      await sim.close();
      await pool.pool.end();
      await db.prisma.$disconnect();
    },
  };
  return app;
}
