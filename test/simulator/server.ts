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
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createContext, type SimulatorContext } from "./context";
import { checkAccessToken, handleAccessTokenRequest, issueAccessToken, issueAuthorizationCode, revokeShopTokens, signQuery, signSessionToken } from "./auth";
import { adminPage, appBridgeScript } from "./admin-page";
import * as bulk from "./bulk";
import { runAdminGraphql } from "./graphql/execute";
import { extrasOf, type ServerOptions, type ServerState } from "./graphql/state";
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

type ControlHandler = (req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext) => unknown;
let controlHandler: ControlHandler | null | undefined;
async function loadControl(): Promise<ControlHandler | null> {
  if (controlHandler !== undefined) return controlHandler;
  const file = ["control.ts", "control.js"].map((f) => join(here, f)).find((f) => existsSync(f));
  if (!file) return (controlHandler = null);
  try {
    const mod = await import(/* @vite-ignore */ pathToFileURL(file).href);
    controlHandler = (mod as { handleControl?: ControlHandler }).handleControl ?? null;
  } catch (e) {
    console.error("[simulator] could not load control.ts", e);
    controlHandler = null;
  }
  return controlHandler;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type, x-shopify-access-token",
  "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
};

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
  };
  const payloads = join(here, "webhook-payloads.ts");
  if (existsSync(payloads)) {
    try {
      const mod = (await import(/* @vite-ignore */ pathToFileURL(payloads).href)) as { customerPayload?: ServerState["customerPayload"] };
      if (typeof mod.customerPayload === "function") state.customerPayload = mod.customerPayload;
    } catch {
      /* fall back to the minimal payload */
    }
  }
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
    adminUrl: (shop, path = "") => `${ctx.config.baseUrl}/store/${shop}/admin/apps/${ctx.config.apiKey}${path}`,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://simulator.local");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (opts.log) console.error(`[simulator] ${method} ${path}`);
    if (method === "OPTIONS") return send(res, 204, "", CORS);

    if (path.startsWith("/_sim/") || path === "/_sim") {
      const h = await loadControl();
      if (!h) return sendJson(res, 404, { error: "control endpoints not available" });
      await h(req, res, ctx);
      if (!res.writableEnded) sendJson(res, 404, { error: "unknown control endpoint" });
      return;
    }
    if (path === "/cdn/app-bridge.js" || path === "/shopifycloud/app-bridge.js") {
      return send(res, 200, appBridgeScript(ctx.config.baseUrl), { "content-type": "application/javascript; charset=utf-8", ...CORS });
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/bulk\/([\w-]+)\.jsonl$/.exec(path)) && method === "GET") return bulk.handleBulkFile(state, m[1], res);
    if ((m = /^\/staged-uploads\/([\w-]+)$/.exec(path))) return bulk.handleStagedUpload(state, m[1], req, res);
    if (path === "/" || path === "/health") return sendJson(res, 200, { ok: true, shops: [...ctx.shops.keys()] });

    m = /^\/store\/([^/]+)(\/.*)$/.exec(path);
    if (!m) return sendJson(res, 404, { errors: "Not Found" });
    const shopDomain = decodeURIComponent(m[1]).toLowerCase();
    const rest = m[2];
    const shop = ctx.shops.get(shopDomain);

    let g: RegExpExecArray | null;
    if ((g = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(rest))) {
      if (!shop) return sendJson(res, 404, { errors: "Not Found" });
      const version = g[1];
      if (!/^(\d{4}-(01|04|07|10)|unstable)$/.test(version)) return sendJson(res, 404, { errors: "Not Found" });
      if (method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
      const token = checkAccessToken(state, shopDomain, req.headers["x-shopify-access-token"]);
      if (!token) return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
      let body: any;
      try {
        body = await readJson(req);
      } catch {
        return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
      }
      const result = await runAdminGraphql(state, shop, ctx.config.apiKey, body ?? {});
      return sendJson(res, 200, result, { "x-shopify-api-version": version, "x-request-id": crypto.randomUUID() });
    }
    if (rest === "/admin/oauth/access_token") {
      if (method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
      return handleAccessTokenRequest(state, shopDomain, req, res);
    }
    if (rest === "/admin/oauth/authorize") {
      if (!shop) return sendJson(res, 404, { errors: "Not Found" });
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
    }
    if (rest === "/admin/_session-token") {
      if (!shop) return sendJson(res, 404, { errors: "Not Found" }, CORS);
      const key = url.searchParams.get("apiKey");
      if (key && key !== ctx.config.apiKey) return sendJson(res, 400, { error: "unknown apiKey" }, CORS);
      return sendJson(res, 200, { token: await signSessionToken(state, shopDomain) }, { ...CORS, "cache-control": "no-store" });
    }
    if ((g = /^\/admin\/apps\/([^/]+)(\/.*)?$/.exec(rest)) && method === "GET") {
      if (!shop) return send(res, 404, "Shop not found", { "content-type": "text/plain" });
      if (g[1] !== ctx.config.apiKey && g[1] !== "rfm-churn-segments") return send(res, 404, "App not found", { "content-type": "text/plain" });
      return send(res, 200, await adminPage(state, shopDomain, g[2] ?? "", url.searchParams), { "content-type": "text/html; charset=utf-8" });
    }
    return sendJson(res, 404, { errors: "Not Found" });
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
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
