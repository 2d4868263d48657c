// Every page of the embedded app in a real browser (Debian's Chromium through
// playwright-core), opened as a merchant opens it: the simulator's admin page,
// which embeds the built app (remix-serve, NODE_ENV=production) in its iframe
// and renders the navigation the app declares (ui-nav-menu) in its sidebar.
// One generated shop of 2,000 customers, backfilled and scored by the real
// worker, with a few live orders so that some customers moved. Checks what a
// merchant sees against the database (independent SQL, formatted here with
// Intl), fails on any console error, page error or failed request, saves a
// screenshot of every page (test-results/screenshots/) and measures Core Web
// Vitals per page against Built for Shopify's thresholds.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Frame, Page } from "playwright-core";
import { BFS, launchBrowser, openAppPage, readVitals, screenshot, startStack, type Browser, type Stack, type Vitals } from "../support/browser";
import { ROOT } from "../support/procs";
import { SEGMENT_NAMES, type SegmentKey } from "../../app/domain/segment-map";

const SHOP = `browser-${process.pid}.myshopify.com`;
const CUSTOMERS = 2000;
let stack: Stack;
let browser: Browser;
let page: Page;
const measured: { page: string; vitals: Vitals }[] = [];

beforeAll(async () => {
  stack = await startStack({ shop: SHOP, customers: CUSTOMERS, seed: 11, liveOrders: { rate: 20, seconds: 4 } });
  browser = await launchBrowser();
  page = browser.page;
}, 240_000);

afterAll(async () => {
  if (measured.length) {
    console.log(`\nCore Web Vitals per page (Chromium ${browser ? await browser.context.browser()?.version() ?? "" : ""}; Built for Shopify: LCP ≤ ${BFS.lcpMs} ms, CLS ≤ ${BFS.cls}, INP ≤ ${BFS.inpMs} ms)`);
    for (const m of measured) {
      const v = m.vitals;
      console.log(`  ${m.page.padEnd(18)} LCP ${String(Math.round(v.lcp ?? NaN)).padStart(5)} ms (${v.lcpElement ?? "?"})   CLS ${v.cls.toFixed(4)}   INP ${String(Math.round(v.inp)).padStart(4)} ms (${v.interactions} interaction${v.interactions === 1 ? "" : "s"} ≥ 16 ms)`);
    }
  }
  await browser?.close();
  await stack?.close();
}, 60_000);

beforeEach(() => {
  if (browser) browser.errors.length = 0;
});

afterEach(() => {
  // Any console error, page error or failed request of the app fails the test that caused it.
  expect(browser?.errors ?? []).toEqual([]);
});

const one = async <T>(sql: string, params: unknown[] = []) => (await stack.db.query(sql, params)).rows[0] as T;

/**
 * Built for Shopify's thresholds: LCP and CLS of this page's load (read before
 * any input: LCP is final at the first input, and what a click does next, such
 * as opening another page, is not this page's layout shift), INP of one
 * scripted interaction. The figures are kept for the summary.
 */
async function assertVitals(name: string, frame: Frame, interact: () => Promise<void>): Promise<Vitals> {
  await frame.page().waitForLoadState("networkidle");
  await frame.waitForTimeout(300);
  const load = await readVitals(frame);
  await interact();
  const vitals = { ...load, ...pickInp(await readVitals(frame)) };
  measured.push({ page: name, vitals });
  expect(vitals.lcp, `${name}: LCP recorded`).not.toBeNull();
  expect(vitals.lcp!, `${name}: LCP ms`).toBeLessThanOrEqual(BFS.lcpMs);
  expect(vitals.cls, `${name}: CLS`).toBeLessThanOrEqual(BFS.cls);
  expect(vitals.inp, `${name}: INP ms`).toBeLessThanOrEqual(BFS.inpMs);
  return vitals;
}

const pickInp = (v: Vitals) => ({ inp: v.inp, interactions: v.interactions });

const money = (amount: number, currency: string) => {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  return new Intl.NumberFormat("en", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
};
const count = (n: number) => n.toLocaleString("en");

describe("the admin page renders the app's navigation", () => {
  it("lists the app's pages in the admin sidebar (not in the app), and clicking Settings opens Settings without a reload", async () => {
    const frame = await openAppPage(page, stack, "");
    const items = await page.locator("#app-menu a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("data-href"), a.getAttribute("href")]));
    const base = `/store/${SHOP}/admin/apps/${stack.apiKey}`;
    expect(items).toEqual(
      (
        [
          ["Migration", "/app/migration"],
          ["Segments", "/app/segments"],
          ["Model quality", "/app/model"],
          ["Holdout lift", "/app/lift"],
          ["Settings", "/app/settings"],
        ] as const
      ).map(([label, href]) => [label, href, `${base}${href}`]),
    );
    // The rel="home" link (Overview) is the app's name in the sidebar, current on the overview.
    const home = page.locator("#app-home");
    await expect.poll(() => home.getAttribute("data-href")).toBe("/app");
    expect(await home.innerText()).toContain("RFM & Churn Segments");
    expect(await home.getAttribute("aria-current")).toBe("page");
    // The app's own ui-nav-menu is declared but not shown inside the app.
    expect(await frame.locator("ui-nav-menu").count()).toBe(1);
    expect(await frame.locator("ui-nav-menu").isVisible()).toBe(false);
    await screenshot(page, "01-admin-overview");

    await frame.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.locator("#app-menu a", { hasText: "Settings" }).click();
    await frame.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    expect(new URL(frame.url()).pathname).toBe("/app/settings");
    // Client-side: the same document, so the app was not reloaded.
    expect(await frame.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect.poll(() => page.locator("#app-menu a", { hasText: "Settings" }).getAttribute("aria-current")).toBe("page");
    expect(await home.getAttribute("aria-current")).toBeNull();
    expect(new URL(page.url()).pathname).toBe(`${base}/app/settings`);
    await screenshot(page, "02-admin-nav-settings");
  });
});

describe("overview (/app)", () => {
  it("shows the headline numbers, the segment chart and table, and the model sentence, as in the database", async () => {
    const frame = await openAppPage(page, stack, "/app");
    const { currency } = await one<{ currency: string }>(`select currency from "Shop" where id = $1`, [stack.shopId]);
    const scored = await one<{ n: number }>(`select count(*)::int as n from "CustomerScore" where "shopId" = $1`, [stack.shopId]);
    const risk = await one<{ v: number; n: number }>(
      `select coalesce(sum("predictedClv12m"), 0)::float8 as v, count(*)::int as n from "CustomerScore" where "shopId" = $1 and "churnProbability" >= 0.5`,
      [stack.shopId],
    );
    const champs = await one<{ champions: string; total: string; n: number }>(
      `select coalesce(sum("monetaryMinor") filter (where segment = 'champions'), 0)::text as champions, sum("monetaryMinor")::text as total,
              count(*) filter (where segment = 'champions')::int as n
         from "CustomerScore" where "shopId" = $1`,
      [stack.shopId],
    );
    const moved = await one<{ n: number }>(
      `select count(distinct "customerId")::int as n from "SegmentTransition" where "shopId" = $1 and "fromSegment" is not null and at > now() - interval '7 days'`,
      [stack.shopId],
    );
    expect(scored.n).toBeGreaterThan(1000);
    expect(moved.n, "the live orders moved some customers").toBeGreaterThan(0);
    const metric = (label: string) => frame.getByRole("group", { name: label });
    expect(await metric("Customers scored").locator("p").first().innerText()).toBe(count(scored.n));
    expect(await metric("Revenue at risk").locator("p").first().innerText()).toBe(money(risk.v, currency));
    expect(await metric("Revenue at risk").innerText()).toContain(`the ${count(risk.n)} customers with a churn probability of 50 % or more`);
    expect(await metric("Champions' share of revenue").locator("p").first().innerText()).toBe(`${((Number(champs.champions) / Number(champs.total)) * 100).toFixed(1)} %`);
    expect(await metric("Moved this week").locator("p").first().innerText()).toBe(count(moved.n));

    // The segments: the chart (polaris-viz, drawn in the browser) and the table, one row per segment.
    const segments = (await stack.db.query(`select segment, count(*)::int as n from "CustomerScore" where "shopId" = $1 group by segment order by 2 desc, 1`, [stack.shopId])).rows as { segment: SegmentKey; n: number }[];
    const chart = frame.locator('[aria-label="Loading the chart"]');
    await chart.waitFor({ state: "detached", timeout: 15_000 });
    // polaris-viz lays its labels out after a first measurement: wait for them rather than read once.
    const svgText = () => frame.locator("svg").evaluateAll((svgs) => svgs.map((s) => s.textContent ?? "").join(" "));
    for (const s of segments.slice(0, 3)) await expect.poll(svgText, { timeout: 10_000 }).toContain(SEGMENT_NAMES[s.segment]);
    const rows = await frame.locator("table").first().locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th,td")].map((c) => (c.textContent ?? "").trim())));
    expect(rows.map((r) => [r[0], r[1]])).toEqual(segments.map((s) => [SEGMENT_NAMES[s.segment], count(s.n)]));
    expect(await frame.getByText(/^Churn probabilities come from .+AUC of 0\.\d{3}/).count()).toBe(1);
    await screenshot(page, "03-overview");
    await page.setViewportSize({ width: 1440, height: 2600 });
    await screenshot(page, "03-overview-tall");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("opens a customer from the recent moves: the page shows that customer's move", async () => {
    const frame = await openAppPage(page, stack, "/app");
    const last = await one<{ customerId: string; fromSegment: SegmentKey; toSegment: SegmentKey }>(
      `select "customerId"::text as "customerId", "fromSegment", "toSegment" from "SegmentTransition"
        where "shopId" = $1 and "fromSegment" is not null order by at desc, id desc limit 1`,
      [stack.shopId],
    );
    const link = frame.getByRole("link", { name: last.customerId, exact: true }).first();
    await assertVitals("overview", frame, async () => {
      await link.click();
      await frame.getByRole("heading", { level: 1, name: `Customer ${last.customerId}` }).waitFor();
    });
    expect(new URL(frame.url()).pathname).toBe(`/app/customers/${last.customerId}`);
    const history = await frame.locator("table").last().innerText();
    expect(history).toContain(SEGMENT_NAMES[last.fromSegment]);
    expect(history).toContain(SEGMENT_NAMES[last.toSegment]);
    const current = await one<{ segment: SegmentKey }>(`select segment from "CustomerScore" where "shopId" = $1 and "customerId" = $2`, [stack.shopId, last.customerId]);
    expect(await frame.getByRole("heading", { level: 2, name: SEGMENT_NAMES[current.segment] }).count()).toBeGreaterThan(0);
    await screenshot(page, "04-customer-from-recent-move");
  });
});

describe("customer page (/app/customers/:id)", () => {
  it("loads on its own within the thresholds and goes back to the overview", async () => {
    const c = await one<{ id: string; segment: SegmentKey }>(`select "customerId"::text as id, segment from "CustomerScore" where "shopId" = $1 and segment = 'champions' order by "customerId" limit 1`, [stack.shopId]);
    const frame = await openAppPage(page, stack, `/app/customers/${c.id}`);
    await frame.getByRole("heading", { level: 1, name: `Customer ${c.id}` }).waitFor();
    expect(await frame.getByRole("heading", { level: 2, name: "Champions" }).count()).toBe(1);
    await screenshot(page, "05-customer");
    await assertVitals("customer", frame, async () => {
      await frame.getByRole("link", { name: "Segments" }).first().click();
      await frame.getByRole("heading", { level: 1, name: "Customer segments" }).waitFor();
    });
  });

  it("a customer who is not in this shop: a Not found page inside the app's frame (404), in the browser as on the server", async () => {
    await page.goto(stack.adminUrl("/app/customers/999999999"), { waitUntil: "load" });
    const frame = page.frame({ name: "app-iframe" })!;
    await frame.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter), undefined, { timeout: 30_000 });
    await frame.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
    expect(await frame.getByText("Customer not found in this shop").count()).toBe(1);
    // The app's frame stays: the admin still lists the app's pages.
    expect(await page.locator("#app-menu a").count()).toBe(5);
    await page.waitForLoadState("networkidle");
    // The document's own 404 is the one expected error; hydration must not fail on it.
    const unexpected = browser.errors.filter((e) => !(e.includes("/app/customers/999999999?") && /status of 404 \(Not Found\)/.test(e)));
    await screenshot(page, "05-customer-not-found");
    expect(await frame.getByText("Something went wrong").count()).toBe(0);
    browser.errors.length = 0;
    expect(unexpected).toEqual([]);
  });
});

describe("settings (/app/settings)", () => {
  it("shows the shop's settings (write-back off for this shop) and reacts to a change", async () => {
    const frame = await openAppPage(page, stack, "/app/settings");
    await frame.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    const s = await one<{ tagPrefix: string; holdoutPercent: number; churnHorizonDays: number }>(`select "tagPrefix", "holdoutPercent", "churnHorizonDays" from "ShopSettings" where "shopId" = $1`, [stack.shopId]);
    expect(await frame.getByLabel("Tag prefix", { exact: true }).inputValue()).toBe(s.tagPrefix);
    expect(await frame.getByLabel("Churn horizon (days)").inputValue()).toBe(String(s.churnHorizonDays));
    const writeBack = frame.getByLabel(/Write scores back to Shopify/);
    expect(await writeBack.isChecked()).toBe(false);
    await screenshot(page, "06-settings");
    await assertVitals("settings", frame, async () => {
      await writeBack.click();
      await expect.poll(() => writeBack.isChecked()).toBe(true);
    });
  });
});

// Pages other parts of the dashboard issue build: tested when their route is there.
const OTHER_PAGES: { name: string; path: string; route: string; heading?: RegExp; interact?: (f: Frame) => Promise<void> }[] = [
  { name: "migration", path: "/app/migration", route: "app.migration.tsx", heading: /migration/i, interact: (f) => f.getByRole("link", { name: "7 days" }).first().click() },
  { name: "segments", path: "/app/segments", route: "app.segments._index.tsx", heading: /segments/i, interact: (f) => f.getByRole("link", { name: "Champions" }).first().click() },
  { name: "segment champions", path: "/app/segments/champions", route: "app.segments.$key.tsx", heading: /champions/i },
  { name: "model quality", path: "/app/model", route: "app.model.tsx" },
  { name: "holdout lift", path: "/app/lift", route: "app.lift.tsx" },
];

describe("the other pages", () => {
  for (const p of OTHER_PAGES) {
    const file = join(ROOT, "app/routes", p.route);
    const present = existsSync(file);
    it.skipIf(!present)(`${p.path}${present ? "" : ` (skipped: app/routes/${p.route} does not exist yet)`} opens from the admin page without errors, within the thresholds`, async () => {
      const frame = await openAppPage(page, stack, p.path);
      const h1 = frame.getByRole("heading", { level: 1 }).first();
      await h1.waitFor();
      if (p.heading) expect(await h1.innerText()).toMatch(p.heading);
      else expect((await h1.innerText()).trim()).not.toBe("");
      await screenshot(page, `07-${p.name.replace(/\s+/g, "-")}`);
      await assertVitals(p.name, frame, async () => {
        if (p.interact) await p.interact(frame);
        else await h1.click();
        await frame.page().waitForLoadState("networkidle");
      });
    });
  }
});
