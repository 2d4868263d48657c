// The local Shopify simulator's HTTP server (node:http). URL layout:
//   POST /store/{shop}/admin/api/{version}/graphql.json   Admin GraphQL (X-Shopify-Access-Token)
//   POST /store/{shop}/admin/oauth/access_token           code grant, token exchange, refresh
//   GET  /store/{shop}/admin/oauth/authorize              simulated grant screen -> redirect with code
//   GET  /store/{shop}/admin/apps/{apiKey}[/path]         admin page embedding the app
//   GET  /store/{shop}/admin/_session-token?apiKey=       fresh session token for the App Bridge stand-in
//   GET  /cdn/app-bridge.js                               App Bridge stand-in
//   GET  /bulk/{token}.jsonl                              bulk results (expiring)
//   POST|PUT /staged-uploads/{token}                      staged upload target
//   *    /_sim/*                                          control endpoints (control.ts)
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { adminPage, appBridgeScript } from "./admin-page";
import { ageShopTokens, checkAccessToken, handleAccessTokenRequest, issueAccessToken, issueAuthorizationCode, refreshTokenUses, revokeShopTokens, signQuery, signSessionToken } from "./auth";
import * as bulk from "./bulk";
import { createContext, type SimulatorContext } from "./context";
import { handleControl } from "./control";
import { faultsOf } from "./faults";
import { executeUnthrottled, runAdminGraphql } from "./graphql/execute";
import { createRouter, pathSegments, type Route } from "./router";
import { extrasOf, type ServerOptions, type ServerState } from "./state";
import { Throttle } from "./throttle";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");

export interface StartOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  apiSecret?: string;
  appUrl?: string;
  apiVersion?: string;
  /** Injectable clock for everything time-based (bucket refill, URL expiry, tokens). */
  now?: () => Date;
  /** Use an existing context (shops already generated); its config.baseUrl is filled in. */
  ctx?: SimulatorContext;
  options?: Partial<ServerOptions>;
  /** Log requests to stderr. */
  log?: boolean;
}

export interface RunningSimulator {
  url: string;
  ctx: SimulatorContext;
  state: ServerState;
  close(): Promise<void>;
}

export const DEFAULT_OPTIONS: ServerOptions = {
  bulkUrlTtlMs: 7 * 86_400_000,
  bulkStartDelayMs: 20,
  bulkRunMs: 100,
  maxConcurrentBulkOps: 5,
  flowTriggerHandles: [],
  extensionsDir: join(repoRoot, "extensions"),
  flowPayloadLimitBytes: 1_000_000,
  segmentMetafieldsNeedDefinition: true,
  defaultUserId: 1,
  recentOrderDays: 60,
  expiringTokenTtlSec: 3600,
};

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, headers);
  res.end(body);
}
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  send(res, status, JSON.stringify(body), { "content-type": "application/json; charset=utf-8", ...headers });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  return JSON.parse(raw);
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, x-shopify-access-token",
  "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
};

interface HttpCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}
type HttpHandler = (call: HttpCall) => unknown;

/** The shop a /store/{shop}/… URL names (Shopify domains are case-insensitive). */
const shopDomainOf = (call: HttpCall) => decodeURIComponent(call.params.shop).toLowerCase();

/** Every endpoint of the server; see the URL layout at the top of this file. */
function serverRoutes(state: ServerState): Route<HttpHandler>[] {
  const ctx = state.ctx;
  const faults = faultsOf(state);
  const appBridge: HttpHandler = ({ res }) =>
    send(res, 200, appBridgeScript(ctx.config.baseUrl), { "content-type": "application/javascript; charset=utf-8", ...CORS });
  const health: HttpHandler = ({ res }) => sendJson(res, 200, { ok: true, shops: [...ctx.shops.keys()] });

  const graphql: HttpHandler = async (call) => {
    const { req, res } = call;
    const shopDomain = shopDomainOf(call);
    const shop = ctx.shops.get(shopDomain);
    if (!shop) return sendJson(res, 404, { errors: "Not Found" });
    const version = call.params.version;
    if (!/^(\d{4}-(01|04|07|10)|unstable)$/.test(version)) return sendJson(res, 404, { errors: "Not Found" });
    if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
    const token = checkAccessToken(state, shopDomain, req.headers["x-shopify-access-token"]);
    if (!token) return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    let body: any;
    try {
      body = await readJson(req);
    } catch {
      return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const query = typeof body?.query === "string" ? body.query : "";
    const serve = async () => {
      const result = await runAdminGraphql(state, shop, ctx.config.apiKey, body ?? {});
      const headers = { "content-type": "application/json; charset=utf-8", "x-shopify-api-version": version, "x-request-id": crypto.randomUUID() };
      return { status: 200, body: JSON.stringify(result), headers };
    };
    // A throttle storm (faults.ts) comes first: the shop's bucket is found empty, so the answer is THROTTLED.
    const storming = faults.storming(shopDomain, query);
    if (storming) faults.drain(state.throttle.bucket(ctx.config.apiKey, shop.domain, shop.plan));
    else if (await faults.intercept(shopDomain, "graphql", `${query}\n${JSON.stringify(body?.variables ?? {})}`, res, serve)) return;
    const answer = await serve();
    return send(res, answer.status, answer.body, answer.headers);
  };

  const accessToken: HttpHandler = (call) => {
    if (call.req.method !== "POST") return sendJson(call.res, 405, { errors: "Method Not Allowed" });
    return handleAccessTokenRequest(state, shopDomainOf(call), call.req, call.res);
  };

  const authorize: HttpHandler = (call) => {
    const { res, url } = call;
    const shopDomain = shopDomainOf(call);
    if (!ctx.shops.has(shopDomain)) return sendJson(res, 404, { errors: "Not Found" });
    if (url.searchParams.get("client_id") !== ctx.config.apiKey) return send(res, 400, "Oauth error invalid_request: The client_id is invalid", { "content-type": "text/plain" });
    const redirectUri = url.searchParams.get("redirect_uri") ?? `${ctx.config.appUrl}/auth/callback`;
    const params: Record<string, string> = {
      code: issueAuthorizationCode(state, shopDomain),
      host: Buffer.from(`${shopDomain}/admin`).toString("base64").replace(/=+$/, ""),
      shop: shopDomain,
      state: url.searchParams.get("state") ?? "",
      timestamp: String(Math.floor(ctx.now().getTime() / 1000)),
    };
    params.hmac = signQuery(ctx.config.apiSecret, params);
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    return send(res, 302, "", { location: target.toString() });
  };

  const sessionToken: HttpHandler = async (call) => {
    const { res, url } = call;
    const shopDomain = shopDomainOf(call);
    if (!ctx.shops.has(shopDomain)) return sendJson(res, 404, { errors: "Not Found" }, CORS);
    const key = url.searchParams.get("apiKey");
    if (key && key !== ctx.config.apiKey) return sendJson(res, 400, { error: "unknown apiKey" }, CORS);
    return sendJson(res, 200, { token: await signSessionToken(state, shopDomain) }, { ...CORS, "cache-control": "no-store" });
  };

  const embeddedApp: HttpHandler = async (call) => {
    const { res, url, params } = call;
    const shopDomain = shopDomainOf(call);
    if (!ctx.shops.has(shopDomain)) return send(res, 404, "Shop not found", { "content-type": "text/plain" });
    if (params.apiKey !== ctx.config.apiKey && params.apiKey !== "rfm-churn-segments") return send(res, 404, "App not found", { "content-type": "text/plain" });
    return send(res, 200, await adminPage(state, shopDomain, params.path, url.searchParams), { "content-type": "text/html; charset=utf-8" });
  };

  return [
    ["*", "/_sim/*rest", ({ req, res }) => handleControl(req, res, ctx)],
    ["*", "/cdn/app-bridge.js", appBridge],
    ["*", "/shopifycloud/app-bridge.js", appBridge],
    ["GET", "/bulk/:token.jsonl", async ({ res, params }) => {
      const shopOfFile = state.files.get(params.token)?.shop;
      if (shopOfFile && (await faults.intercept(shopOfFile, "bulk-file", "bulk-file", res, () => Promise.reject(new Error("no late bulk files")), () => bulk.expireUrls(state, shopOfFile)))) return;
      return bulk.handleBulkFile(state, params.token, res);
    }],
    ["*", "/staged-uploads/:token", ({ req, res, params }) => bulk.handleStagedUpload(state, params.token, req, res)],
    ["*", "/", health],
    ["*", "/health", health],
    ["*", "/store/:shop/admin/api/:version/graphql.json", graphql],
    ["*", "/store/:shop/admin/oauth/access_token", accessToken],
    ["*", "/store/:shop/admin/oauth/authorize", authorize],
    ["*", "/store/:shop/admin/_session-token", sessionToken],
    ["GET", "/store/:shop/admin/apps/:apiKey/*path", embeddedApp],
  ];
}

export async function startSimulator(opts: StartOptions = {}): Promise<RunningSimulator> {
  const ctx =
    opts.ctx ??
    createContext(
      {
        apiKey: opts.apiKey ?? "rfm-churn-local-client-id",
        apiSecret: opts.apiSecret ?? "local-dev-secret",
        appUrl: opts.appUrl ?? "http://127.0.0.1:3000",
        apiVersion: opts.apiVersion ?? "2026-01",
        baseUrl: "",
      },
      { now: opts.now },
    );
  if (opts.now && opts.ctx) ctx.now = opts.now;
  const state: ServerState = {
    ctx,
    options: { ...DEFAULT_OPTIONS, ...opts.options },
    throttle: new Throttle(() => ctx.now().getTime()),
    tokens: new Map(),
    refreshTokens: new Map(),
    extras: new Map(),
    files: new Map(),
    stagedUploads: new Map(),
    executeUnthrottled: (shop, doc, variables, o) => executeUnthrottled(state, shop, doc, variables, o),
  };
  ctx.hooks = {
    issueAccessToken: (shop) => issueAccessToken(state, shop).token,
    sessionToken: (shop, userId) => signSessionToken(state, shop, userId),
    failNextBulkOperation: (shop, code) => extrasOf(state, shop).forcedBulkFailures.push(code),
    expireBulkUrls: (shop) => bulk.expireUrls(state, shop),
    completeBulkOperations: (shop) => bulk.completeAll(state, shop),
    setRateLimit: (shop, o) => {
      state.throttle.overrides.set(shop, o);
      state.throttle.reset(shop === "*" ? undefined : shop);
    },
    revokeTokens: (shop) => revokeShopTokens(state, shop),
    revokeRefreshTokens: (shop) => revokeShopTokens(state, shop, { refreshOnly: true }),
    ageTokens: (shop, seconds) => ageShopTokens(state, shop, seconds),
    refreshTokenUses: (shop) => refreshTokenUses(state, shop),
    listSegments: (shop) => [...extrasOf(state, shop).segments.values()].map(({ id, name, query }) => ({ id, name, query })),
    adminUrl: (shop, path = "") => `${ctx.config.baseUrl}/store/${shop}/admin/apps/${ctx.config.apiKey}${path}`,
  };

  const route = createRouter(serverRoutes(state));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://simulator.local");
    const method = req.method ?? "GET";
    if (opts.log) console.error(`[simulator] ${method} ${url.pathname}`);
    if (method === "OPTIONS") return send(res, 204, "", CORS);
    const match = route(method, pathSegments(url.pathname));
    if (!match) return sendJson(res, 404, { errors: "Not Found" });
    await match.handler({ req, res, url, params: match.params });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error("[simulator] internal error", e);
      if (!res.headersSent) sendJson(res, 500, { errors: "Internal Server Error" });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => ok());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const url = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  ctx.config.baseUrl = url;
  return {
    url,
    ctx,
    state,
    close: () =>
      new Promise<void>((ok) => {
        for (const ex of state.extras.values()) for (const op of ex.bulkOps) if (op.timer) clearTimeout(op.timer);
        faultsOf(state).close();
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
