// Reading order histories for scoring and writing scores, transitions and
// daily snapshots: a full recompute reads its orders as columns (binary COPY) and
// writes through COPY into a staging table and set-based statements, so a
// 1,000,000-customer shop fits in a worker's memory.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { inTransaction, pool, type Queryable } from "../db-pool.server";
import type { BehaviourOrders } from "../domain/behaviour-orders";
import type { PreviousScore } from "../domain/recovered";
import { copyBehaviourOrders } from "./behaviour-orders-reader.server";
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
  const client = await pool.connect();
  try {
    // COPY takes no parameters: the shop id goes in as an escaped literal.
    const select = countedOrdersSql(BEHAVIOUR_COLUMNS, undefined).replace("$1", client.escapeLiteral(shopId));
    return await copyBehaviourOrders(client, select);
  } finally {
    client.release();
  }
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

export interface ScoreRow {
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
  explanation: unknown;
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
          model = excluded.model, "churnModel" = excluded."churnModel", explanation = excluded.explanation, holdout = excluded.holdout,
          traits = excluded.traits, "specialistType" = excluded."specialistType", "expectedNextOrderAt" = excluded."expectedNextOrderAt",
          "recoveredAt" = excluded."recoveredAt", "clusterId" = excluded."clusterId", "traitReasons" = excluded."traitReasons", "updatedAt" = now()`;

/** Upserts scores; writtenHash is kept so the write-back can diff. */
export async function upsertScores(shopId: string, asOf: Date, rows: ScoreRow[], db: Queryable = pool): Promise<void> {
  for (let start = 0; start < rows.length; start += SCORE_BATCH) {
    const batch = rows.slice(start, start + SCORE_BATCH);
    const col = <K extends keyof ScoreRow>(key: K) => batch.map((r) => r[key]);
    await db.query(
      `insert into "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m,
          segment, x, tx, "T", "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model,
          "churnModel", explanation, holdout, traits, "specialistType", "expectedNextOrderAt", "recoveredAt", "clusterId", "traitReasons", "updatedAt")
       select $1, u.customer_id, $2, u.frequency, u.recency_days, u.monetary_minor, u.r, u.f, u.m,
          u.segment, u.x, u.tx, u.t, u.p_alive, u.churn, u.expected, u.clv, u.model, u.churn_model, u.explanation, u.holdout,
          coalesce(string_to_array(nullif(u.traits, ''), ','), array[]::text[]), u.specialist_type, u.expected_next, u.recovered_at, u.cluster_id, u.trait_reasons, now()
       from unnest($3::bigint[], $4::int[], $5::int[], $6::bigint[], $7::int[], $8::int[], $9::int[], $10::text[],
          $11::int[], $12::int[], $13::int[], $14::float8[], $15::float8[], $16::float8[], $17::float8[], $18::text[],
          $19::text[], $20::jsonb[], $21::bool[], $22::text[], $23::text[], $24::timestamp[], $25::timestamp[], $26::int[], $27::jsonb[])
         as u(customer_id, frequency, recency_days, monetary_minor, r, f, m, segment, x, tx, t, p_alive, churn,
              expected, clv, model, churn_model, explanation, holdout, traits, specialist_type, expected_next, recovered_at, cluster_id, trait_reasons)
       on conflict ("shopId", "customerId") do update set ${SCORE_UPDATE_SET}`,
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
        batch.map((r) => JSON.stringify(r.explanation)),
        col("holdout"),
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

/** COPY text format of one value: \N for null, backslash escapes for the separators. */
function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : value;
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
    copyText(JSON.stringify(r.explanation)),
    r.holdout ? "t" : "f",
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
  explanation jsonb, holdout bool, traits text, specialist_type text, expected_next timestamp, recovered_at timestamp,
  cluster_id int, trait_reasons jsonb`;

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
  /** Stages a chunk of scores (each customer once) and the trait gains they imply. */
  write(rows: readonly ScoreRow[], traitEvents: readonly NewTraitEvent[]): Promise<void>;
}

/**
 * A full recompute's write, in one transaction: the scoring loop (`score`) reads the
 * previous scores chunk by chunk and streams its rows with COPY into a staging table;
 * then, set-based, the segment transitions (every staged customer whose segment differs
 * from the stored one; a first score is recorded but fires no Flow), one upsert of all
 * scores, and the removal of scores of customers no longer scored. Memory stays at one
 * chunk of rows whatever the shop's size.
 */
export async function replaceShopScores(
  shopId: string,
  asOf: Date,
  change: { why: string; flowEnabled: boolean },
  score: (writer: ScoreWriter) => Promise<void>,
): Promise<ReplacedScores> {
  return inTransaction(async (db) => {
    await db.query(`create temporary table score_stage (${SCORE_STAGE_COLUMNS}) on commit drop`);
    const traitEventIds: string[] = [];
    await score({
      previousBetween: (lo, hi) => previousScoresBetween(db, shopId, lo, hi),
      write: async (rows, traitEvents) => {
        if (rows.length > 0) {
          const stream = db.query(copyFrom("copy score_stage from stdin"));
          await pipeline(Readable.from(copyChunks(rows)), stream);
        }
        traitEventIds.push(...(await insertTraitEvents(shopId, asOf, traitEvents, db)));
      },
    });
    // A temporary table is never auto-analysed: without statistics the planner would guess its size.
    await db.query("analyze score_stage");
    // Transitions against the stored scores, before the upsert replaces them.
    const transitions = await db.query<{ n: string; pending: string[] | null }>(
      `with inserted as (
         insert into "SegmentTransition" ("shopId", "customerId", "fromSegment", "toSegment", at, reason, "flowStatus")
         select $1, s.customer_id, p.segment, s.segment, $2,
                jsonb_build_object('why', $3::text, 'r', s.r, 'f', s.f, 'm', s.m, 'recencyDays', s.recency_days, 'frequency', s.frequency),
                case when p.segment is not null and $4::bool then 'pending' else 'none' end
         from score_stage s left join "CustomerScore" p on p."shopId" = $1 and p."customerId" = s.customer_id
         where p.segment is distinct from s.segment
         order by s.customer_id
         returning id, "flowStatus")
       select count(*)::text as n, array_agg(id::text order by id) filter (where "flowStatus" = 'pending') as pending from inserted`,
      [shopId, asOf, change.why, change.flowEnabled],
    );
    await db.query(
      `insert into "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m,
          segment, x, tx, "T", "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model,
          "churnModel", explanation, holdout, traits, "specialistType", "expectedNextOrderAt", "recoveredAt", "clusterId", "traitReasons", "updatedAt")
       select $1, u.customer_id, $2, u.frequency, u.recency_days, u.monetary_minor, u.r, u.f, u.m,
          u.segment, u.x, u.tx, u.t, u.p_alive, u.churn, u.expected, u.clv, u.model, u.churn_model, u.explanation, u.holdout,
          coalesce(string_to_array(nullif(u.traits, ''), ','), array[]::text[]), u.specialist_type, u.expected_next, u.recovered_at, u.cluster_id, u.trait_reasons, now()
       from score_stage u
       on conflict ("shopId", "customerId") do update set ${SCORE_UPDATE_SET}`,
      [shopId, asOf],
    );
    const dropped = await db.query(
      `delete from "CustomerScore" p where p."shopId" = $1 and not exists (select 1 from score_stage s where s.customer_id = p."customerId")`,
      [shopId],
    );
    return { transitions: Number(transitions.rows[0].n), transitionIds: transitions.rows[0].pending ?? [], traitEventIds, dropped: dropped.rowCount ?? 0 };
  });
}

/** COPY text of the rows in chunks of about a megabyte (one COPY data message each, no one huge string). */
function* copyChunks(rows: readonly ScoreRow[]): Generator<string> {
  let chunk: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = scoreCopyLine(row);
    chunk.push(line, "\n");
    size += line.length + 1;
    if (size >= 1 << 20) {
      yield chunk.join("");
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) yield chunk.join("");
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

/**
 * Today's segment sizes and value, replacing an earlier snapshot of the same day. On the pg
 * pool: the group-by over a million scores can take longer than Prisma's 5 s transaction timeout.
 */
export async function writeDailySnapshot(shopId: string, day: Date): Promise<void> {
  await inTransaction(async (db) => {
    await db.query(`delete from "SegmentSnapshot" where "shopId" = $1 and day = $2::date`, [shopId, day]);
    await db.query(
      `insert into "SegmentSnapshot" ("shopId", day, segment, customers, "valueMinor", "predictedClv12m")
       select "shopId", $2::date, segment, count(*), sum("monetaryMinor"), sum("predictedClv12m")
       from "CustomerScore" where "shopId" = $1 group by "shopId", segment`,
      [shopId, day],
    );
  });
}
