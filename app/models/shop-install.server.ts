import prisma from "../db.server";
import { enqueue } from "../jobs/queue.server";

/**
 * afterAuth: create the shop and its default settings, then start the
 * initial sync. Idempotent: a re-install keeps data and re-syncs.
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
  await enqueue("initial-sync", { shop: input.shop }, { jobId: `initial-sync:${input.shop}` });
}
