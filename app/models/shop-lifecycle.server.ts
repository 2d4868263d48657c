import { prisma } from "../db.server";

/** app/uninstalled: sessions go at once; data stays until shop/redact. */
export async function markShopUninstalled(domain: string): Promise<{ uninstalled: string }> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: domain } }),
    prisma.shop.updateMany({ where: { domain }, data: { uninstalledAt: new Date() } }),
  ]);
  return { uninstalled: domain };
}

/** shop/redact (48 hours after uninstall): delete everything about the shop. */
export async function redactShop(domain: string): Promise<{ redacted: string }> {
  const shop = await prisma.shop.findUnique({ where: { domain }, select: { id: true } });
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: domain } }),
    ...(shop
      ? [
          prisma.segmentTransition.deleteMany({ where: { shopId: shop.id } }),
          prisma.traitEvent.deleteMany({ where: { shopId: shop.id } }),
          prisma.dataRequest.deleteMany({ where: { shopId: shop.id } }),
          prisma.segmentSnapshot.deleteMany({ where: { shopId: shop.id } }),
          prisma.refund.deleteMany({ where: { shopId: shop.id } }),
          prisma.bulkLineItemStage.deleteMany({ where: { shopId: shop.id } }),
          prisma.shopSegment.deleteMany({ where: { shopId: shop.id } }),
          prisma.writeBackOperation.deleteMany({ where: { shopId: shop.id } }),
          prisma.shop.delete({ where: { id: shop.id } }), // cascades customers, orders, scores, settings
        ]
      : []),
    prisma.webhookEvent.deleteMany({ where: { shopDomain: domain, topic: { not: "shop/redact" } } }),
  ]);
  return { redacted: domain };
}
