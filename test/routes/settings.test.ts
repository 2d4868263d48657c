// routes/app.settings through Remix's request handler, with authenticated
// embedded requests: the loader's values and last recompute, a valid save (saved,
// recompute enqueued), an invalid one (errors by field, nothing saved), "recompute
// now" (enqueued with its reason, nothing saved), the page's limits, status and save bar.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops } from "../support/score-seed";
import { DEFAULT_SEGMENT_MAP } from "../../app/domain/segment-map";
import { cellField } from "../../app/domain/settings";

const SHOP = `routes-settings-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.settings";
let app: RemixApp;
let db: typeof import("../../app/db.server");
let queue: typeof import("../../app/queue.server");
let jobRuns: typeof import("../../app/models/job-runs.server");
const OTHER = `routes-settings-other-${process.pid}.myshopify.com`;

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  queue = await app.import("queue.server.ts");
  jobRuns = await app.import("models/job-runs.server.ts");
  for (const domain of [SHOP, OTHER]) {
    app.addShop(domain);
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
});

afterAll(async () => {
  if (db) await db.prisma.jobRun.deleteMany({ where: { shopDomain: { in: [SHOP, OTHER] } } });
  if (db) await removeShops(db.prisma, [SHOP, OTHER]);
  await app?.close();
});

function fields(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = { churnHorizonDays: "60", tagPrefix: "seg-", holdoutPercent: "5", writeBackEnabled: "on", traitTagPrefix: "trait:", trait_recovered: "on" };
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) all[cellField(r, f)] = DEFAULT_SEGMENT_MAP.grid[r - 1][f - 1];
  Object.assign(all, overrides);
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

const stored = async () => (await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP }, include: { settings: true } })).settings;
const recomputeJobs = async () =>
  (await queue.getQueue("scoring").getJobs(["waiting", "prioritized", "delayed"])).filter((j) => j.name === "recompute-shop" && j.data.shop === SHOP);
const removeRecomputeJobs = async () => {
  for (const job of await recomputeJobs()) await job.remove();
};

describe("settings loader", () => {
  it("returns the installed shop's settings (defaults) and the segment choices", async () => {
    const response = await app.loaderData(SHOP, "/app/settings", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d).toMatchObject({ churnHorizonDays: 90, tagPrefix: "rfm:", holdoutPercent: 10, writeBackEnabled: true, segmentMap: DEFAULT_SEGMENT_MAP });
    expect(d.segmentOptions).toHaveLength(10);
    expect(d.segmentOptions[0]).toEqual({ label: "Champions", value: "champions" });
    expect(d.lastRecompute).toBeNull();
  });

  it("returns this shop's latest recompute run, with what it did", async () => {
    // As the worker records them: an older recompute that completed, then a later one that failed;
    // a later write-back of this shop and a later recompute of another shop do not count.
    const first = await jobRuns.startJobRun({ shopDomain: SHOP, queue: "scoring", name: "recompute-shop", jobId: "a" });
    await jobRuns.finishJobRun(first, { stats: { customers: 1234, transitions: 56, model: "bgnbd" } });
    let d = await (await app.loaderData(SHOP, "/app/settings", ROUTE)).json();
    expect(d.lastRecompute).toMatchObject({ status: "completed", customers: 1234, transitions: 56, error: null });
    const run = await db.prisma.jobRun.findUniqueOrThrow({ where: { id: first } });
    expect(d.lastRecompute.startedAt).toBe(run.startedAt.toISOString());
    expect(d.lastRecompute.finishedAt).toBe(run.finishedAt!.toISOString());

    await new Promise((r) => setTimeout(r, 5));
    const second = await jobRuns.startJobRun({ shopDomain: SHOP, queue: "scoring", name: "recompute-shop", jobId: "b" });
    d = await (await app.loaderData(SHOP, "/app/settings", ROUTE)).json();
    expect(d.lastRecompute).toMatchObject({ status: "running", finishedAt: null, customers: null, transitions: null });
    await jobRuns.finishJobRun(second, { error: "database went away" });
    await new Promise((r) => setTimeout(r, 5));
    await jobRuns.finishJobRun(await jobRuns.startJobRun({ shopDomain: SHOP, queue: "writeback", name: "write-back" }), { stats: {} });
    await jobRuns.finishJobRun(await jobRuns.startJobRun({ shopDomain: OTHER, queue: "scoring", name: "recompute-shop" }), { stats: { customers: 1 } });
    d = await (await app.loaderData(SHOP, "/app/settings", ROUTE)).json();
    expect(d.lastRecompute).toMatchObject({ status: "failed", error: "database went away", customers: null });
  });
});

describe("settings action", () => {
  it("a valid form is saved, answered 200 with ok, and a recompute is enqueued", async () => {
    expect(await recomputeJobs()).toEqual([]);
    const response = await app.submitForm(SHOP, "/app/settings", ROUTE, fields({ [cellField(5, 1)]: "champions", writeBackEnabled: undefined }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ ok: true, intent: "save", requestedAt: expect.any(String), errors: {} });
    expect(Math.abs(Date.parse(body.requestedAt) - Date.now())).toBeLessThan(60_000);
    const saved = await stored();
    expect(saved).toMatchObject({ churnHorizonDays: 60, tagPrefix: "seg-", holdoutPercent: 5, writeBackEnabled: false });
    expect((saved!.segmentMap as { grid: string[][] }).grid[4][0]).toBe("champions");
    expect((await recomputeJobs()).map((j) => j.data)).toEqual([{ shop: SHOP, reason: "settings changed" }]);

    // The loader now returns the saved values.
    const d = await (await app.loaderData(SHOP, "/app/settings", ROUTE)).json();
    expect(d).toMatchObject({ churnHorizonDays: 60, tagPrefix: "seg-", holdoutPercent: 5, writeBackEnabled: false });
    expect(d.segmentMap.grid[4][0]).toBe("champions");

    // Every save enqueues (a waiting recompute absorbs the next one, so the
    // job is removed first); the tests below then expect no job at all.
    await removeRecomputeJobs();
    expect(await (await app.submitForm(SHOP, "/app/settings", ROUTE, fields({ holdoutPercent: "6", intent: "save" }))).json()).toMatchObject({ ok: true, intent: "save", errors: {} });
    expect(await recomputeJobs()).toHaveLength(1);
    await removeRecomputeJobs();
    expect(await recomputeJobs()).toEqual([]);
  });

  it("an invalid form returns errors keyed by field, saves nothing and enqueues nothing", async () => {
    const before = await stored();
    const response = await app.submitForm(
      SHOP,
      "/app/settings",
      ROUTE,
      fields({ churnHorizonDays: "3", tagPrefix: "rfm tag!", holdoutPercent: "51", [cellField(2, 3)]: "vip" }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.intent).toBe("save");
    expect(body.errors).toEqual({
      churnHorizonDays: "Churn horizon must be between 7 and 365",
      tagPrefix: "Tag prefix may contain only letters, digits, -, _ and :",
      holdoutPercent: "Holdout percent must be between 0 and 50",
      [cellField(2, 3)]: "R2 F3: choose a segment",
      segmentMap: "The segment map needs a segment in every cell",
    });
    expect(await stored()).toEqual(before);
    expect(await recomputeJobs()).toEqual([]);
  });

  it("one bad field is enough to save nothing", async () => {
    const before = await stored();
    const body = await (await app.submitForm(SHOP, "/app/settings", ROUTE, fields({ tagPrefix: "a".repeat(21) }))).json();
    expect(body).toEqual({ ok: false, intent: "save", errors: { tagPrefix: "Tag prefix must be at most 20 characters" } });
    expect(await stored()).toEqual(before);
    expect(await recomputeJobs()).toEqual([]);
  });

  it("\"recompute now\" enqueues a recompute the merchant asked for and saves nothing", async () => {
    const before = await stored();
    // Only the intent: the settings fields are not needed, and would be ignored.
    const response = await app.submitForm(SHOP, "/app/settings", ROUTE, { intent: "recompute", churnHorizonDays: "3" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ ok: true, intent: "recompute", requestedAt: expect.any(String), errors: {} });
    expect((await recomputeJobs()).map((j) => j.data)).toEqual([{ shop: SHOP, reason: "merchant asked" }]);
    expect(await stored()).toEqual(before);
    await removeRecomputeJobs();
  });

  it("an unknown intent is refused (400) and does nothing", async () => {
    const before = await stored();
    const response = await app.submitForm(SHOP, "/app/settings", ROUTE, { ...fields(), intent: "delete-everything" });
    expect(response.status).toBe(400);
    expect(await stored()).toEqual(before);
    expect(await recomputeJobs()).toEqual([]);
  });

  it("answers 401 to a forged session token and saves nothing", async () => {
    const before = await stored();
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    const response = await app.handle(
      new Request(`${app.appUrl}/app/settings?_data=${encodeURIComponent(ROUTE)}`, {
        method: "POST",
        headers: { authorization: `Bearer ${forged}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields({ churnHorizonDays: "200" })).toString(),
      }),
    );
    expect(response.status).toBe(401);
    expect(await stored()).toEqual(before);
    expect(await recomputeJobs()).toEqual([]);
  });
});

describe("settings page", () => {
  it("shows the saved values and the limits from SETTINGS_LIMITS", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/settings")));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<input[^>]*name="churnHorizonDays"[^>]*min="7"[^>]*max="365"[^>]*value="60"/);
    expect(html).toMatch(/<input[^>]*name="holdoutPercent"[^>]*min="0"[^>]*max="50"[^>]*value="6"/);
    expect(html).toMatch(/<input[^>]*name="tagPrefix"[^>]*maxLength="20"[^>]*value="seg-"/);
    expect(html).toContain("Churn probability = chance of no order in this many days (7 to 365).");
    expect(html).toContain("measure their effect (0 to 50).");
    expect(html).toContain("1 to 20 letters, digits, -, _ or :.");
    // Checkboxes submit "on" when checked (without a value React would render value="" and the
    // browser would submit an empty string).
    expect(html).toMatch(/<input[^>]*name="writeBackEnabled" type="checkbox"[^>]*value="on"\/>/);
    expect(html).toMatch(/<input[^>]*name="trait_recovered" type="checkbox"[^>]*checked=""[^>]*value="on"\/>/);
  });

  it("shows the last recompute, the recompute-now form and App Bridge's save bar", async () => {
    const html = renderedText(await (await app.handle(new Request(await app.documentUrl(SHOP, "/app/settings")))).text());
    // The failed run above is the latest.
    expect(html).toMatch(/>Failed<.*Last recompute failed \d{4}-\d\d-\d\d \d\d:\d\d UTC \(took \d+ s\)\./s);
    expect(html).toContain("database went away");
    expect(html).toMatch(/<input type="hidden" name="intent" value="recompute"\/>/);
    expect(html).toMatch(/<button[^>]*type="submit"[^>]*>.*Recompute now/s);
    expect(html).toMatch(/<input type="hidden" name="intent" value="save"\/>/);
    // The contextual save bar: App Bridge's element with its Save (primary) and Discard buttons.
    expect(html).toMatch(/<ui-save-bar id="settings-save-bar"><button variant="primary" type="button"><\/button><button type="button"><\/button><\/ui-save-bar>/);
  });

  it("a completed recompute says what it did", async () => {
    await new Promise((r) => setTimeout(r, 5));
    const id = await jobRuns.startJobRun({ shopDomain: SHOP, queue: "scoring", name: "recompute-shop" });
    await jobRuns.finishJobRun(id, { stats: { customers: 4588, transitions: 312 } });
    const html = renderedText(await (await app.handle(new Request(await app.documentUrl(SHOP, "/app/settings")))).text());
    expect(html).toMatch(/>Completed<.*Last recompute finished [^<]* UTC \(took \d+ s\): 4,588 customers scored, 312 segment changes recorded\./s);
  });
});

describe("a session whose shop row is gone", () => {
  it("the loader answers 404 and the action saves and enqueues nothing", async () => {
    await db.prisma.shop.delete({ where: { domain: SHOP } }); // the offline session stays
    const response = await app.loaderData(SHOP, "/app/settings", ROUTE);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Shop not installed");
    const body = await (await app.submitForm(SHOP, "/app/settings", ROUTE, fields())).json();
    expect(body).toEqual({ ok: false, intent: "save", errors: { form: "Shop is not installed" } });
    const recompute = await (await app.submitForm(SHOP, "/app/settings", ROUTE, { intent: "recompute" })).json();
    expect(recompute).toEqual({ ok: false, intent: "recompute", errors: { form: "Shop is not installed" } });
    expect(await db.prisma.shop.findUnique({ where: { domain: SHOP } })).toBeNull();
    expect(await recomputeJobs()).toEqual([]);
  });
});
