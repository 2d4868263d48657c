// routes/app.settings through Remix's request handler, with authenticated
// embedded requests: the loader's values, a valid save (saved, recompute
// enqueued), an invalid one (errors by field, nothing saved), the page's limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedSessionToken, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops } from "../support/score-seed";
import { DEFAULT_SEGMENT_MAP } from "../../app/domain/segment-map";
import { cellField } from "../../app/domain/settings";

const SHOP = `routes-settings-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.settings";
let app: RemixApp;
let db: typeof import("../../app/db.server");
let queue: typeof import("../../app/queue.server");

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  queue = await app.import("queue.server.ts");
  app.addShop(SHOP);
  expect((await app.handle(new Request(await app.documentUrl(SHOP, "/app")))).status).toBe(200);
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP]);
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
  });
});

describe("settings action", () => {
  it("a valid form is saved, answered 200 with ok, and a recompute is enqueued", async () => {
    expect(await recomputeJobs()).toEqual([]);
    const response = await app.submitForm(SHOP, "/app/settings", ROUTE, fields({ [cellField(5, 1)]: "champions", writeBackEnabled: undefined }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, errors: {} });
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
    expect(await (await app.submitForm(SHOP, "/app/settings", ROUTE, fields({ holdoutPercent: "6" }))).json()).toEqual({ ok: true, errors: {} });
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
    expect(body).toEqual({ ok: false, errors: { tagPrefix: "Tag prefix must be at most 20 characters" } });
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
  });
});

describe("a session whose shop row is gone", () => {
  it("the loader answers 404 and the action saves and enqueues nothing", async () => {
    await db.prisma.shop.delete({ where: { domain: SHOP } }); // the offline session stays
    const response = await app.loaderData(SHOP, "/app/settings", ROUTE);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Shop not installed");
    const body = await (await app.submitForm(SHOP, "/app/settings", ROUTE, fields())).json();
    expect(body).toEqual({ ok: false, errors: { form: "Shop is not installed" } });
    expect(await db.prisma.shop.findUnique({ where: { domain: SHOP } })).toBeNull();
    expect(await recomputeJobs()).toEqual([]);
  });
});
