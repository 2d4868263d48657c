// A year of segment history for a benchmark shop, written set-based in PostgreSQL: the first
// scores (one transition per customer with no `from`, a year ago), then every day's nightly
// moves (a share of the customers changing segment, at 03:00 UTC, with the reason object the
// recompute stores) and one snapshot of segment sizes per day. The Migration page's loader
// reads exactly these (app/models/migration.server.ts).
import type pg from "pg";
import { SEGMENT_KEYS } from "../../app/domain/segment-map";

export interface HistoryOptions {
  customers: number;
  /** Days of history ending at `now` (365 for a year). */
  days: number;
  /** Share of the customers who change segment each night (0.015: 3,000 of 200,000). */
  movesPerDayShare: number;
  now: Date;
}

export interface HistoryFigures {
  transitions: number;
  moves: number;
  snapshots: number;
  seconds: number;
}

/** Writes the history for one shop (its customers are ids 1..customers). */
export async function seedSegmentHistory(db: pg.Pool, shopId: string, o: HistoryOptions): Promise<HistoryFigures> {
  const t0 = Date.now();
  const segments = [...SEGMENT_KEYS];
  const today = new Date(Date.UTC(o.now.getUTCFullYear(), o.now.getUTCMonth(), o.now.getUTCDate(), 3));
  // First scores: not moves, but rows the loader's index scan has to pass over.
  await db.query(
    `INSERT INTO "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
     SELECT $1, c, NULL, ($2::text[])[1 + (c % 10)], $3::timestamptz, jsonb_build_object('why', 'first score'), 'none'
       FROM generate_series(1, $4::int) AS c`,
    [shopId, segments, new Date(today.getTime() - o.days * 86_400_000), o.customers],
  );
  // Nightly moves: `from` uniform, `to` skewed towards the next segments in the map's order.
  const perDay = Math.round(o.customers * o.movesPerDayShare);
  await db.query(
    `INSERT INTO "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
     SELECT $1, 1 + floor(random() * $5::int)::bigint, ($2::text[])[1 + f], ($2::text[])[1 + (f + 1 + floor(random() ^ 2 * 9)::int) % 10],
            $3::timestamptz - d * interval '1 day',
            jsonb_build_object('why', 'nightly recompute', 'r', 1 + floor(random() * 5)::int, 'f', 1 + floor(random() * 5)::int,
                               'm', 1 + floor(random() * 5)::int, 'recencyDays', floor(random() * 400)::int, 'frequency', 1 + floor(random() * 12)::int),
            'sent'
       FROM generate_series(0, $4::int - 1) AS d, generate_series(1, $6::int) AS i, LATERAL (SELECT floor(random() * 10)::int + (i * 0) AS f) AS pick`,
    [shopId, segments, today, o.days, o.customers, perDay],
  );
  // One snapshot per day: sizes drifting around fixed shares.
  await db.query(
    `INSERT INTO "SegmentSnapshot" ("shopId", day, segment, customers, "valueMinor", "predictedClv12m")
     SELECT $1, ($3::timestamptz - d * interval '1 day')::date, ($2::text[])[k],
            greatest(0, round($4::int * w.share * (1 + 0.1 * sin(d / 20.0 + k))))::int,
            (round($4::int * w.share) * 12000)::bigint, round($4::int * w.share) * 80.0
       FROM generate_series(0, $5::int - 1) AS d,
            unnest(ARRAY[0.08, 0.14, 0.12, 0.06, 0.07, 0.09, 0.1, 0.13, 0.04, 0.17]) WITH ORDINALITY AS w(share, k)`,
    [shopId, segments, today, o.customers, o.days],
  );
  await db.query(`VACUUM ANALYZE "SegmentTransition"`);
  await db.query(`VACUUM ANALYZE "SegmentSnapshot"`);
  const counts = await db.query<{ transitions: number; moves: number; snapshots: number }>(
    `SELECT (SELECT count(*)::int FROM "SegmentTransition" WHERE "shopId" = $1) AS transitions,
            (SELECT count(*)::int FROM "SegmentTransition" WHERE "shopId" = $1 AND "fromSegment" IS NOT NULL) AS moves,
            (SELECT count(*)::int FROM "SegmentSnapshot" WHERE "shopId" = $1) AS snapshots`,
    [shopId],
  );
  return { ...counts.rows[0], seconds: (Date.now() - t0) / 1000 };
}
