// The refresh grant of an expiring offline token: POST /admin/oauth/access_token
// with grant_type=refresh_token. Shopify answers a new access token (1 hour) and
// a new refresh token (it rotates on every use). Through @shopify/shopify-api's
// fetch, so the one outbound setting (SHOPIFY_SIMULATOR_URL) routes it too.
import { Session } from "@shopify/shopify-api";
import { abstractFetch } from "@shopify/shopify-api/runtime";

/** Shopify refused the refresh token (400/401: revoked, expired, retired). No retry can fix it. */
export class RefreshRefusedError extends Error {
  name = "RefreshRefusedError";
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`refresh refused (${status}): ${reason}`);
  }
}

interface AccessTokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

export async function refreshOfflineToken(
  o: { shop: string; refreshToken: string; apiKey: string; apiSecret: string },
  now: () => number = Date.now,
): Promise<Session> {
  const response = await abstractFetch(`https://${o.shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ client_id: o.apiKey, client_secret: o.apiSecret, refresh_token: o.refreshToken, grant_type: "refresh_token" }),
  });
  const text = await response.text();
  if (response.status === 400 || response.status === 401) {
    let reason = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { error?: string; error_description?: string };
      reason = [body.error, body.error_description].filter(Boolean).join(": ") || reason;
    } catch {
      // not JSON: keep the text
    }
    throw new RefreshRefusedError(response.status, reason);
  }
  if (!response.ok) throw new Error(`refresh grant for ${o.shop}: HTTP ${response.status}`);
  const body = JSON.parse(text) as AccessTokenResponse;
  const at = now();
  return new Session({
    id: `offline_${o.shop}`,
    shop: o.shop,
    state: "",
    isOnline: false,
    accessToken: body.access_token,
    scope: body.scope,
    ...(body.expires_in ? { expires: new Date(at + body.expires_in * 1000) } : {}),
    ...(body.refresh_token && body.refresh_token_expires_in
      ? { refreshToken: body.refresh_token, refreshTokenExpires: new Date(at + body.refresh_token_expires_in * 1000) }
      : {}),
  });
}
