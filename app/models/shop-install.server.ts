import prisma from "../db.server";
import { enqueue } from "../jobs/queue.server";

/**
 * afterAuth: create the shop and its default settings, then start the
 * initial sync. Idempotent: a re-install keeps data and re-syncs.
 */
export async function onShopInstalled(input: { shop: string; scope: string }): Promise<void> {
  await prisma.shop.upsert({
    where: { domain: input.shop },
    create: { domain: input.shop, grantedScopes: input.scope, settings: { create: {} } },
    update: { grantedScopes: input.scope, uninstalledAt: null },
  });
  await enqueue("initial-sync", { shop: input.shop }, { jobId: `initial-sync:${input.shop}` });
}
