// What the Migration page shows for one shop and window: segment moves counted in SQL
// (GROUP BY from, to over the window, on the (shopId, at) index), the daily snapshots of the
// window, and what the domain makes of them (app/domain/migration.ts). Scoped by shop id.
import { prisma } from "../db.server";
import { pool } from "../db-pool.server";
import {
  migrationMatrix,
  migrationStory,
  migrationWindow,
  segmentFlows,
  sizeSeries,
  type MigrationMatrix,
  type MoveCount,
  type SegmentFlow,
  type SizeSeries,
  type SnapshotRow,
} from "../domain/migration";

export interface MigrationView {
  /** False when the shop has not installed the app (yet): an empty page. */
  installed: boolean;
  days: number;
  /** The window: moves at or after `since` and at or before `until` (ISO). */
  since: string;
  until: string;
  lastScoredAt: string | null;
  matrix: MigrationMatrix;
  flows: SegmentFlow[];
  story: string[];
  sizes: SizeSeries;
  /** When the window has no move: the time of the shop's last move before it, null when it has never had one. */
  lastMoveAt: string | null;
}

/** Moves (transitions with a previous segment) in [since, until], counted per from → to. */
async function countMoves(shopId: string, since: Date, until: Date): Promise<MoveCount[]> {
  const { rows } = await pool.query<MoveCount>(
    `SELECT "fromSegment" AS "from", "toSegment" AS "to", count(*)::int AS customers
       FROM "SegmentTransition"
      WHERE "shopId" = $1 AND at >= $2 AND at <= $3 AND "fromSegment" IS NOT NULL
      GROUP BY "fromSegment", "toSegment"`,
    [shopId, since, until],
  );
  return rows;
}

/** The shop's latest move at or before `until`, or null. */
async function lastMoveBefore(shopId: string, until: Date): Promise<Date | null> {
  const { rows } = await pool.query<{ at: Date }>(
    `SELECT at FROM "SegmentTransition"
      WHERE "shopId" = $1 AND at <= $2 AND "fromSegment" IS NOT NULL
      ORDER BY at DESC LIMIT 1`,
    [shopId, until],
  );
  return rows[0]?.at ?? null;
}

/** Segment sizes of the daily snapshots from `fromDay` to `toDay` (inclusive). */
async function snapshotSizes(shopId: string, fromDay: string, toDay: string): Promise<SnapshotRow[]> {
  const { rows } = await pool.query<SnapshotRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, segment, customers
       FROM "SegmentSnapshot"
      WHERE "shopId" = $1 AND day >= $2::date AND day <= $3::date
      ORDER BY day, segment`,
    [shopId, fromDay, toDay],
  );
  return rows;
}

/** The Migration page of one shop over the `days` ending at `now`. */
export async function loadMigration(shopDomain: string, days: number, now: Date = new Date()): Promise<MigrationView> {
  const window = migrationWindow(now, days);
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, lastScoredAt: true } });
  const [moves, snapshots] = shop
    ? await Promise.all([countMoves(shop.id, window.since, window.until), snapshotSizes(shop.id, window.fromDay, window.toDay)])
    : [[], []];
  const matrix = migrationMatrix(moves);
  const lastMoveAt = shop && matrix.total === 0 ? await lastMoveBefore(shop.id, window.until) : null;
  return {
    installed: shop !== null,
    days,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    lastScoredAt: shop?.lastScoredAt?.toISOString() ?? null,
    matrix,
    flows: segmentFlows(matrix),
    story: migrationStory(matrix, days),
    sizes: sizeSeries(snapshots, window.fromDay, window.toDay),
    lastMoveAt: lastMoveAt?.toISOString() ?? null,
  };
}
