// The Shopify admin shell: GET /store/{shop}/admin/apps/{apiKey}[/path] renders a
// page that embeds the app in an iframe exactly as Shopify loads embedded apps,
// and /cdn/app-bridge.js is a small stand-in for App Bridge.
//
// App Bridge stand-in: the app (in simulator mode) loads
//   <script data-api-key="..." src="{SIMULATOR_URL}/cdn/app-bridge.js">
// It defines window.shopify with idToken(), which fetches a fresh session token
// from GET {SIMULATOR_URL}/store/{shop}/admin/_session-token?apiKey={apiKey}
// (CORS-enabled, JSON {"token": "..."}). The shop comes from the page's `shop`
// query parameter, the `host` parameter (base64 "{shop}/admin") or
// sessionStorage. Like the real App Bridge it also adds
// `Authorization: Bearer <idToken>` to the app's same-origin fetch() calls and
// handles the `shopify-reload` bounce (navigates there with a fresh id_token).
import { randomBytes } from "node:crypto";
import { signQuery, signSessionToken } from "./auth";
import type { ServerState } from "./state";

function esc(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export async function embeddedAppUrl(state: ServerState, shop: string, subPath: string, extraQuery: URLSearchParams): Promise<string> {
  const { apiSecret, appUrl } = state.ctx.config;
  const idToken = await signSessionToken(state, shop);
  const params: Record<string, string> = {};
  for (const [k, v] of extraQuery) params[k] = v;
  Object.assign(params, {
    embedded: "1",
    shop,
    host: Buffer.from(`${shop}/admin`).toString("base64").replace(/=+$/, ""),
    id_token: idToken,
    session: randomBytes(32).toString("hex"),
    locale: "en",
    timestamp: String(Math.floor(state.ctx.now().getTime() / 1000)),
  });
  params.hmac = signQuery(apiSecret, params);
  const q = new URLSearchParams(params);
  return `${appUrl.replace(/\/$/, "")}${subPath || ""}?${q.toString()}`;
}

export async function adminPage(state: ServerState, shop: string, subPath: string, query: URLSearchParams): Promise<string> {
  const src = await embeddedAppUrl(state, shop, subPath, query);
  const s = state.ctx.shops.get(shop);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s?.name ?? shop)} · Shopify admin (simulator)</title>
<style>html,body{margin:0;height:100%;font-family:system-ui,sans-serif}header{height:48px;background:#1a1a1a;color:#fff;display:flex;align-items:center;padding:0 16px;gap:12px}
iframe{border:0;width:100%;height:calc(100% - 48px);display:block}</style></head>
<body><header><strong>Shopify admin</strong><span>${esc(shop)}</span><span style="opacity:.6">(local simulator)</span></header>
<iframe id="app-iframe" name="app-iframe" title="app" src="${esc(src)}" allow="clipboard-write"></iframe>
</body></html>`;
}

export function appBridgeScript(baseUrl: string): string {
  return `/* Shopify App Bridge stand-in served by the local Shopify simulator. */
(function () {
  if (window.shopify && window.shopify.__simulator) return;
  var script = document.currentScript;
  var SIM = ${JSON.stringify(baseUrl)};
  try { if (script && script.src) SIM = new URL(script.src).origin; } catch (e) {}
  var apiKey = (script && script.getAttribute('data-api-key')) || (document.querySelector('meta[name="shopify-api-key"]') || {}).content || '';
  var params = new URLSearchParams(window.location.search);
  var shop = params.get('shop');
  if (!shop && params.get('host')) { try { shop = atob(params.get('host')).split('/')[0]; } catch (e) {} }
  if (!shop) { try { shop = sessionStorage.getItem('sim-shopify-shop'); } catch (e) {} }
  if (shop) { try { sessionStorage.setItem('sim-shopify-shop', shop); } catch (e) {} }
  var host = params.get('host') || (shop ? btoa(shop + '/admin').replace(/=+$/, '') : null);
  var origFetch = window.fetch.bind(window);
  function idToken() {
    if (!shop) return Promise.reject(new Error('App Bridge (simulator): unknown shop'));
    return origFetch(SIM + '/store/' + encodeURIComponent(shop) + '/admin/_session-token?apiKey=' + encodeURIComponent(apiKey))
      .then(function (r) { if (!r.ok) throw new Error('session token request failed: ' + r.status); return r.json(); })
      .then(function (j) { return j.token; });
  }
  window.fetch = function (input, init) {
    try {
      var url = new URL(typeof input === 'string' ? input : (input && input.url) || String(input), window.location.href);
      if (url.origin === window.location.origin) {
        return idToken().then(function (tok) {
          var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
          if (!headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + tok);
          return origFetch(input, Object.assign({}, init || {}, { headers: headers }));
        });
      }
    } catch (e) {}
    return origFetch(input, init);
  };
  var toasts = [];
  window.shopify = {
    __simulator: true,
    config: { apiKey: apiKey, shop: shop, host: host, locale: 'en' },
    environment: { embedded: window.top !== window, mobile: false, pos: false },
    idToken: idToken,
    toast: { show: function (msg, opts) { toasts.push({ message: msg, opts: opts }); console.log('[toast]', msg); return 'toast-' + toasts.length; }, hide: function () {} },
    loading: function () {},
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); } },
    saveBar: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); } },
    resourcePicker: function () { return Promise.resolve(undefined); },
    user: function () { return Promise.resolve({}); },
    __toasts: toasts
  };
  var reload = params.get('shopify-reload');
  if (reload) {
    idToken().then(function (tok) {
      var target = new URL(reload, window.location.href);
      target.searchParams.set('id_token', tok);
      window.location.replace(target.toString());
    });
  }
})();
`;
}
