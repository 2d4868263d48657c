// Segment migration (issue 11, the Migration page): the from → to matrix of segment moves
// over a window of 7, 30 or 90 days, each segment's inflow, outflow and net, segment sizes
// over time from the daily snapshots, and the story told in sentences. Pure: moves and
// snapshots come in as plain rows, the window's end (`now`) is explicit.
import { formatCount } from "./format";
import { formatSignedCount } from "./migration-display";
import { LAPSING_SEGMENTS } from "./recovered";
import { SEGMENT_KEYS, SEGMENT_NAMES, type SegmentKey } from "./segment-map";

const DAY_MS = 86_400_000;

export interface MigrationWindow {
  days: number;
  /** Moves at or after this instant count (now − days × 24 h). */
  since: Date;
  /** ... and at or before this one. */
  until: Date;
  /** First and last snapshot day shown (UTC dates of since and until, inclusive), YYYY-MM-DD. */
  fromDay: string;
  toDay: string;
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The window ending at `now`: moves in [now − days, now], snapshot days from the date of its start to the date of `now`. */
export function migrationWindow(now: Date, days: number): MigrationWindow {
  const since = new Date(now.getTime() - days * DAY_MS);
  return { days, since, until: now, fromDay: isoDay(since.getTime()), toDay: isoDay(now.getTime()) };
}

/** Every day from `fromDay` to `toDay` inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${toDay}T00:00:00Z`);
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= end; t += DAY_MS) out.push(isoDay(t));
  return out;
}

/** Display name of a segment key (an unknown key shows as itself). */
export const segmentDisplayName = (key: string): string => SEGMENT_NAMES[key as SegmentKey] ?? key;

/** Segment keys in the order of SEGMENT_KEYS, then any other key present (sorted). */
function orderedSegments(extra: Iterable<string>): string[] {
  const known = new Set<string>(SEGMENT_KEYS);
  const others = [...new Set([...extra].filter((k) => !known.has(k)))].sort();
  return [...SEGMENT_KEYS, ...others];
}

/** Moves from one segment to another in the window (first scores, with no `from`, are not moves). */
export interface MoveCount {
  from: string;
  to: string;
  customers: number;
}

export interface MatrixCell {
  to: string;
  customers: number;
  /** customers / the row's total (moves out of `from`), 0..1; 0 for an empty row. */
  rowShare: number;
}

export interface MatrixRow {
  segment: string;
  name: string;
  /** All moves out of this segment in the window. */
  total: number;
  /** One per column, in the column order. */
  cells: MatrixCell[];
}

export interface MigrationMatrix {
  /** Rows and columns: every segment, in SEGMENT_KEYS order. */
  segments: { key: string; name: string }[];
  rows: MatrixRow[];
  /** All moves in the window. */
  total: number;
}

/** The from → to matrix of counts and row percentages. Moves of a segment to itself are not moves and are left out. */
export function migrationMatrix(moves: readonly MoveCount[]): MigrationMatrix {
  const keys = orderedSegments(moves.flatMap((m) => [m.from, m.to]));
  const counts = new Map<string, number>();
  for (const m of moves) {
    if (m.from === m.to || m.customers <= 0) continue;
    const k = `${m.from}\u0000${m.to}`;
    counts.set(k, (counts.get(k) ?? 0) + m.customers);
  }
  let total = 0;
  const rows = keys.map((from): MatrixRow => {
    const raw = keys.map((to) => counts.get(`${from}\u0000${to}`) ?? 0);
    const rowTotal = raw.reduce((s, n) => s + n, 0);
    total += rowTotal;
    return {
      segment: from,
      name: segmentDisplayName(from),
      total: rowTotal,
      cells: keys.map((to, j) => ({ to, customers: raw[j], rowShare: rowTotal > 0 ? raw[j] / rowTotal : 0 })),
    };
  });
  return { segments: keys.map((key) => ({ key, name: segmentDisplayName(key) })), rows, total };
}

export interface SegmentFlow {
  segment: string;
  name: string;
  /** Moves into the segment (its column's sum). */
  inflow: number;
  /** Moves out of it (its row's sum). */
  outflow: number;
  /** inflow − outflow. */
  net: number;
}

/** Each segment's inflow, outflow and net over the window, in the matrix's order. */
export function segmentFlows(matrix: MigrationMatrix): SegmentFlow[] {
  return matrix.segments.map(({ key, name }, j) => {
    const inflow = matrix.rows.reduce((s, row) => s + row.cells[j].customers, 0);
    const outflow = matrix.rows[j].total;
    return { segment: key, name, inflow, outflow, net: inflow - outflow };
  });
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const customersCount = (n: number, locale?: string) => `${formatCount(n, locale)} ${plural(n, "customer", "customers")}`;

/** "A", "A and B", "A, B and C" (or "A, B or C"). */
function listOf(parts: readonly string[], conjunction = "and"): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} ${conjunction} ${parts[parts.length - 1]}`;
}

/** How many of the largest moves the story names. */
const STORY_MOVES = 3;

/**
 * The window told in sentences, from the matrix: the largest moves, the lapsing customers who
 * came back (a move from About to Sleep, At Risk, Can't Lose Them or Hibernating to any segment
 * that is not lapsing; app/domain/recovered.ts), and the segments that grew and shrank the most.
 */
export function migrationStory(matrix: MigrationMatrix, days: number, locale?: string): string[] {
  const inTheLast = `in the last ${formatCount(days, locale)} ${plural(days, "day", "days")}`;
  if (matrix.total === 0) return [`No customer moved between segments ${inTheLast}.`];
  const order = new Map(matrix.segments.map((s, i) => [s.key, i]));
  const moves = matrix.rows
    .flatMap((row) => row.cells.filter((c) => c.customers > 0).map((c) => ({ from: row.segment, fromName: row.name, to: c.to, customers: c.customers })))
    .sort((a, b) => b.customers - a.customers || order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)!);
  const name = (key: string) => matrix.segments[order.get(key)!].name;
  const sentences: string[] = [];

  const [top, ...rest] = moves;
  const ofAll = matrix.total > top.customers ? `, the largest of ${formatCount(matrix.total, locale)} moves` : "";
  sentences.push(`${customersCount(top.customers, locale)} moved from ${top.fromName} to ${name(top.to)} ${inTheLast}${ofAll}.`);
  const next = rest.slice(0, STORY_MOVES - 1);
  if (next.length > 0) {
    sentences.push(`Next: ${listOf(next.map((m) => `${formatCount(m.customers, locale)} from ${m.fromName} to ${name(m.to)}`))}.`);
  }

  const cameBack = matrix.rows
    .filter((row) => LAPSING_SEGMENTS.has(row.segment))
    .map((row) => ({ name: row.name, customers: row.cells.reduce((s, c) => s + (LAPSING_SEGMENTS.has(c.to) ? 0 : c.customers), 0) }))
    .filter((r) => r.customers > 0);
  if (cameBack.length > 0) {
    const total = cameBack.reduce((s, r) => s + r.customers, 0);
    const parts = cameBack.map((r) => `${formatCount(r.customers, locale)} ${r.name} ${plural(r.customers, "customer", "customers")}`);
    sentences.push(`${listOf(parts)} came back${cameBack.length > 1 ? ` (${formatCount(total, locale)} in all)` : ""}.`);
  } else {
    const lapsing = matrix.segments.filter((s) => LAPSING_SEGMENTS.has(s.key)).map((s) => s.name);
    sentences.push(`No customer came back from ${listOf(lapsing, "or")}.`);
  }

  const flows = segmentFlows(matrix);
  const grew = flows.reduce<SegmentFlow | null>((best, f) => (f.net > 0 && (!best || f.net > best.net) ? f : best), null);
  const shrank = flows.reduce<SegmentFlow | null>((best, f) => (f.net < 0 && (!best || f.net < best.net) ? f : best), null);
  const change: string[] = [];
  if (grew) change.push(`${grew.name} grew the most (net ${formatSignedCount(grew.net, locale)})`);
  if (shrank) change.push(`${shrank.name} shrank the most (net ${formatSignedCount(shrank.net, locale)})`);
  if (change.length > 0) sentences.push(`${change.join("; ")}.`);
  return sentences;
}

/** One segment's size on a day of a daily snapshot. */
export interface SnapshotRow {
  /** YYYY-MM-DD. */
  day: string;
  segment: string;
  customers: number;
}

export interface SizeSeries {
  /** Every day of the window, YYYY-MM-DD. */
  days: string[];
  /** Days with a snapshot. */
  snapshotDays: number;
  /** One per segment that had customers on some day of the window, in SEGMENT_KEYS order. */
  series: { segment: string; name: string; values: (number | null)[] }[];
}

/**
 * Segment sizes per day over the window, from the daily snapshots. A day without a snapshot is
 * null for every segment (a gap, not a zero); on a day with one, a segment it lacks had no
 * customers (the snapshot groups the scored customers by segment), so it is 0.
 */
export function sizeSeries(rows: readonly SnapshotRow[], fromDay: string, toDay: string): SizeSeries {
  const days = daysBetween(fromDay, toDay);
  const index = new Map(days.map((d, i) => [d, i]));
  const present = new Set<number>();
  const bySegment = new Map<string, (number | null)[]>();
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    present.add(i);
    let values = bySegment.get(r.segment);
    if (!values) bySegment.set(r.segment, (values = days.map(() => null)));
    values[i] = (values[i] ?? 0) + r.customers;
  }
  const series = orderedSegments(bySegment.keys())
    .filter((key) => bySegment.get(key)?.some((v) => v !== null && v > 0))
    .map((key) => {
      const values = bySegment.get(key)!.map((v, i) => (present.has(i) ? (v ?? 0) : null));
      return { segment: key, name: segmentDisplayName(key), values };
    });
  return { days, snapshotDays: present.size, series };
}
