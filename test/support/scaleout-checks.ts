// "No job ran twice in effect" checks shared by the scale-out test and
// bench:scaleout, read from the app's database and the simulator's own log,
// never from the code under test: overlapping per-shop runs (JobRun
// intervals), transition chains broken by a move recorded twice, tag writes
// that changed nothing.
import type pg from "pg";
import type { CustomerWriteRecord } from "../simulator/context";

/** What the overlap check needs of a JobRun row. */
export interface RunInterval {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  stats: Record<string, unknown> | null;
}

/** Pairs of runs (earlier, later) of one job for one shop whose [startedAt, finishedAt] intervals intersect; `runs` in startedAt order. */
export function overlappingRuns<R extends RunInterval>(runs: R[]): [R, R][] {
  const out: [R, R][] = [];
  for (let i = 1; i < runs.length; i++) {
    // A run still unfinished overlaps everything after its start.
    for (let j = 0; j < i; j++) if (runs[i].startedAt.getTime() < (runs[j].finishedAt ?? new Date(8.64e15)).getTime()) out.push([runs[j], runs[i]]);
  }
  return out;
}

export const describeOverlap = ([a, b]: [RunInterval, RunInterval]) =>
  `run ${a.id} (${a.startedAt.toISOString()}–${a.finishedAt?.toISOString()}) and run ${b.id} (${b.startedAt.toISOString()}–${b.finishedAt?.toISOString()})`;

/** A full write-back reports its native segments; a live one (some customers) does not. */
export const isFullWriteBack = (r: Pick<RunInterval, "stats">) => r.stats !== null && "segments" in r.stats;

export interface TransitionChains {
  transitions: number;
  /** One line per transition that does not start where the customer's previous one ended, or moves nowhere (a move recorded twice). */
  broken: string[];
  /** Where each customer's chain ends, by `domain/customerId`. */
  last: Map<string, string>;
}

/** The shops' SegmentTransition rows chained per customer, in insertion order. */
export async function transitionChains(db: pg.Pool, shops: string[]): Promise<TransitionChains> {
  const { rows } = await db.query<{ key: string; fromSegment: string | null; toSegment: string }>(
    `select s.domain || '/' || t."customerId" as key, t."fromSegment", t."toSegment"
       from "SegmentTransition" t join "Shop" s on s.id = t."shopId" where s.domain = any($1) order by s.domain, t."customerId", t.id`,
    [shops],
  );
  const broken: string[] = [];
  const last = new Map<string, string>();
  for (const t of rows) {
    const previous = last.get(t.key);
    if (previous !== undefined && t.fromSegment !== previous) broken.push(`${t.key}: ${t.fromSegment ?? "(none)"}→${t.toSegment} after a move to ${previous}`);
    else if (t.fromSegment === t.toSegment) broken.push(`${t.key}: ${t.toSegment}→${t.toSegment}`);
    last.set(t.key, t.toSegment);
  }
  return { transitions: rows.length, broken, last };
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

/** The checks as counts (bench:scaleout's table). */
export async function effectChecks(db: pg.Pool, shops: string[], writes: CustomerWriteRecord[]): Promise<EffectChecks> {
  const out: EffectChecks = { recomputeRuns: 0, fullWriteBackRuns: 0, overlappingRecomputes: 0, overlappingWriteBacks: 0, brokenTransitions: 0, redundantTagWrites: 0 };
  for (const shop of shops) {
    const { rows } = await db.query<RunInterval & { name: string }>(
      `select id::text, name, "startedAt", "finishedAt", stats from "JobRun" where "shopDomain" = $1 and name in ('recompute-shop', 'write-back') order by "startedAt", id`,
      [shop],
    );
    const recomputes = rows.filter((r) => r.name === "recompute-shop");
    const full = rows.filter((r) => r.name === "write-back" && isFullWriteBack(r));
    out.recomputeRuns += recomputes.length;
    out.fullWriteBackRuns += full.length;
    out.overlappingRecomputes += overlappingRuns(recomputes).length;
    out.overlappingWriteBacks += overlappingRuns(full).length;
  }
  out.brokenTransitions = (await transitionChains(db, shops)).broken.length;
  out.redundantTagWrites = writes.filter((w) => shops.includes(w.shop) && w.kind.startsWith("tags") && w.redundant.length > 0).length;
  return out;
}

export const ranTwiceInEffect = (c: EffectChecks) => c.overlappingRecomputes + c.overlappingWriteBacks + c.brokenTransitions + c.redundantTagWrites;
