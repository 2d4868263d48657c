import type { Prisma } from "@prisma/client";
import { prisma } from "../db.server";
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

/** The shop has no row (never installed, or redacted): work for it can never succeed. */
export class UnknownShopError extends Error {
  name = "UnknownShopError";
  constructor(readonly domain: string) {
    super(`unknown shop ${domain}`);
  }
}

export async function findShopOrThrow(domain: string) {
  const shop = await findShopByDomain(domain);
  if (!shop) throw new UnknownShopError(domain);
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
    // A shop whose refresh token Shopify refused waits for the merchant (shop-access.server.ts).
    where: { uninstalledAt: null, syncStatus: "completed", reauthRequiredAt: null },
    select: { domain: true },
  });
  return shops.map((s) => s.domain);
}

/**
 * The installed shops (as installedShopDomains) with their customer counts, smallest first: the
 * nightly fan-out's order and priorities (docs/decisions/0015-scale-out-and-fairness.md,
 * "Fairness"). One grouped query; deleted customers are not counted (the recompute skips them).
 */
export async function installedShopSizes(): Promise<{ domain: string; customers: number }[]> {
  const { rows } = await pool.query<{ domain: string; customers: string }>(
    `select s.domain, count(c.id) as customers
     from "Shop" s left join "Customer" c on c."shopId" = s.id and c."deletedAt" is null
     where s."uninstalledAt" is null and s."syncStatus" = 'completed' and s."reauthRequiredAt" is null
     group by s.id, s.domain
     order by customers, s.domain`,
  );
  return rows.map((r) => ({ domain: r.domain, customers: Number(r.customers) }));
}

/** The backfill finished: incremental syncs read from when it started. */
export async function markSyncCompleted(shopId: string, syncStartedAt: Date | null, now: Date = new Date()): Promise<void> {
  await prisma.shop.update({
    where: { id: shopId },
    data: { syncStatus: "completed", syncCompletedAt: now, lastIncrementalSyncAt: syncStartedAt ?? now },
  });
}

/** A backfill problem the dashboard shows; `failed` also ends the sync. */
export async function recordSyncError(shopId: string, error: string, opts: { failed: boolean }): Promise<void> {
  await prisma.shop.update({ where: { id: shopId }, data: { syncError: error, ...(opts.failed ? { syncStatus: "failed" } : {}) } });
}

export async function markIncrementalSyncDone(shopId: string, startedAt: Date): Promise<void> {
  await prisma.shop.update({ where: { id: shopId }, data: { lastIncrementalSyncAt: startedAt } });
}

/** The fitted model state a live rescore uses, with its measured accuracy. */
export async function saveModelState(shopId: string, state: { modelState: unknown; modelKind: string; scoredAt: Date }): Promise<void> {
  await prisma.shop.update({
    where: { id: shopId },
    data: { modelState: state.modelState as Prisma.InputJsonValue, modelKind: state.modelKind, lastScoredAt: state.scoredAt },
  });
}
