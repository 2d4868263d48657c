import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { pool, type Queryable } from "../db-pool.server";

export type ExportKind = "customers" | "orders";

export interface ExportState {
  bulkOperationId: string | null;
  status: "pending" | "running" | "importing" | "completed" | "failed";
  objectCount: number;
  /** Lines of the result file already upserted: the resume checkpoint. */
  linesDone: number;
  restarts: number;
  error?: string;
}

export interface SyncState {
  exports: Record<ExportKind, ExportState>;
}

export function freshSyncState(): SyncState {
  const fresh = (): ExportState => ({ bulkOperationId: null, status: "pending", objectCount: 0, linesDone: 0, restarts: 0 });
  return { exports: { customers: fresh(), orders: fresh() } };
}

export async function findShopByDomain(domain: string) {
  return prisma.shop.findUnique({ where: { domain }, include: { settings: true } });
}

export async function findShopOrThrow(domain: string) {
  const shop = await findShopByDomain(domain);
  if (!shop) throw new Error(`unknown shop ${domain}`);
  return shop;
}

export function syncStateOf(shop: { syncState: Prisma.JsonValue | null }): SyncState {
  return (shop.syncState as unknown as SyncState | null) ?? freshSyncState();
}

/** Saves the sync state and the progress figures derived from it. */
export async function saveSyncState(
  shopId: string,
  state: SyncState,
  extra: Prisma.ShopUpdateInput = {},
): Promise<void> {
  const exports = Object.values(state.exports);
  await prisma.shop.update({
    where: { id: shopId },
    data: {
      syncState: state as unknown as Prisma.InputJsonValue,
      syncRowsTotal: exports.reduce((sum, e) => sum + e.objectCount, 0) || null,
      syncRowsDone: exports.reduce((sum, e) => sum + e.linesDone, 0),
      ...extra,
    },
  });
}

/**
 * Replaces one export's state in a single UPDATE (atomic under concurrent
 * exports) and recomputes the progress columns from the new state.
 */
export async function saveExportState(shopId: string, kind: ExportKind, exportState: ExportState, db: Queryable = pool): Promise<SyncState> {
  const next = `jsonb_set(coalesce("syncState", $2::jsonb), array['exports', $3::text], $4::jsonb)`;
  const result = await db.query<{ syncState: SyncState }>(
    `update "Shop" set
       "syncState" = ${next},
       "syncRowsDone" = (select coalesce(sum((e.value->>'linesDone')::int), 0) from jsonb_each(${next}->'exports') e),
       "syncRowsTotal" = (select nullif(sum((e.value->>'objectCount')::int), 0) from jsonb_each(${next}->'exports') e)
     where id = $1
     returning "syncState"`,
    [shopId, JSON.stringify(freshSyncState()), kind, JSON.stringify(exportState)],
  );
  return result.rows[0].syncState;
}

export async function installedShopDomains(): Promise<string[]> {
  const shops = await prisma.shop.findMany({
    where: { uninstalledAt: null, syncStatus: "completed" },
    select: { domain: true },
  });
  return shops.map((s) => s.domain);
}
