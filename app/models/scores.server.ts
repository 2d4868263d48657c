// Reading order histories for scoring and writing scores, transitions and
// daily snapshots: a full recompute reads its orders as columns (binary COPY) and
// writes through COPY into a staging table and set-based statements, so a
// 1,000,000-customer shop fits in a worker's memory.
import { inTransaction, pool, withClient, type Queryable } from "../db-pool.server";
import type { BehaviourOrders } from "../domain/behaviour-orders";
import type { StoredReasonFields } from "../domain/explanations";
import type { PreviousScore } from "../domain/recovered";
import { copyBehaviourOrders } from "./behaviour-orders-reader.server";
import { copyRows, copyText } from "./copy.server";
import { insertTraitEvents, type NewTraitEvent } from "./trait-events.server";

/**
 * Counted orders of the shop (or of one customer) in scoring order: not test, not
 * cancelled, customer not deleted or opted out; grouped by customer, time-ascending,
 * ties by order id.
 */
function countedOrdersSql(columns: string, customerId: bigint | undefined): string {
  return `select ${columns}
          from "Order" o join "Customer" c on c."shopId" = o."shopId" and c.id = o."customerId"
          where o."shopId" = $1 and not o.test and o."cancelledAt" is null and c."deletedAt" is null
            and c."optedOut" is not true
            ${customerId === undefined ? "" : `and o."customerId" = $2`}
          order by o."customerId", o."processedAt", o.id`;
}

const countedOrdersValues = (shopId: string, customerId: bigint | undefined) =>
  customerId === undefined ? [shopId] : [shopId, customerId.toString()];

/** Joins an order's product types in loadBehaviourOrders' rows (a control character no type name uses). */
const TYPE_SEPARATOR = "\u001f";

/**
 * The counted orders (countedOrdersSql), grouped by customer, with what the
 * behavioural traits read: per order whether it was discounted (a discount code or a
 * discount amount above zero) and its item spend per product type (CSR: typeOffsets,
 * typeIndex into typeNames, interned per call, typeSpendMinor). An order whose stored
 * spends do not line up with its types (imported before spends were stored) counts
 * as untyped. One query, one array row per order; an order's types and spends come
 * as two joined strings (splitting is cheaper than parsing PostgreSQL arrays), and
 * untyped orders as nulls.
 */
export async function loadBehaviourOrders(shopId: string, customerId?: bigint): Promise<BehaviourOrders & { customerIds: string[] }> {
  if (customerId === undefined) return loadShopBehaviourOrders(shopId);
  return loadCustomerBehaviourOrders(shopId, customerId);
}

const TYPED = `cardinality(o."productTypes") > 0 and cardinality(o."productTypes") = cardinality(o."productTypeSpendMinor")`;
const BEHAVIOUR_COLUMNS = `o."customerId", o."processedAt", (o."totalMinor" - o."refundedMinor"),
       coalesce(cardinality(o."discountCodes") > 0, false) or o."discountMinor" > 0,
       case when ${TYPED} then array_to_string(o."productTypes", chr(31)) end,
       case when ${TYPED} then array_to_string(o."productTypeSpendMinor", ',') end`;

/**
 * The whole shop's counted orders as columns through a binary COPY
 * (behaviour-orders-reader.server.ts): a million-customer shop's five million orders
 * in a few hundred megabytes instead of a pg result of several gigabytes.
 */
async function loadShopBehaviourOrders(shopId: string): Promise<BehaviourOrders & { customerIds: string[] }> {
  return withClient((client) => {
    // COPY takes no parameters: the shop id goes in as an escaped literal.
    const select = countedOrdersSql(BEHAVIOUR_COLUMNS, undefined).replace("$1", client.escapeLiteral(shopId));
    return copyBehaviourOrders(client, select);
  });
}

/** One customer's counted orders (the live rescore) as array rows. */
async function loadCustomerBehaviourOrders(shopId: string, customerId: bigint): Promise<BehaviourOrders & { customerIds: string[] }> {
  const result = await pool.query<[string, Date, string, boolean, string | null, string | null]>({
    text: countedOrdersSql(BEHAVIOUR_COLUMNS, customerId),
    values: countedOrdersValues(shopId, customerId),
    rowMode: "array",
  });
  const rows = result.rows;
  const n = rows.length;
  const types: (string[] | null)[] = new Array(n);
  const spends: (string[] | null)[] = new Array(n);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const joinedTypes = rows[i][4];
    const joinedSpends = rows[i][5];
    const t = joinedTypes === null ? null : joinedTypes.split(TYPE_SEPARATOR);
    const m = joinedSpends === null ? null : joinedSpends.split(",");
    const ok = t !== null && m !== null && t.length === m.length;
    types[i] = ok ? t : null;
    spends[i] = ok ? m : null;
    if (ok) entries += t.length;
  }
  const timesMs = new Float64Array(n);
  const amountsMinor = new Float64Array(n);
  const discounted = new Uint8Array(n);
  const typeOffsets = new Int32Array(n + 1);
  const typeIndex = new Int32Array(entries);
  const typeSpendMinor = new Float64Array(entries);
  const typeNames: string[] = [];
  const typeIds = new Map<string, number>();
  const customerIds: string[] = [];
  const offsets: number[] = [];
  let previous: string | null = null;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const [id, processedAt, amount, isDiscounted] = rows[i];
    if (id !== previous) {
      customerIds.push(id);
      offsets.push(i);
      previous = id;
    }
    timesMs[i] = processedAt.getTime();
    amountsMinor[i] = Number(amount);
    discounted[i] = isDiscounted ? 1 : 0;
    typeOffsets[i] = e;
    const orderTypes = types[i];
    const orderSpends = spends[i];
    if (orderTypes && orderSpends) {
      for (let k = 0; k < orderTypes.length; k++) {
        let t = typeIds.get(orderTypes[k]);
        if (t === undefined) {
          t = typeNames.length;
          typeIds.set(orderTypes[k], t);
          typeNames.push(orderTypes[k]);
        }
        typeIndex[e] = t;
        typeSpendMinor[e] = Number(orderSpends[k]);
        e++;
      }
    }
  }
  typeOffsets[n] = e;
  offsets.push(n);
  return { customerIds, offsets: Int32Array.from(offsets), timesMs, amountsMinor, discounted, typeOffsets, typeIndex, typeSpendMinor, typeNames };
}

/** Each scored customer's previous score as the next scoring compares against it (segment, as-of, recovery, traits). */
export async function previousScores(shopId: string, customerIds?: string[]): Promise<Map<string, PreviousScore>> {
  const result = await pool.query<[string, string, Date, Date | null, string[] | null, number | null]>({
    text: `select "customerId"::text, segment, "asOf", "recoveredAt", traits, "clusterId" from "CustomerScore" where "shopId" = $1
           ${customerIds ? `and "customerId" = any($2::bigint[])` : ""}`,
    values: customerIds ? [shopId, customerIds] : [shopId],
    rowMode: "array",
  });
  return new Map(result.rows.map(([id, segment, asOf, recoveredAt, traits, clusterId]) => [id, { segment, asOf, recoveredAt, traits: traits ?? [], clusterId }]));
}

export interface ScoreRow extends StoredReasonFields {
  customerId: string;
  frequency: number;
  recencyDays: number;
  monetaryMinor: number;
  r: number;
  f: number;
  m: number;
  segment: string;
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  churnProbability: number;
  expectedPurchases90d: number;
  predictedClv12m: number;
  model: string;
  /** The churn champion that produced churnProbability. */
  churnModel: string;
  holdout: boolean;
  /** Trait keys, sorted, `recovered` included while it holds. */
  traits: string[];
  specialistType: string | null;
  expectedNextOrderAt: Date | null;
  recoveredAt: Date | null;
  clusterId: number | null;
  traitReasons: { key: string; text: string }[];
}

const SCORE_BATCH = 5000;

const SCORE_UPDATE_SET = `
          "asOf" = excluded."asOf", frequency = excluded.frequency, "recencyDays" = excluded."recencyDays",
          "monetaryMinor" = excluded."monetaryMinor", r = excluded.r, f = excluded.f, m = excluded.m,
          segment = excluded.segment, x = excluded.x, tx = excluded.tx, "T" = excluded."T",
          "pAlive" = excluded."pAlive", "churnProbability" = excluded."churnProbability",
          "expectedPurchases90d" = excluded."expectedPurchases90d", "predictedClv12m" = excluded."predictedClv12m",
          model = excluded.model, "churnModel" = excluded."churnModel", holdout = excluded.holdout,
          "recencyPercent" = excluded."recencyPercent", "frequencyPercent" = excluded."frequencyPercent",
          "monetaryPercent" = excluded."monetaryPercent", "horizonDays" = excluded."horizonDays", "typicalGapDays" = excluded."typicalGapDays",
          traits = excluded.traits, "specialistType" = excluded."specialistType", "expectedNextOrderAt" = excluded."expectedNextOrderAt",
          "recoveredAt" = excluded."recoveredAt", "clusterId" = excluded."clusterId", "traitReasons" = excluded."traitReasons", "updatedAt" = now()`;

/**
 * The score upsert from `source`, a from-item aliased `u` with the score_stage columns
 * (SCORE_STAGE_COLUMNS); $1 is the shop, $2 asOf. One column list for the batched and
 * the staged write.
 */
function scoreInsertSql(source: string): string {
  return `insert into "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m,
          segment, x, tx, "T", "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model,
          "churnModel", holdout, "recencyPercent", "frequencyPercent", "monetaryPercent", "horizonDays", "typicalGapDays", traits, "specialistType", "expectedNextOrderAt", "recoveredAt", "clusterId", "traitReasons", "updatedAt")
       select $1, u.customer_id, $2, u.frequency, u.recency_days, u.monetary_minor, u.r, u.f, u.m,
          u.segment, u.x, u.tx, u.t, u.p_alive, u.churn, u.expected, u.clv, u.model, u.churn_model, u.holdout,
          u.recency_percent, u.frequency_percent, u.monetary_percent, u.horizon_days, u.typical_gap_days,
          coalesce(string_to_array(nullif(u.traits, ''), ','), array[]::text[]), u.specialist_type, u.expected_next, u.recovered_at, u.cluster_id, u.trait_reasons, now()
       from ${source}
       on conflict ("shopId", "customerId") do update set ${SCORE_UPDATE_SET}`;
}

/** Upserts scores; writtenHash is kept so the write-back can diff. */
export async function upsertScores(shopId: string, asOf: Date, rows: ScoreRow[], db: Queryable = pool): Promise<void> {
  for (let start = 0; start < rows.length; start += SCORE_BATCH) {
    const batch = rows.slice(start, start + SCORE_BATCH);
    const col = <K extends keyof ScoreRow>(key: K) => batch.map((r) => r[key]);
    await db.query(
      scoreInsertSql(`unnest($3::bigint[], $4::int[], $5::int[], $6::bigint[], $7::int[], $8::int[], $9::int[], $10::text[],
          $11::int[], $12::int[], $13::int[], $14::float8[], $15::float8[], $16::float8[], $17::float8[], $18::text[],
          $19::text[], $20::bool[], $21::smallint[], $22::smallint[], $23::smallint[], $24::smallint[], $25::float8[],
          $26::text[], $27::text[], $28::timestamp[], $29::timestamp[], $30::int[], $31::json[])
         as u(customer_id, frequency, recency_days, monetary_minor, r, f, m, segment, x, tx, t, p_alive, churn,
              expected, clv, model, churn_model, holdout, recency_percent, frequency_percent, monetary_percent, horizon_days,
              typical_gap_days, traits, specialist_type, expected_next, recovered_at, cluster_id, trait_reasons)`),
      [
        shopId,
        asOf,
        col("customerId"),
        col("frequency"),
        col("recencyDays"),
        batch.map((r) => Math.round(r.monetaryMinor).toString()),
        col("r"),
        col("f"),
        col("m"),
        col("segment"),
        col("x"),
        col("tx"),
        col("T"),
        col("pAlive"),
        col("churnProbability"),
        col("expectedPurchases90d"),
        col("predictedClv12m"),
        col("model"),
        col("churnModel"),
        col("holdout"),
        col("recencyPercent"),
        col("frequencyPercent"),
        col("monetaryPercent"),
        col("horizonDays"),
        col("typicalGapDays"),
        batch.map((r) => r.traits.join(",")),
        col("specialistType"),
        col("expectedNextOrderAt"),
        col("recoveredAt"),
        col("clusterId"),
        batch.map((r) => JSON.stringify(r.traitReasons)),
      ],
    );
  }
}

const copyNumber = (value: number | null) => (value === null ? "\\N" : String(value));
const copyDate = (value: Date | null) => (value === null ? "\\N" : value.toISOString());

/** One score as a line of COPY text into score_stage (same values as upsertScores' parameters). */
function scoreCopyLine(r: ScoreRow): string {
  return [
    r.customerId,
    copyNumber(r.frequency),
    copyNumber(r.recencyDays),
    Math.round(r.monetaryMinor).toString(),
    copyNumber(r.r),
    copyNumber(r.f),
    copyNumber(r.m),
    copyText(r.segment),
    copyNumber(r.x),
    copyNumber(r.tx),
    copyNumber(r.T),
    copyNumber(r.pAlive),
    copyNumber(r.churnProbability),
    copyNumber(r.expectedPurchases90d),
    copyNumber(r.predictedClv12m),
    copyText(r.model),
    copyText(r.churnModel),
    r.holdout ? "t" : "f",
    copyNumber(r.recencyPercent),
    copyNumber(r.frequencyPercent),
    copyNumber(r.monetaryPercent),
    copyNumber(r.horizonDays),
    copyNumber(r.typicalGapDays),
    copyText(r.traits.join(",")),
    copyText(r.specialistType),
    copyDate(r.expectedNextOrderAt),
    copyDate(r.recoveredAt),
    copyNumber(r.clusterId),
    copyText(JSON.stringify(r.traitReasons)),
  ].join("\t");
}

const SCORE_STAGE_COLUMNS = `customer_id bigint, frequency int, recency_days int, monetary_minor bigint, r int, f int, m int,
  segment text, x int, tx int, t int, p_alive float8, churn float8, expected float8, clv float8, model text, churn_model text,
  holdout bool, recency_percent smallint, frequency_percent smallint, monetary_percent smallint,
  horizon_days smallint, typical_gap_days float8, traits text, specialist_type text, expected_next timestamp, recovered_at timestamp,
  cluster_id int, trait_reasons json`;

const TRANSITION_COPY_TARGET = `"SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")`;

/** One transition as a line of COPY text (the columns of TRANSITION_COPY_TARGET). */
function transitionCopyLine(shopId: string, at: Date, t: NewTransition): string {
  return [copyText(shopId), t.customerId, copyText(t.fromSegment), copyText(t.toSegment), at.toISOString(), copyText(JSON.stringify(t.reason)), t.flowStatus].join("\t");
}

/** What a full recompute's write did: the rows pending a Flow trigger, and counts. */
export interface ReplacedScores {
  transitions: number;
  transitionIds: string[];
  traitEventIds: string[];
  dropped: number;
}

/** What the scoring loop of replaceShopScores gets: previous scores of an id range, and a sink for finished rows. */
export interface ScoreWriter {
  /** Previous scores of customers lo..hi (numeric ids, inclusive), as stored before this recompute. */
  previousBetween(lo: string, hi: string): Promise<Map<string, PreviousScore>>;
  /**
   * Writes a chunk of scores (each customer once) with the segment transitions and trait gains
   * they imply against the chunk's previous scores (previousBetween).
   */
  write(rows: readonly ScoreRow[], transitions: NewTransition[], traitEvents: readonly NewTraitEvent[]): Promise<void>;
}

/**
 * A full recompute's write, in one transaction, a chunk of customers at a time: the scoring
 * loop (`score`) reads the previous scores of a chunk and hands over its rows with the
 * transitions and trait gains they imply; each chunk is copied into a staging table, its
 * transitions and trait events inserted, its scores upserted and its segments tallied. Then the
 * scores of customers no longer scored (an older asOf) are removed and the day's segment
 * snapshot written. Memory stays at two chunks of rows whatever the shop's size.
 */
export async function replaceShopScores(shopId: string, asOf: Date, score: (writer: ScoreWriter) => Promise<void>): Promise<ReplacedScores> {
  return inTransaction(async (db) => {
    await db.query(`create temporary table score_stage (${SCORE_STAGE_COLUMNS}) on commit drop`);
    await db.query(`create temporary table segment_tally (segment text, customers bigint, value_minor numeric, clv float8) on commit drop`);
    const replaced: ReplacedScores = { transitions: 0, transitionIds: [], traitEventIds: [], dropped: 0 };
    const writeChunk = async (lines: string[], transitions: NewTransition[], traitEvents: readonly NewTraitEvent[]) => {
      await copyRows(db, "score_stage", lines);
      replaced.transitions += transitions.length;
      // Only the transitions pending a Flow trigger need their ids back; the rest (a first
      // recompute's million first scores) are COPYed, not inserted through unnest.
      const pending = transitions.filter((t) => t.flowStatus === "pending");
      const recorded = pending.length === transitions.length ? [] : transitions.filter((t) => t.flowStatus !== "pending");
      await copyRows(db, TRANSITION_COPY_TARGET, recorded.map((t) => transitionCopyLine(shopId, asOf, t)));
      replaced.transitionIds.push(...(await insertTransitions(shopId, asOf, pending, db)));
      await db.query(scoreInsertSql("score_stage u"), [shopId, asOf]);
      // Two statements, one round trip (no parameters: the simple protocol takes several).
      await db.query(`insert into segment_tally select segment, count(*), sum(monetary_minor), sum(clv) from score_stage group by segment;
                      truncate score_stage`);
      replaced.traitEventIds.push(...(await insertTraitEvents(shopId, asOf, traitEvents, db)));
    };
    // One chunk's statements run in PostgreSQL while the loop builds the next chunk (waiting
    // for each left the worker idle for the upserts, half a million-customer recompute). The
    // transaction's connection is busy meanwhile, so the previous scores are read on another
    // connection: the committed rows, which this transaction has not changed for a chunk not
    // yet written, and the shop's scoring lock keeps rescores out.
    let inFlight: Promise<void> = Promise.resolve();
    try {
      await score({
        previousBetween: (lo, hi) => previousScoresBetween(pool, shopId, lo, hi),
        write: async (rows, transitions, traitEvents) => {
          const lines = rows.map(scoreCopyLine);
          await inFlight;
          inFlight = writeChunk(lines, transitions, traitEvents);
          inFlight.catch(() => undefined); // its error surfaces at the next write or below
        },
      });
      await inFlight;
    } catch (error) {
      await inFlight.catch(() => undefined); // the rollback goes after the chunk's statements
      throw error;
    }
    // Every scored customer's row now has this asOf.
    const dropped = await db.query(`delete from "CustomerScore" where "shopId" = $1 and "asOf" <> $2`, [shopId, asOf]);
    replaced.dropped = dropped.rowCount ?? 0;
    // Today's segment sizes and value, replacing an earlier snapshot of the day, from the chunks'
    // tallies: a group-by over the shop's just-rewritten scores read every row through the heap
    // (the index-only scan the planner picks finds the visibility map cleared), 11 s at 1M.
    await db.query(`delete from "SegmentSnapshot" where "shopId" = $1 and day = $2::date`, [shopId, asOf]);
    await db.query(
      `insert into "SegmentSnapshot" ("shopId", day, segment, customers, "valueMinor", "predictedClv12m")
       select $1, $2::date, segment, sum(customers)::int, sum(value_minor)::bigint, sum(clv) from segment_tally group by segment`,
      [shopId, asOf],
    );
    return replaced;
  });
}

async function previousScoresBetween(db: Queryable, shopId: string, lo: string, hi: string): Promise<Map<string, PreviousScore>> {
  const result = await db.query<[string, string, Date, Date | null, string[] | null, number | null]>({
    text: `select "customerId"::text, segment, "asOf", "recoveredAt", traits, "clusterId" from "CustomerScore"
           where "shopId" = $1 and "customerId" between $2::bigint and $3::bigint`,
    values: [shopId, lo, hi],
    rowMode: "array",
  });
  return new Map(result.rows.map(([id, segment, asOf, recoveredAt, traits, clusterId]) => [id, { segment, asOf, recoveredAt, traits: traits ?? [], clusterId }]));
}

export async function deleteScore(shopId: string, customerId: string): Promise<void> {
  await pool.query(`delete from "CustomerScore" where "shopId" = $1 and "customerId" = $2`, [shopId, customerId]);
}

export interface NewTransition {
  customerId: string;
  fromSegment: string | null;
  toSegment: string;
  reason: unknown;
  flowStatus: "none" | "pending";
}

export async function insertTransitions(shopId: string, at: Date, transitions: NewTransition[], db: Queryable = pool): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < transitions.length; start += SCORE_BATCH) {
    const batch = transitions.slice(start, start + SCORE_BATCH);
    const result = await db.query<{ id: string }>(
      `insert into "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
       select $1, u.customer_id, u.from_segment, u.to_segment, $2, u.reason, u.flow_status
       from unnest($3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::text[])
         as u(customer_id, from_segment, to_segment, reason, flow_status)
       returning id::text, "flowStatus"`,
      [
        shopId,
        at,
        batch.map((t) => t.customerId),
        batch.map((t) => t.fromSegment),
        batch.map((t) => t.toSegment),
        batch.map((t) => JSON.stringify(t.reason)),
        batch.map((t) => t.flowStatus),
      ],
    );
    for (const row of result.rows as unknown as { id: string; flowStatus: string }[]) {
      if (row.flowStatus === "pending") ids.push(row.id);
    }
  }
  return ids;
}

/**
 * Scores with the segment transitions and trait gains they imply, in one transaction: a
 * worker that dies between them would leave new scores without their transitions, and its
 * retry, reading those scores as the previous ones, would never record the change (nor fire
 * its Flow trigger). Returns the ids of the rows pending a Flow trigger.
 */
export async function saveScoresWithChanges(
  shopId: string,
  asOf: Date,
  rows: ScoreRow[],
  transitions: NewTransition[],
  traitEvents: readonly NewTraitEvent[],
): Promise<{ transitionIds: string[]; traitEventIds: string[] }> {
  return inTransaction(async (db) => {
    await upsertScores(shopId, asOf, rows, db);
    return { transitionIds: await insertTransitions(shopId, asOf, transitions, db), traitEventIds: await insertTraitEvents(shopId, asOf, traitEvents, db) };
  });
}

