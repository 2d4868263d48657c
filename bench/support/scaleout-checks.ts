// "No job ran twice in effect" checks of the scale-out benchmarks, read from
// the app's database and the simulator's own log, never from the code under
// test: overlapping per-shop runs (JobRun intervals), transition chains
// broken by a move recorded twice, tag writes that changed nothing.
import type pg from "pg";
import type { CustomerWriteRecord } from "../../test/simulator/context";

interface Run {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  stats: Record<string, unknown> | null;
}

/** Pairs of runs of one job for one shop whose [startedAt, finishedAt] intervals intersect. */
function overlapping(runs: Run[]): number {
  let n = 0;
  for (let i = 1; i < runs.length; i++) {
    for (let j = 0; j < i; j++) if (runs[i].startedAt.getTime() < (runs[j].finishedAt ?? new Date(8.64e15)).getTime()) n++;
  }
  return n;
}

export interface EffectChecks {
  recomputeRuns: number;
  fullWriteBackRuns: number;
  /** Pairs of recompute-shop runs of one shop that overlapped in time. */
  overlappingRecomputes: number;
  /** Pairs of full write-back runs of one shop that overlapped in time. */
  overlappingWriteBacks: number;
  /** Transitions that do not start where the customer's previous one ended (a move recorded twice). */
  brokenTransitions: number;
  /** Accepted tag writes with a tag already there (added) or already gone (removed). */
  redundantTagWrites: number;
}

export async function effectChecks(db: pg.Pool, shops: string[], writes: CustomerWriteRecord[]): Promise<EffectChecks> {
  const out: EffectChecks = { recomputeRuns: 0, fullWriteBackRuns: 0, overlappingRecomputes: 0, overlappingWriteBacks: 0, brokenTransitions: 0, redundantTagWrites: 0 };
  for (const shop of shops) {
    const { rows } = await db.query<Run & { name: string }>(
      `select id::text, name, "startedAt", "finishedAt", stats from "JobRun" where "shopDomain" = $1 and name in ('recompute-shop', 'write-back') order by "startedAt", id`,
      [shop],
    );
    const recomputes = rows.filter((r) => r.name === "recompute-shop");
    // A full write-back reports its native segments; a live one (some customers) does not.
    const full = rows.filter((r) => r.name === "write-back" && r.stats !== null && "segments" in r.stats);
    out.recomputeRuns += recomputes.length;
    out.fullWriteBackRuns += full.length;
    out.overlappingRecomputes += overlapping(recomputes);
    out.overlappingWriteBacks += overlapping(full);
  }
  const { rows: transitions } = await db.query<{ key: string; fromSegment: string | null; toSegment: string }>(
    `select s.domain || '/' || t."customerId" as key, t."fromSegment", t."toSegment"
       from "SegmentTransition" t join "Shop" s on s.id = t."shopId" where s.domain = any($1) order by s.domain, t."customerId", t.id`,
    [shops],
  );
  const last = new Map<string, string>();
  for (const t of transitions) {
    const previous = last.get(t.key);
    if ((previous !== undefined && t.fromSegment !== previous) || t.fromSegment === t.toSegment) out.brokenTransitions++;
    last.set(t.key, t.toSegment);
  }
  out.redundantTagWrites = writes.filter((w) => shops.includes(w.shop) && w.kind.startsWith("tags") && w.redundant.length > 0).length;
  return out;
}

export const ranTwiceInEffect = (c: EffectChecks) => c.overlappingRecomputes + c.overlappingWriteBacks + c.brokenTransitions + c.redundantTagWrites;
