// Browser tests' support: the real built web app (remix-serve on build/, as in
// production), the worker and the simulator as child processes (the demo's
// process supervision, test/support/procs.ts), one generated shop installed the
// way Shopify's admin installs it, and Debian's Chromium driven by
// playwright-core (no browser download: /usr/bin/chromium, `npm run setup`
// installs it). Pages are opened the way a merchant opens them: the
// simulator's admin page at {simUrl}/store/{shop}/admin/apps/{apiKey}[/path],
// which embeds the app in its iframe.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import type pg from "pg";
import { testDatabaseUrl } from "../test-env";
import {
  API_KEY,
  ROOT,
  clearQueuePrefix,
  dbClient,
  ensureBuild,
  installApp,
  prepareDatabase,
  simJson,
  startSimulatorForApp,
  startWeb,
  startWorker,
  stopAll,
} from "./procs";
import { eventually } from "./timing";

export const CHROMIUM = "/usr/bin/chromium";
/** A normal desktop Chrome: the library answers 410 to bots (isbot), and headless Chromium's own user agent is one. */
export const DESKTOP_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
/** The browser tests' own build (not build/, which `npm run build`, the demo and the benchmarks share). */
const BUILD_DIR = ".cache/browser-build";

export interface StackOptions {
  shop: string;
  customers: number;
  seed: number;
  /** Live orders after scoring, so some customers move between segments (recent moves, "moved this week"). */
  liveOrders: { rate: number; seconds: number };
}

export interface Stack {
  simUrl: string;
  appUrl: string;
  shop: string;
  shopId: string;
  apiKey: string;
  /** The app's database (a pool of its own, for the tests' independent queries). */
  db: pg.Pool;
  /** The simulator's admin page for the app at `path` (what the merchant opens). */
  adminUrl(path?: string): string;
  close(): Promise<void>;
}

const log = (msg: string) => console.log(`[browser ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** The app's database for the browser tests, beside the test database (recreated per run). */
function browserDatabaseName(): string {
  const name = decodeURIComponent(new URL(testDatabaseUrl()).pathname.slice(1));
  return `${name}_browser`.replace(/[^a-z0-9_]/g, "_");
}

/**
 * Builds the web app when its build is stale (`npm run build` into
 * .cache/browser-build, so another build of build/ cannot pull the assets
 * from under the running test), starts the
 * simulator, web and worker, generates and installs the shop, waits for its
 * backfill and scores, streams a few live orders and waits until the app has
 * applied them. Write-back is switched off for the shop (as a merchant can in
 * Settings): the pages show the scores, and Shopify's echo of 2,000 tag writes
 * would only cost time.
 */
export async function startStack(o: StackOptions): Promise<Stack> {
  const t0 = Date.now();
  ensureBuild(BUILD_DIR);
  const dbName = browserDatabaseName();
  const databaseUrl = await prepareDatabase(dbName, { fresh: true });
  const prefix = `browser-${process.pid}`;
  const { appPort, appUrl, simUrl, env } = await startSimulatorForApp({ databaseUrl, queuePrefix: prefix, simMaxOldSpaceMb: 1024 });
  await simJson(simUrl, "POST", "/_sim/shops", { domain: o.shop, name: "Browser Test Store", plan: "advanced", generate: { seed: o.seed, customers: o.customers, years: 2, plantedTraits: true } });
  await Promise.all([startWeb(env, appPort, BUILD_DIR), startWorker(env)]);
  const db = dbClient(databaseUrl);
  const one = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;
  log(`simulator ${simUrl}, web ${appUrl}, database ${dbName} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  await installApp({ simUrl, appUrl, shop: o.shop });
  const { id: shopId } = await one<{ id: string }>(`select id from "Shop" where domain = $1`, [o.shop]);
  await db.query(`update "ShopSettings" set "writeBackEnabled" = false where "shopId" = $1`, [shopId]);
  const wait = <T>(label: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000) =>
    eventually(probe, { timeoutMs, intervalMs: 200, timeoutMessage: `timed out waiting for ${label}` });
  const synced = await wait("the backfill", async () => {
    const r = await one<{ syncStatus: string; syncError: string | null }>(`select "syncStatus", "syncError" from "Shop" where id = $1`, [shopId]);
    return r.syncStatus === "completed" || r.syncStatus === "failed" ? r : null;
  });
  if (synced.syncStatus !== "completed") throw new Error(`backfill failed: ${synced.syncError}`);
  const recompute = await wait("the scores", () =>
    one<{ status: string; error: string | null }>(`select status, error from "JobRun" where name = 'recompute-shop' and "shopDomain" = $1 and status <> 'running' order by id limit 1`, [o.shop]),
  );
  if (recompute.status !== "completed") throw new Error(`recompute failed: ${recompute.error}`);
  log(`installed, synced and scored (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  await simJson(simUrl, "POST", `/_sim/shops/${o.shop}/live`, { rate: o.liveOrders.rate, seconds: o.liveOrders.seconds, seed: 7, wait: true });
  await simJson(simUrl, "POST", "/_sim/webhooks/flush", { timeoutMs: 60_000 });
  await wait("the live orders to be applied and rescored", async () => {
    const r = await one<{ pending: number }>(`select count(*)::int as pending from "WebhookEvent" where "shopDomain" = $1 and status = 'pending'`, [o.shop]);
    if (r.pending > 0) return false;
    // Rescores are debounced per customer: wait until no order is newer than its customer's score.
    const stale = await one<{ n: number }>(
      `select count(*)::int as n from "Order" o join "CustomerScore" s on s."shopId" = o."shopId" and s."customerId" = o."customerId"
        where o."shopId" = $1 and o."processedAt" > s."updatedAt"`,
      [shopId],
    );
    return stale.n === 0;
  });
  log(`live orders applied (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  return {
    simUrl,
    appUrl,
    shop: o.shop,
    shopId,
    apiKey: API_KEY,
    db,
    adminUrl: (path = "") => `${simUrl}/store/${o.shop}/admin/apps/${API_KEY}${path}`,
    async close() {
      await db.end().catch(() => undefined);
      await stopAll();
      await clearQueuePrefix(prefix).catch(() => undefined);
      await dropDatabase(dbName).catch(() => undefined);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new URL(testDatabaseUrl());
  admin.pathname = "/postgres";
  const client = dbClient(admin.toString());
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------- browser ----

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far, in every frame. */
  errors: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, a fresh profile, a desktop user agent and viewport. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run setup\` (scripts/ensure-chromium.sh installs Debian's chromium)`);
  const profile = mkdtempSync(join(tmpdir(), "rfm-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    userAgent: DESKTOP_USER_AGENT,
    viewport: { width: 1440, height: 900 },
    locale: "en-US",
  });
  await context.addInitScript({ content: VITALS_INIT_SCRIPT });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error in ${m.location().url || "?"}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.stack ?? e.message}`));
  page.on("requestfailed", (r) => {
    // A failed request of our own origins is an error too (aborted navigations aside).
    const failure = r.failure()?.errorText ?? "";
    if (!/ERR_ABORTED/.test(failure) && /^http:\/\/127\.0\.0\.1/.test(r.url())) errors.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
  });
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The embedded app's frame on the admin page. */
export function appFrame(page: Page): Frame {
  const frame = page.frame({ name: "app-iframe" });
  if (!frame) throw new Error("the admin page has no app-iframe");
  return frame;
}

/**
 * Opens `path` of the app through the admin page and waits until the embedded
 * page is hydrated (React has attached: Remix's router is on window) and the
 * admin shows the app's navigation.
 */
export async function openAppPage(page: Page, stack: Stack, path: string): Promise<Frame> {
  await page.goto(stack.adminUrl(path), { waitUntil: "load" });
  const frame = appFrame(page);
  await frame.waitForLoadState("load");
  await frame.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter), undefined, { timeout: 30_000 });
  await page.locator("#app-menu a").first().waitFor({ timeout: 30_000 });
  return frame;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

// -------------------------------------------------- Core Web Vitals ----

/**
 * Runs in every frame before its scripts: LCP and CLS with PerformanceObserver
 * (buffered), and Event Timing entries (interactions) for INP, the way the
 * web-vitals library defines them: LCP is the last largest-contentful-paint
 * entry before the first input; CLS the largest session window (gaps < 1 s,
 * windows ≤ 5 s) of layout shifts without recent input; INP the longest
 * interaction (entries grouped by interactionId) — with one or a few
 * interactions, the worst.
 */
export const VITALS_INIT_SCRIPT = `(() => {
  const v = { lcp: null, lcpElement: null, cls: 0, interactions: {}, clsWindow: { value: 0, first: 0, last: 0 } };
  Object.defineProperty(window, '__vitals', { value: v });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { v.lcp = e.startTime; v.lcpElement = e.element ? (e.element.tagName + (e.element.className ? '.' + String(e.element.className).split(' ')[0] : '')) : e.url || null; }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        const w = v.clsWindow;
        if (w.value && e.startTime - w.last < 1000 && e.startTime - w.first < 5000) { w.value += e.value; w.last = e.startTime; }
        else { w.value = e.value; w.first = e.startTime; w.last = e.startTime; }
        if (w.value > v.cls) v.cls = w.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.interactionId) continue;
        const prev = v.interactions[e.interactionId] || 0;
        v.interactions[e.interactionId] = Math.max(prev, e.duration);
      }
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { if (e.interactionId) v.interactions[e.interactionId] = Math.max(v.interactions[e.interactionId] || 0, e.duration); }
    }).observe({ type: 'first-input', buffered: true });
  } catch (e) { v.error = String(e); }
})();`;

export interface Vitals {
  /** ms from the frame's navigation start; null if no contentful paint was recorded. */
  lcp: number | null;
  lcpElement: string | null;
  cls: number;
  /** ms, the longest interaction seen; 0 when every interaction was under Event Timing's 16 ms threshold. */
  inp: number;
  interactions: number;
}

/** The vitals recorded so far in a frame. */
export async function readVitals(frame: Frame): Promise<Vitals> {
  return frame.evaluate(async () => {
    // Let the observers' queued entries arrive (they are delivered asynchronously).
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
    const v = (window as unknown as { __vitals: { lcp: number | null; lcpElement: string | null; cls: number; interactions: Record<string, number>; error?: string } }).__vitals;
    if (v.error) throw new Error(`vitals observers: ${v.error}`);
    const durations = Object.values(v.interactions);
    return { lcp: v.lcp, lcpElement: v.lcpElement, cls: v.cls, inp: durations.length ? Math.max(...durations) : 0, interactions: durations.length };
  });
}

/** Built for Shopify's Core Web Vitals thresholds (75th percentile in the field; here each page's one load). */
export const BFS = { lcpMs: 2500, cls: 0.1, inpMs: 200 };
