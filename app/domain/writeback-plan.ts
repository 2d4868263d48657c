// Pure diff logic of the write-back: what a customer should carry in Shopify
// (exactly one segment tag, the holdout tag when held out, the app-owned
// metafields) against what the app last wrote (Customer.appTags and
// CustomerScore.writtenHash). No I/O.
//
// writtenHash = "v1:{tagsHash}:{metafieldsHash}", so a change of only the
// tags or only the metafields writes only that part. scored_at is written
// along with the other metafields but is not part of the hash: a recompute
// that produces the same values makes zero writes.
import { createHash } from "node:crypto";
import { isHoldout } from "./holdout";

// Metafield keys must be 2..64 characters (Shopify rejects "r", "f", "m" with
// TOO_SHORT), hence r_score / f_score / m_score.

export const METAFIELD_NAMESPACE = "$app:rfm";
export const HOLDOUT_TAG_SUFFIX = "holdout";

export type MetafieldKey =
  | "segment"
  | "r_score"
  | "f_score"
  | "m_score"
  | "churn_probability"
  | "churn_model"
  | "predicted_clv_12m"
  | "expected_purchases_90d"
  | "scored_at";

export const METAFIELD_TYPES: Record<MetafieldKey, string> = {
  segment: "single_line_text_field",
  r_score: "number_integer",
  f_score: "number_integer",
  m_score: "number_integer",
  churn_probability: "number_decimal",
  churn_model: "single_line_text_field",
  predicted_clv_12m: "number_decimal",
  expected_purchases_90d: "number_decimal",
  scored_at: "date_time",
};

export interface DesiredState {
  segment: string;
  r: number;
  f: number;
  m: number;
  churnProbability: number;
  /** The churn champion that produced churnProbability (bgnbd, supervised or heuristic). */
  churnModel: string;
  predictedClv12m: number;
  expectedPurchases90d: number;
  /** The score's as-of instant (written as scored_at). */
  scoredAt: Date | string;
  holdout: boolean;
  tagPrefix: string;
}

export interface WrittenState {
  /** Tags the app last wrote (Customer.appTags). */
  appTags: readonly string[];
  /** CustomerScore.writtenHash, null when never written. */
  writtenHash: string | null;
}

export interface MetafieldWrite {
  namespace: string;
  key: MetafieldKey;
  type: string;
  value: string;
}

export interface WritePlan {
  tagsToAdd: string[];
  tagsToRemove: string[];
  /** Empty when the metafield values did not change. */
  metafields: MetafieldWrite[];
  /** Tags the app owns after the write (the new Customer.appTags). */
  appTags: string[];
  /** The new writtenHash once every write of this plan was accepted. */
  hash: string;
  tagsHash: string;
  metafieldsHash: string;
  changed: boolean;
}

/** Decimal string without exponent, fixed digits (number_decimal accepts /-?\d+(\.\d+)?/). */
function decimal(x: number, digits: number): string {
  if (!Number.isFinite(x)) return (0).toFixed(digits);
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

function isoSeconds(d: Date | string): string {
  const t = typeof d === "string" ? new Date(d) : d;
  return t.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The tags the app wants on the customer: exactly one segment tag, plus the holdout tag. */
export function desiredTags(s: Pick<DesiredState, "segment" | "holdout" | "tagPrefix">): string[] {
  const tags = [`${s.tagPrefix}${s.segment}`];
  if (s.holdout) tags.push(`${s.tagPrefix}${HOLDOUT_TAG_SUFFIX}`);
  return tags;
}

/** Metafield values as Shopify stores them (strings). */
export function desiredMetafields(s: DesiredState): MetafieldWrite[] {
  const values: Record<MetafieldKey, string> = {
    segment: s.segment,
    r_score: String(Math.trunc(s.r)),
    f_score: String(Math.trunc(s.f)),
    m_score: String(Math.trunc(s.m)),
    churn_probability: decimal(s.churnProbability, 4),
    churn_model: s.churnModel,
    predicted_clv_12m: decimal(s.predictedClv12m, 2),
    expected_purchases_90d: decimal(s.expectedPurchases90d, 4),
    scored_at: isoSeconds(s.scoredAt),
  };
  return (Object.keys(METAFIELD_TYPES) as MetafieldKey[]).map((key) => ({
    namespace: METAFIELD_NAMESPACE,
    key,
    type: METAFIELD_TYPES[key],
    value: values[key],
  }));
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

const norm = (t: string) => t.trim().toLowerCase();

export function tagsHash(tags: readonly string[]): string {
  return shortHash([...new Set(tags.map(norm))].sort().join("\u0000"));
}

export function metafieldsHash(mfs: readonly MetafieldWrite[]): string {
  return shortHash(
    mfs
      .filter((m) => m.key !== "scored_at")
      .map((m) => `${m.namespace}.${m.key}:${m.type}=${m.value}`)
      .sort()
      .join("\u0000"),
  );
}

export function composeHash(tags: string, metafields: string): string {
  return `v1:${tags}:${metafields}`;
}

function parseHash(h: string | null): { tags: string; metafields: string } | null {
  const m = h ? /^v1:([0-9a-f]+):([0-9a-f]+)$/.exec(h) : null;
  return m ? { tags: m[1], metafields: m[2] } : null;
}

/**
 * The exact writes that bring one customer from `written` to `desired`.
 * Only tags in `written.appTags` are ever removed (never a merchant's tag,
 * even one that looks like ours); tags Shopify compares case-insensitively.
 * Pass desired = null for a customer that lost its score: remove our tags.
 */
export function planCustomerWrite(desired: DesiredState | null, written: WrittenState): WritePlan {
  const owned = [...new Set(written.appTags)];
  if (!desired) {
    const prev = parseHash(written.writtenHash);
    return {
      tagsToAdd: [],
      tagsToRemove: owned,
      metafields: [],
      appTags: [],
      hash: written.writtenHash ?? "",
      tagsHash: prev?.tags ?? "0",
      metafieldsHash: prev?.metafields ?? "0",
      changed: owned.length > 0,
    };
  }
  const want = desiredTags(desired);
  const mfs = desiredMetafields(desired);
  const tHash = tagsHash(want);
  const mHash = metafieldsHash(mfs);
  const prev = parseHash(written.writtenHash);
  const ownedLower = new Set(owned.map(norm));
  const wantLower = new Set(want.map(norm));

  // Tags: trust appTags (what Shopify accepted); the hash only confirms it.
  const tagsToAdd = want.filter((t) => !ownedLower.has(norm(t)));
  const tagsToRemove = owned.filter((t) => !wantLower.has(norm(t)));
  const tagsInSync = tagsToAdd.length === 0 && tagsToRemove.length === 0 && prev?.tags === tHash;
  const metafields = prev?.metafields === mHash ? [] : mfs;
  // A never-written customer whose appTags already match (e.g. hash lost): re-add is a no-op in Shopify.
  const addAll = !tagsInSync && tagsToAdd.length === 0 && tagsToRemove.length === 0 ? want : tagsToAdd;
  return {
    tagsToAdd: addAll,
    tagsToRemove,
    metafields,
    appTags: want,
    hash: composeHash(tHash, mHash),
    tagsHash: tHash,
    metafieldsHash: mHash,
    changed: addAll.length > 0 || tagsToRemove.length > 0 || metafields.length > 0,
  };
}

/**
 * The writtenHash to store when only part of a plan was accepted by Shopify:
 * the accepted part takes the new hash, the other keeps the old one, so the
 * next write-back retries exactly what failed.
 */
export function hashAfter(plan: WritePlan, written: WrittenState, accepted: { tags: boolean; metafields: boolean }): string {
  const prev = parseHash(written.writtenHash);
  return composeHash(accepted.tags ? plan.tagsHash : (prev?.tags ?? "0"), accepted.metafields ? plan.metafieldsHash : (prev?.metafields ?? "0"));
}

// ---- A shop's write-back as a batch: plan every customer, then derive what to
// record from what Shopify accepted. The processor ties this to the models
// (read rows, record outcomes) and the gateway (send).

/** One customer as read for write-back: the current score (if any) and what was last written. */
export interface WriteBackRow {
  id: string;
  appTags: string[];
  scored: boolean;
  segment: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
  churnProbability: number | null;
  churnModel: string | null;
  predictedClv12m: number | null;
  expectedPurchases90d: number | null;
  asOf: Date | null;
  writtenHash: string | null;
}

/** A customer whose Shopify state must change. */
export interface PlannedCustomer {
  customerId: string;
  row: WriteBackRow;
  plan: WritePlan;
  holdout: boolean;
}

/**
 * Which parts of one customer's plan Shopify accepted. A part that is absent
 * had nothing to send and counts as accepted.
 */
export interface AcceptedParts {
  tagsRemoved?: boolean;
  tagsAdded?: boolean;
  metafields?: boolean;
}

/** What to record for one customer after a send: its new appTags and, when scored, its writtenHash. */
export interface RecordedWrite {
  customerId: string;
  appTags: string[];
  scored: { writtenHash: string; holdout: boolean } | null;
}

/** Plans every row; returns only the customers with something to write. */
export function planWriteBack(
  rows: readonly WriteBackRow[],
  opts: { shopDomain: string; tagPrefix: string; holdoutPercent: number },
): PlannedCustomer[] {
  const planned: PlannedCustomer[] = [];
  for (const row of rows) {
    const holdout = isHoldout(opts.shopDomain, row.id, opts.holdoutPercent);
    const desired: DesiredState | null = row.scored
      ? {
          segment: row.segment!,
          r: row.r!,
          f: row.f!,
          m: row.m!,
          churnProbability: row.churnProbability!,
          churnModel: row.churnModel!,
          predictedClv12m: row.predictedClv12m!,
          expectedPurchases90d: row.expectedPurchases90d!,
          scoredAt: row.asOf!,
          holdout,
          tagPrefix: opts.tagPrefix,
        }
      : null;
    const plan = planCustomerWrite(desired, { appTags: row.appTags ?? [], writtenHash: row.writtenHash });
    if (plan.changed) planned.push({ customerId: row.id, row, plan, holdout });
  }
  return planned;
}

export function allAccepted(accepted: AcceptedParts): boolean {
  return accepted.tagsRemoved !== false && accepted.tagsAdded !== false && accepted.metafields !== false;
}

/** The app's tags on the customer after the accepted parts of its plan (Shopify compares tags case-insensitively). */
export function appTagsAfter(planned: PlannedCustomer, accepted: AcceptedParts): string[] {
  const { plan, row } = planned;
  let tags = [...(row.appTags ?? [])];
  if (plan.tagsToRemove.length && accepted.tagsRemoved !== false) {
    const removed = new Set(plan.tagsToRemove.map(norm));
    tags = tags.filter((t) => !removed.has(norm(t)));
  }
  if (plan.tagsToAdd.length && accepted.tagsAdded !== false) {
    const have = new Set(tags.map(norm));
    for (const t of plan.tagsToAdd) if (!have.has(norm(t))) tags.push(t);
  }
  return tags;
}

/** What to record after a send: accepted parts take the new state, rejected parts stay dirty for the next write-back. */
export function recordedWrite(planned: PlannedCustomer, accepted: AcceptedParts): RecordedWrite {
  const written = { appTags: planned.row.appTags, writtenHash: planned.row.writtenHash };
  const tagsOk = accepted.tagsRemoved !== false && accepted.tagsAdded !== false;
  return {
    customerId: planned.customerId,
    appTags: appTagsAfter(planned, accepted),
    scored: planned.row.scored
      ? { writtenHash: hashAfter(planned.plan, written, { tags: tagsOk, metafields: accepted.metafields !== false }), holdout: planned.holdout }
      : null,
  };
}
