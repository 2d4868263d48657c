-- The segment-page covering index (migration 20261201120000) is dropped. Every score row is
-- rewritten each night (churn and recency change daily), so each of its 13-column entries was
-- too: about 15 s of a million-customer recompute's 62 s. With score rows at 297 bytes
-- (migration 20261203090000) a page reads the shop's rows instead, within its p95 target
-- (ADR 0016, addendum of 2026-12-03 afternoon).
DROP INDEX IF EXISTS "CustomerScore_segment_page_idx";
