// Shop settings the merchant edits: read (defaults filled in) and write.
// Validation of the settings form lives beside its route
// (app/routes/app.settings/form.server.ts); the caller enqueues the recompute.
import type { Prisma } from "@prisma/client";
import { prisma } from "../db.server";
import { resolveSettings, type ShopSettingsValues } from "../domain/shop-settings";

/** The settings on the settings page (the Flow flag is set by Flow's lifecycle callback, not here). */
export type EditableSettings = Omit<ShopSettingsValues, "flowTriggerEnabled" | "optOutTag"> & { optOutTag?: string };

/** A shop's settings with defaults for what is not stored; null when the shop is not installed. */
export async function loadSettings(shopDomain: string): Promise<EditableSettings | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { settings: true } });
  if (!shop) return null;
  const { churnHorizonDays, tagPrefix, holdoutPercent, writeBackEnabled, segmentMap, traitTagPrefix, enabledTraits, optOutTag } = resolveSettings(shop.settings);
  return { churnHorizonDays, tagPrefix, holdoutPercent, writeBackEnabled, segmentMap, traitTagPrefix, enabledTraits, optOutTag };
}

/** Writes already-validated settings. False when the shop is not installed (nothing written). */
export async function saveSettings(shopDomain: string, values: EditableSettings): Promise<boolean> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return false;
  const data = {
    churnHorizonDays: values.churnHorizonDays,
    tagPrefix: values.tagPrefix,
    holdoutPercent: values.holdoutPercent,
    writeBackEnabled: values.writeBackEnabled,
    traitTagPrefix: values.traitTagPrefix,
    enabledTraits: [...values.enabledTraits],
    ...(values.optOutTag !== undefined ? { optOutTag: values.optOutTag } : {}),
    segmentMap: { grid: values.segmentMap.grid } as unknown as Prisma.InputJsonValue,
  };
  await prisma.shopSettings.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, ...data }, update: data });
  return true;
}
