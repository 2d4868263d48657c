import { prisma } from "../db.server";

/** Records whether a shop has an enabled Flow workflow using our trigger; false if the shop is unknown. */
export async function setFlowTriggerEnabled(domain: string, enabled: boolean): Promise<boolean> {
  const shop = await prisma.shop.findUnique({ where: { domain }, select: { id: true } });
  if (!shop) return false;
  await prisma.shopSettings.upsert({
    where: { shopId: shop.id },
    create: { shopId: shop.id, flowTriggerEnabled: enabled },
    update: { flowTriggerEnabled: enabled },
  });
  return true;
}
