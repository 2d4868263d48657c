-- The segment-page index ("shopId", segment, …) serves every lookup by shop and segment that
-- this index served. Keeping both cost every score upsert a second index insert (about 1.5 s
-- of a million-customer recompute, ADR 0016).
DROP INDEX IF EXISTS "CustomerScore_shopId_segment_idx";
