// OAuth and session tokens as Shopify does them: HS256 session tokens (id_token)
// signed with the app secret, the authorization-code grant and token exchange
// on POST /admin/oauth/access_token, and access-token checks on the Admin API.
import { randomBytes, randomUUID, createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignJWT, jwtVerify } from "jose";
import type { AccessToken, ServerState } from "./state";

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signSessionToken(state: ServerState, shop: string, userId?: number): Promise<string> {
  const { apiKey, apiSecret } = state.ctx.config;
  const now = Math.floor(state.ctx.now().getTime() / 1000);
  return new SignJWT({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: String(userId ?? state.options.defaultUserId),
    sid: randomBytes(16).toString("hex"),
    sig: randomBytes(16).toString("hex"),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(now + 60)
    .setNotBefore(now)
    .setIssuedAt(now)
    .setJti(randomUUID())
    .sign(key(apiSecret));
}

/** Issue an access token for a shop (what OAuth / token exchange return). */
export function issueAccessToken(state: ServerState, shop: string, opts: { online?: boolean; userId?: number; expiresInSec?: number } = {}): AccessToken {
  const s = state.ctx.shops.get(shop);
  const t: AccessToken = {
    token: `shpat_${randomBytes(16).toString("hex")}`,
    shop,
    scope: (s?.grantedScopes ?? []).join(","),
    online: !!opts.online,
    userId: opts.userId,
    expiresAt: opts.expiresInSec ? state.ctx.now().getTime() + opts.expiresInSec * 1000 : undefined,
  };
  if (opts.online) t.token = `shpua_${t.token.slice(6)}`;
  state.tokens.set(t.token, t);
  return t;
}

/** The Admin API's check of X-Shopify-Access-Token. */
export function checkAccessToken(state: ServerState, shop: string, header: string | string[] | undefined): AccessToken | null {
  const tok = Array.isArray(header) ? header[0] : header;
  if (!tok) return null;
  const t = state.tokens.get(tok);
  if (!t || t.shop !== shop) return null;
  if (t.expiresAt !== undefined && state.ctx.now().getTime() > t.expiresAt) return null;
  const s = state.ctx.shops.get(shop);
  if (!s || s.uninstalledAt) return null;
  return t;
}

export function revokeShopTokens(state: ServerState, shop: string, opts: { refreshOnly?: boolean } = {}) {
  if (!opts.refreshOnly) for (const [k, t] of state.tokens) if (t.shop === shop) state.tokens.delete(k);
  for (const [k, t] of state.refreshTokens) if (t.shop === shop) state.refreshTokens.delete(k);
}

export function ageShopTokens(state: ServerState, shop: string, seconds: number) {
  const ms = seconds * 1000;
  for (const t of state.tokens.values()) if (t.shop === shop && t.expiresAt !== undefined) t.expiresAt -= ms;
  for (const t of state.refreshTokens.values()) {
    if (t.shop !== shop) continue;
    t.expiresAt -= ms;
    if (t.firstUsedAt !== undefined) t.firstUsedAt -= ms;
  }
}

const rejectedRefreshes = new WeakMap<ServerState, Map<string, number>>();

export function refreshTokenUses(state: ServerState, shop: string): { uses: number[]; rejected: number } {
  const uses = [...state.refreshTokens.values()].filter((t) => t.shop === shop && t.uses > 0).map((t) => t.uses);
  return { uses, rejected: rejectedRefreshes.get(state)?.get(shop) ?? 0 };
}

const REFRESH_TOKEN_TTL_SEC = 7_776_000; // 90 days
const USED_REFRESH_TOKEN_GRACE_MS = 30 * 86_400_000;

/** Why a refresh grant is refused, or null when the token may be used (Shopify's rules, 2026-08). */
function refreshRefusal(state: ServerState, shop: string, token: string): string | null {
  const rt = state.refreshTokens.get(token);
  if (!rt || rt.shop !== shop) return "Refresh token is invalid";
  const now = state.ctx.now().getTime();
  if (rt.retired) return "Refresh token was already used and its replacement has been used";
  if (now > rt.expiresAt) return "Refresh token has expired";
  if (rt.firstUsedAt !== undefined && now > rt.firstUsedAt + USED_REFRESH_TOKEN_GRACE_MS) return "Refresh token was already used";
  return null;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  const ct = String(req.headers["content-type"] ?? "");
  if (ct.includes("application/json")) {
    try {
      const o = JSON.parse(raw || "{}");
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Authorization codes handed out by the simulated install/grant screen. */
export function issueAuthorizationCode(state: ServerState & { codes?: Map<string, string> }, shop: string): string {
  const code = randomBytes(16).toString("hex");
  (state.codes ??= new Map()).set(code, shop);
  return code;
}

const ONLINE_TTL = 86_399;

/** POST /store/{shop}/admin/oauth/access_token */
export async function handleAccessTokenRequest(state: ServerState & { codes?: Map<string, string> }, shop: string, req: IncomingMessage, res: ServerResponse) {
  const p = await readParams(req);
  const { apiKey, apiSecret } = state.ctx.config;
  const s = state.ctx.shops.get(shop);
  if (!s) return json(res, 404, { errors: "Not Found" });
  if (p.client_id !== apiKey || p.client_secret !== apiSecret) {
    return json(res, 400, { error: "invalid_client", error_description: "Client credentials are invalid" });
  }
  const ttl = state.options.expiringTokenTtlSec;
  const offlineBody = (expiring = p.expiring === "1", replaces?: string) => {
    const t = issueAccessToken(state, shop, expiring ? { expiresInSec: ttl } : {});
    const body: Record<string, unknown> = { access_token: t.token, scope: t.scope };
    if (expiring) {
      const rt = `shprt_${randomBytes(16).toString("hex")}`;
      state.refreshTokens.set(rt, { shop, expiresAt: state.ctx.now().getTime() + REFRESH_TOKEN_TTL_SEC * 1000, replaces, retired: false, uses: 0 });
      Object.assign(body, { expires_in: ttl, refresh_token: rt, refresh_token_expires_in: REFRESH_TOKEN_TTL_SEC });
    }
    return body;
  };
  const onlineBody = (userId: number) => {
    const t = issueAccessToken(state, shop, { online: true, userId, expiresInSec: ONLINE_TTL });
    return {
      access_token: t.token,
      scope: t.scope,
      expires_in: ONLINE_TTL,
      associated_user_scope: t.scope,
      session: randomBytes(16).toString("hex"),
      account_number: 0,
      associated_user: {
        id: userId,
        first_name: "Sim",
        last_name: "Merchant",
        email: `merchant+${userId}@example.com`,
        account_owner: true,
        locale: "en",
        collaborator: false,
        email_verified: true,
      },
    };
  };

  if (p.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
    if (p.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token") {
      return json(res, 400, { error: "invalid_request", error_description: "subject_token_type is invalid" });
    }
    let payload: Record<string, unknown>;
    try {
      payload = (await jwtVerify(p.subject_token ?? "", key(apiSecret), { algorithms: ["HS256"], audience: apiKey, currentDate: state.ctx.now(), clockTolerance: 10 })).payload;
    } catch {
      return json(res, 400, { error: "invalid_subject_token", error_description: "Subject token is invalid" });
    }
    if (payload.dest !== `https://${shop}`) return json(res, 400, { error: "invalid_subject_token", error_description: "Subject token is for a different shop" });
    if (p.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token") return json(res, 200, onlineBody(Number(payload.sub)));
    if (p.requested_token_type === "urn:shopify:params:oauth:token-type:offline-access-token" || !p.requested_token_type) return json(res, 200, offlineBody());
    return json(res, 400, { error: "invalid_request", error_description: "requested_token_type is invalid" });
  }
  if (p.grant_type === "refresh_token") {
    const token = p.refresh_token ?? "";
    const refusal = refreshRefusal(state, shop, token);
    if (refusal) {
      const rejected = rejectedRefreshes.get(state) ?? new Map<string, number>();
      rejectedRefreshes.set(state, rejected.set(shop, (rejected.get(shop) ?? 0) + 1));
      return json(res, 400, { error: "invalid_grant", error_description: refusal });
    }
    const rt = state.refreshTokens.get(token)!;
    rt.uses++;
    rt.firstUsedAt ??= state.ctx.now().getTime();
    // Using a replacement retires the token it replaced.
    const previous = rt.replaces ? state.refreshTokens.get(rt.replaces) : undefined;
    if (previous) previous.retired = true;
    return json(res, 200, offlineBody(true, token));
  }
  if (p.grant_type === "client_credentials") return json(res, 200, { ...offlineBody(), expires_in: 86_399 });
  // Authorization-code grant.
  if (!p.code) return json(res, 400, { error: "invalid_request", error_description: "Missing code" });
  const codeShop = state.codes?.get(p.code);
  if (codeShop !== shop) return json(res, 400, { error: "invalid_request", error_description: "The authorization code was not found or was already used" });
  state.codes!.delete(p.code);
  return json(res, 200, offlineBody());
}

/** Shopify's hmac over sorted query parameters (admin-style), hex. */
export function signQuery(secret: string, params: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(params).sort((a, b) => a.localeCompare(b))) if (k !== "hmac" && k !== "signature") q.append(k, params[k]);
  return createHmac("sha256", secret).update(q.toString().replace(/\+/g, "%20")).digest("hex");
}
