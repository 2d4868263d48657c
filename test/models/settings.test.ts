// loadSettings / saveSettings against real PostgreSQL: defaults for what is
// not stored, and a write of already-validated values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../app/db.server";
import { loadSettings, saveSettings, type EditableSettings } from "../../app/models/settings.server";
import { DEFAULT_SEGMENT_MAP, parseSegmentMap } from "../../app/domain/segment-map";

const RUN = `${process.pid}-${Date.now()}`;
const SHOP_EMPTY = `settings-empty-${RUN}.myshopify.com`;
const SHOP_SAVED = `settings-saved-${RUN}.myshopify.com`;
let savedShopId: string;

beforeAll(async () => {
  await prisma.shop.create({ data: { domain: SHOP_EMPTY } });
  savedShopId = (await prisma.shop.create({ data: { domain: SHOP_SAVED } })).id;
});

afterAll(async () => {
  await prisma.shop.deleteMany({ where: { domain: { in: [SHOP_EMPTY, SHOP_SAVED] } } });
});

describe("loadSettings", () => {
  it("gives the defaults when the shop has no settings row", async () => {
    expect(await loadSettings(SHOP_EMPTY)).toEqual({
      churnHorizonDays: 90,
      tagPrefix: "rfm:",
      holdoutPercent: 10,
      writeBackEnabled: true,
      segmentMap: DEFAULT_SEGMENT_MAP,
      traitTagPrefix: "trait:",
      enabledTraits: ["category_specialist", "discount_seeker", "due_to_reorder", "high_potential_first_timer", "one_and_done", "recovered", "vip_at_risk"],
      optOutTag: "no-profiling",
    });
  });

  it("is null for a shop that is not installed", async () => {
    expect(await loadSettings(`nobody-${RUN}.myshopify.com`)).toBeNull();
  });
});

describe("saveSettings", () => {
  it("writes the values and loadSettings reads them back", async () => {
    const grid = DEFAULT_SEGMENT_MAP.grid.map((row) => [...row]);
    grid[4][0] = "champions";
    const values: EditableSettings = { churnHorizonDays: 60, tagPrefix: "seg-", holdoutPercent: 5, writeBackEnabled: false, segmentMap: parseSegmentMap({ grid }), traitTagPrefix: "b-", enabledTraits: ["recovered", "vip_at_risk"], optOutTag: "private" };
    expect(await saveSettings(SHOP_SAVED, values)).toBe(true);
    const row = await prisma.shopSettings.findUniqueOrThrow({ where: { shopId: savedShopId } });
    expect(row).toMatchObject({ churnHorizonDays: 60, tagPrefix: "seg-", holdoutPercent: 5, writeBackEnabled: false, flowTriggerEnabled: false });
    expect((row.segmentMap as { grid: string[][] }).grid[4][0]).toBe("champions");
    expect(await loadSettings(SHOP_SAVED)).toEqual(values);

    // A second save updates the same row.
    expect(await saveSettings(SHOP_SAVED, { ...values, holdoutPercent: 0 })).toBe(true);
    expect((await loadSettings(SHOP_SAVED))?.holdoutPercent).toBe(0);
    expect(await prisma.shopSettings.count({ where: { shopId: savedShopId } })).toBe(1);
  });

  it("writes nothing for a shop that is not installed", async () => {
    const values = (await loadSettings(SHOP_EMPTY))!;
    expect(await saveSettings(`nobody-${RUN}.myshopify.com`, values)).toBe(false);
  });
});
