// The native Shopify segments the app created (ShopSegment), so only ours are
// ever updated or deleted. Scoped by shop.
import { prisma } from "../db.server";

export interface ShopSegmentRecord {
  segmentKey: string;
  shopifySegmentId: string;
  name: string;
  query: string;
}

export async function listShopSegments(shopId: string): Promise<ShopSegmentRecord[]> {
  return prisma.shopSegment.findMany({
    where: { shopId },
    select: { segmentKey: true, shopifySegmentId: true, name: true, query: true },
  });
}

export async function saveShopSegment(shopId: string, segment: ShopSegmentRecord): Promise<void> {
  const { segmentKey, ...fields } = segment;
  await prisma.shopSegment.upsert({
    where: { shopId_segmentKey: { shopId, segmentKey } },
    create: { shopId, segmentKey, ...fields },
    update: fields,
  });
}

export async function deleteShopSegment(shopId: string, segmentKey: string): Promise<void> {
  await prisma.shopSegment.deleteMany({ where: { shopId, segmentKey } });
}
