import { prisma } from "../db.server";

/**
 * afterAuth: create the shop and its default settings (the caller then starts
 * the initial sync). Idempotent: a re-install keeps data.
 */
export async function onShopInstalled(input: { shop: string; scope: string }): Promise<void> {
  // Without read_all_orders Shopify shows only the last 60 days of orders:
  // recorded so the dashboard says so instead of scoring a silent partial history.
  const historyLimited = !input.scope.split(",").map((s) => s.trim()).includes("read_all_orders");
  await prisma.shop.upsert({
    where: { domain: input.shop },
    create: { domain: input.shop, grantedScopes: input.scope, historyLimited, settings: { create: {} } },
    update: { grantedScopes: input.scope, historyLimited, uninstalledAt: null },
  });
}
