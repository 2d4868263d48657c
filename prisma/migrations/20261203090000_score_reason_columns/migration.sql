-- A score's reasons were stored as json (433 of a row's ~720 bytes), rewritten for every
-- customer by every recompute: half of a million-customer shop's nightly write.
-- All but five numbers of them are the row's own columns, so the row keeps those five
-- and the reasons are built back when read (app/domain/explanations.ts, reasonsFromScore).
ALTER TABLE "CustomerScore" ADD COLUMN "recencyPercent" SMALLINT NOT NULL DEFAULT 0,
  ADD COLUMN "frequencyPercent" SMALLINT,
  ADD COLUMN "monetaryPercent" SMALLINT NOT NULL DEFAULT 0,
  ADD COLUMN "horizonDays" SMALLINT NOT NULL DEFAULT 90,
  ADD COLUMN "typicalGapDays" DOUBLE PRECISION;

UPDATE "CustomerScore" s SET
  "recencyPercent" = coalesce((select (e->>'percentMoreRecentThan')::smallint from json_array_elements(s.explanation) e where e->>'kind' = 'recency'), 0),
  "frequencyPercent" = (select (e->>'percentMoreOrdersThan')::smallint from json_array_elements(s.explanation) e where e->>'kind' = 'frequency'),
  "monetaryPercent" = coalesce((select (e->>'percentSpentMoreThan')::smallint from json_array_elements(s.explanation) e where e->>'kind' = 'monetary'), 0),
  "horizonDays" = coalesce((select (e->>'horizonDays')::smallint from json_array_elements(s.explanation) e where e->>'kind' = 'churn'), 90),
  "typicalGapDays" = (select (e->>'typicalGapDays')::float8 from json_array_elements(s.explanation) e where e->>'kind' = 'churn')
WHERE json_typeof(s.explanation) = 'array';

ALTER TABLE "CustomerScore" DROP COLUMN "explanation";
