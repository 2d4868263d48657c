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
//
// Navigation (`ui-nav-menu`, and `s-app-nav` with `a` or `s-link` children), as
// Shopify documents it: the menu is declared inside the app and shown by the
// admin, not by the app. The stand-in hides the element in the app, reads its
// links (label, href, `rel="home"`) and posts them to the admin page, which
// renders them in its sidebar under the app's name (the `rel="home"` link is
// not listed: the app's name links to it). Clicking an item there asks the app
// to navigate: the stand-in dispatches a click on the app's own link, so a
// client-side router (Remix's <Link>) handles it without a reload; when nothing
// handles it, the admin reloads the app at that path, freshly signed. The app
// reports its location on every history change, and the admin highlights the
// matching item and keeps its own URL in step ({admin}/apps/{apiKey}{path}).
// The messages between the two frames are the simulator's own (Shopify's
// protocol is internal): {source: "sim-app-bridge", type: "nav-menu" | "location"
// | "redirect" | "save-bar"} up, {source: "sim-admin", type: "navigate", href} and
// {source: "sim-admin", type: "save-bar-action", id, action} down.
//
// Contextual save bar (`ui-save-bar`, as App Bridge documents it): the element is
// declared inside the app with a Save button (`variant="primary"`) and a Discard
// button, and never shows there; `show()`, `hide()`, `toggle()` and `showing` on
// the element, and `shopify.saveBar.show(id)` / `hide(id)` / `toggle(id)` /
// `leaveConfirmation()`, control it. The stand-in reports the bar (shown or not,
// its buttons' labels and disabled/loading state) to the admin page, which shows
// "Unsaved changes" with Discard and Save above the app's frame; clicking one there
// clicks the app's own button, so the app's handler runs.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { signQuery, signSessionToken } from "./auth";
import type { ServerState } from "./state";

function esc(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A value as a JavaScript literal that is safe inside an inline <script>. */
function jsLiteral(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const APP_TOML = resolve(dirname(fileURLToPath(import.meta.url)), "../../shopify.app.toml");

/** The app's name as the admin shows it: `name` in shopify.app.toml. */
function appName(tomlPath = APP_TOML): string {
  if (!existsSync(tomlPath)) return "App";
  const m = /^name\s*=\s*"((?:[^"\\]|\\.)*)"/m.exec(readFileSync(tomlPath, "utf8"));
  return m ? m[1] : "App";
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

// The admin's styles: a top bar, the sidebar with the app's navigation, the app's frame.
const ADMIN_CSS = `html,body{margin:0;height:100%;font-family:-apple-system,BlinkMacSystemFont,"San Francisco","Segoe UI",Roboto,"Helvetica Neue",sans-serif;font-size:13px;background:#f1f1f1;color:#303030}
header{height:56px;box-sizing:border-box;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;padding:0 16px;gap:12px}
header{position:relative}header .brand{font-weight:650;color:#fff}
#admin-loading{position:absolute;left:0;right:0;bottom:0;height:3px;overflow:hidden}#admin-loading::after{content:"";position:absolute;top:0;bottom:0;width:30%;background:#36a3ff;animation:admin-loading 1s ease-in-out infinite}
@keyframes admin-loading{from{left:-30%}to{left:100%}}header .shop{margin-left:auto}header .sim{opacity:.6}
.shell{display:flex;height:calc(100% - 56px)}
nav#admin-nav{width:240px;flex:none;box-sizing:border-box;padding:12px 8px;background:#ebebeb;overflow-y:auto}
nav#admin-nav ul{list-style:none;margin:0;padding:0}
nav#admin-nav li>a,nav#admin-nav li>span{display:flex;align-items:center;min-height:28px;padding:0 8px;border-radius:8px;color:#303030;text-decoration:none;font-weight:550}
nav#admin-nav li>span{color:#616161;cursor:default}
nav#admin-nav a:hover{background:#f7f7f7}
nav#admin-nav .section{margin:16px 8px 4px;color:#616161;font-size:12px;font-weight:550}
nav#admin-nav .app>a{gap:8px}
nav#admin-nav .app>a .icon{width:20px;height:20px;border-radius:5px;background:#29845a;color:#fff;display:inline-flex;align-items:center;justify-content:center;font-size:11px;font-weight:700}
nav#admin-nav ul.app-menu a{padding-left:36px;font-weight:450}
nav#admin-nav a[aria-current="page"]{background:#fafafa;font-weight:650;color:#303030}
main{flex:1;min-width:0;display:flex;flex-direction:column}
#admin-save-bar{flex:none;display:flex;align-items:center;gap:8px;padding:8px 16px;background:#1a1a1a;color:#fff;font-weight:550}
#admin-save-bar[hidden]{display:none}
#admin-save-bar .grow{flex:1}
#admin-save-bar button{font:inherit;border-radius:8px;padding:6px 12px;border:1px solid #616161;background:#303030;color:#fff;cursor:pointer}
#admin-save-bar button[data-action="save"]{background:#fff;color:#303030;border-color:#fff}
#admin-save-bar button:disabled{opacity:.5;cursor:default}
iframe{border:0;width:100%;flex:1;min-height:0;display:block;background:#f1f1f1}`;

// The admin's side of the navigation (see the top of this file).
function adminScript(o: { base: string; appOrigin: string }): string {
  return `(function () {
  var BASE = ${jsLiteral(o.base)};
  var APP_ORIGIN = ${jsLiteral(o.appOrigin)};
  var frame = document.getElementById('app-iframe');
  var home = document.getElementById('app-home');
  var menu = document.getElementById('app-menu');
  var items = [];
  var homeHref = '/';
  var current = null;
  function send(msg) {
    msg.source = 'sim-admin';
    if (frame.contentWindow) frame.contentWindow.postMessage(msg, APP_ORIGIN);
  }
  function matches(path, href) {
    var p = path.split('?')[0].replace(/\\/+$/, '') || '/';
    var h = href.split('?')[0].replace(/\\/+$/, '') || '/';
    return p === h || (h !== '/' && p.indexOf(h + '/') === 0);
  }
  function highlight() {
    var best = null;
    var links = menu.querySelectorAll('a');
    for (var i = 0; i < links.length; i++) {
      var h = links[i].getAttribute('data-href');
      if (current !== null && matches(current, h) && (!best || h.length > best.getAttribute('data-href').length)) best = links[i];
    }
    for (var j = 0; j < links.length; j++) links[j].removeAttribute('aria-current');
    home.removeAttribute('aria-current');
    if (best) best.setAttribute('aria-current', 'page');
    else if (current !== null && matches(current, homeHref)) home.setAttribute('aria-current', 'page');
  }
  function render(list) {
    items = list.filter(function (it) { return it && typeof it.href === 'string' && it.href.charAt(0) === '/' && it.href.charAt(1) !== '/'; });
    var h = items.filter(function (it) { return it.home; })[0];
    homeHref = h ? h.href : '/';
    home.href = BASE + homeHref;
    home.setAttribute('data-href', homeHref);
    menu.textContent = '';
    items.filter(function (it) { return !it.home; }).forEach(function (it) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = BASE + it.href;
      a.setAttribute('data-href', it.href);
      a.textContent = it.label;
      li.appendChild(a);
      menu.appendChild(li);
    });
    highlight();
  }
  function go(event) {
    var a = event.target.closest && event.target.closest('a[data-href]');
    if (!a || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    send({ type: 'navigate', href: a.getAttribute('data-href') });
  }
  menu.addEventListener('click', go);
  home.addEventListener('click', go);
  var bar = document.getElementById('admin-save-bar');
  var barId = null;
  function renderSaveBar(d) {
    if (!d.visible) { if (barId === d.id || barId === null) { bar.hidden = true; barId = null; } return; }
    barId = d.id;
    [['save', d.save], ['discard', d.discard]].forEach(function (pair) {
      var b = bar.querySelector('button[data-action="' + pair[0] + '"]');
      var o = pair[1] || {};
      b.textContent = o.loading ? (pair[0] === 'save' ? 'Saving…' : 'Discarding…') : (o.label || (pair[0] === 'save' ? 'Save' : 'Discard'));
      b.disabled = Boolean(o.disabled || o.loading);
    });
    bar.hidden = false;
  }
  bar.addEventListener('click', function (event) {
    var b = event.target.closest && event.target.closest('button[data-action]');
    if (!b || b.disabled || barId === null) return;
    send({ type: 'save-bar-action', id: barId, action: b.getAttribute('data-action') });
  });
  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.origin !== APP_ORIGIN) return;
    var d = event.data;
    if (!d || d.source !== 'sim-app-bridge') return;
    if (d.type === 'nav-menu' && Array.isArray(d.items)) render(d.items);
    else if (d.type === 'save-bar' && typeof d.id === 'string') renderSaveBar(d);
    else if (d.type === 'loading') document.getElementById('admin-loading').hidden = !d.on;
    else if (d.type === 'location' && typeof d.path === 'string') {
      current = d.path;
      highlight();
      try { history.replaceState(null, '', BASE + (d.path.charAt(0) === '/' ? d.path : '/' + d.path)); } catch (e) {}
    } else if (d.type === 'redirect' && typeof d.path === 'string' && d.path.charAt(0) === '/' && d.path.charAt(1) !== '/') {
      window.location.assign(BASE + d.path);
    }
  });
})();`;
}

export async function adminPage(state: ServerState, shop: string, subPath: string, query: URLSearchParams): Promise<string> {
  const src = await embeddedAppUrl(state, shop, subPath, query);
  const s = state.ctx.shops.get(shop);
  const base = `/store/${encodeURIComponent(shop)}/admin/apps/${encodeURIComponent(state.ctx.config.apiKey)}`;
  const name = appName();
  const initials = name.replace(/[^A-Za-z0-9 ]/g, "").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join("") || "A";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(name)} · ${esc(s?.name ?? shop)} · Shopify admin (simulator)</title>
<style>${ADMIN_CSS}</style></head>
<body><header><div id="admin-loading" role="progressbar" aria-label="Loading" hidden></div><span class="brand">Shopify admin</span><span class="sim">(local simulator)</span><span class="shop">${esc(s?.name ?? shop)} · ${esc(shop)}</span></header>
<div class="shell">
<nav id="admin-nav" aria-label="Admin navigation">
<ul><li><span>Home</span></li><li><span>Orders</span></li><li><span>Products</span></li><li><span>Customers</span></li><li><span>Analytics</span></li></ul>
<div class="section">Apps</div>
<ul><li class="app"><a id="app-home" href="${esc(base)}/" data-href="/"><span class="icon" aria-hidden="true">${esc(initials)}</span><span class="name">${esc(name)}</span></a>
<ul id="app-menu" class="app-menu" aria-label="${esc(name)}"></ul></li></ul>
</nav>
<main><div id="admin-save-bar" role="region" aria-label="Unsaved changes" hidden><span class="grow">Unsaved changes</span><button type="button" data-action="discard">Discard</button><button type="button" data-action="save">Save</button></div><iframe id="app-iframe" name="app-iframe" title="${esc(name)}" src="${esc(src)}" allow="clipboard-write"></iframe></main>
</div>
<script>${adminScript({ base, appOrigin: new URL(src).origin })}</script>
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
    loading: function (on) { toAdmin({ type: 'loading', on: on !== false }); },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); } },
    saveBar: {
      show: function (id) { var b = saveBarById(id); if (b) b.show(); return Promise.resolve(); },
      hide: function (id) { var b = saveBarById(id); if (b) b.hide(); return Promise.resolve(); },
      toggle: function (id) { var b = saveBarById(id); if (b) b.toggle(); return Promise.resolve(); },
      leaveConfirmation: function () { return Promise.resolve(); }
    },
    resourcePicker: function () { return Promise.resolve(undefined); },
    user: function () { return Promise.resolve({}); },
    __toasts: toasts
  };
  // Navigation: hide the declared menu in the app and report it (and the
  // app's location) to the admin page, which renders it (see the top of admin-page.ts).
  var NAV = 'ui-nav-menu, s-app-nav';
  var EMBED_PARAMS = ['embedded', 'shop', 'host', 'id_token', 'session', 'locale', 'timestamp', 'hmac'];
  function toAdmin(msg) {
    msg.source = 'sim-app-bridge';
    if (window.parent !== window) window.parent.postMessage(msg, SIM);
  }
  // The elements get a shadow root without a slot, so their links are not
  // shown in the app; nothing is added to the document (which React hydrates).
  try {
    ['ui-nav-menu', 's-app-nav'].forEach(function (tag) {
      if (!window.customElements || customElements.get(tag)) return;
      customElements.define(tag, class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML = '<style>:host { display: none !important; }</style>';
        }
      });
    });
  } catch (e) {}
  // The contextual save bar (see the top of admin-page.ts).
  function saveBarById(id) {
    var el = id ? document.getElementById(id) : document.querySelector('ui-save-bar');
    return el && el.tagName === 'UI-SAVE-BAR' && typeof el.show === 'function' ? el : null;
  }
  function saveBarButtons(el) {
    var buttons = Array.prototype.slice.call(el.querySelectorAll('button'));
    var describe = function (b) { return b ? { label: (b.textContent || '').trim(), disabled: b.disabled, loading: b.hasAttribute('loading') && b.getAttribute('loading') !== 'false' } : null; };
    return {
      save: buttons.filter(function (b) { return b.getAttribute('variant') === 'primary'; })[0] || null,
      discard: buttons.filter(function (b) { return b.getAttribute('variant') !== 'primary'; })[0] || null,
      describe: describe
    };
  }
  try {
    if (window.customElements && !customElements.get('ui-save-bar')) {
      customElements.define('ui-save-bar', class extends HTMLElement {
        constructor() {
          super();
          this._showing = false;
          this.attachShadow({ mode: 'open' }).innerHTML = '<style>:host { display: none !important; }</style>';
          var self = this;
          this._observer = new MutationObserver(function () { if (self._showing) self._report(); });
        }
        connectedCallback() { this._observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true }); }
        disconnectedCallback() { this._observer.disconnect(); if (this._showing) { this._showing = false; this._report(); } }
        get showing() { return this._showing; }
        get discardConfirmation() { return this.hasAttribute('discardConfirmation'); }
        set discardConfirmation(v) { if (v) this.setAttribute('discardConfirmation', ''); else this.removeAttribute('discardConfirmation'); }
        show() { if (!this._showing) { this._showing = true; this._report(); this.dispatchEvent(new CustomEvent('show')); } return Promise.resolve(); }
        hide() { if (this._showing) { this._showing = false; this._report(); this.dispatchEvent(new CustomEvent('hide')); } return Promise.resolve(); }
        toggle() { return this._showing ? this.hide() : this.show(); }
        _report() {
          var b = saveBarButtons(this);
          toAdmin({ type: 'save-bar', id: this.id || '', visible: this._showing, save: b.describe(b.save), discard: b.describe(b.discard) });
        }
      });
    }
  } catch (e) {}
  window.addEventListener('message', function (event) {
    var d = event.data;
    if (event.source !== window.parent || !d || d.source !== 'sim-admin' || d.type !== 'save-bar-action') return;
    var el = saveBarById(String(d.id || ''));
    if (!el || !el.showing) return;
    var b = saveBarButtons(el)[d.action === 'save' ? 'save' : 'discard'];
    if (b && !b.disabled) b.click();
  });
  function navLinks() {
    var menu = document.querySelector(NAV);
    return menu ? Array.prototype.slice.call(menu.querySelectorAll('a, s-link')) : [];
  }
  var lastNav = null;
  function reportNav() {
    if (!document.querySelector(NAV)) return;
    var items = navLinks().filter(function (a) { return a.getAttribute('href'); }).map(function (a) {
      return { href: a.getAttribute('href'), label: (a.textContent || '').trim(), home: a.getAttribute('rel') === 'home' };
    });
    var json = JSON.stringify(items);
    if (json === lastNav) return;
    lastNav = json;
    toAdmin({ type: 'nav-menu', items: items });
  }
  var lastPath = null;
  function reportLocation() {
    var q = new URLSearchParams(window.location.search);
    EMBED_PARAMS.forEach(function (k) { q.delete(k); });
    var rest = q.toString();
    var path = window.location.pathname + (rest ? '?' + rest : '');
    if (path === lastPath) return;
    lastPath = path;
    toAdmin({ type: 'location', path: path });
  }
  ['pushState', 'replaceState'].forEach(function (name) {
    var orig = history[name];
    history[name] = function () { var r = orig.apply(this, arguments); reportLocation(); return r; };
  });
  window.addEventListener('popstate', reportLocation);
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; reportNav(); }, 0);
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['href', 'rel'] });
  function ready() { reportNav(); reportLocation(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
  // The admin asks for a navigation: click the app's own link, as App Bridge
  // does, so its router handles it; unhandled, the admin reloads the app there.
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data || event.data.source !== 'sim-admin' || event.data.type !== 'navigate') return;
    var href = String(event.data.href || '');
    var link = navLinks().filter(function (a) { return a.getAttribute('href') === href; })[0];
    if (!link) return toAdmin({ type: 'redirect', path: href });
    if (link.tagName === 'S-LINK') return link.dispatchEvent(new CustomEvent('shopify:navigate', { bubbles: true }));
    var click = new MouseEvent('click', { bubbles: true, cancelable: true, view: window, button: 0 });
    var after = function (e) {
      if (e !== click) return;
      window.removeEventListener('click', after);
      if (!click.defaultPrevented) {
        click.preventDefault();
        toAdmin({ type: 'redirect', path: href });
      }
    };
    window.addEventListener('click', after);
    link.dispatchEvent(click);
  });
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
