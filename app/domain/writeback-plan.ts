// Pure diff logic of the write-back: what a customer should carry in Shopify
// (exactly one segment tag, the holdout tag when held out, one tag per enabled
// trait, the app-owned metafields) against what the app last wrote
// (Customer.appTags and CustomerScore.writtenHash). No I/O.
//
// writtenHash = "v1:{tagsHash}:{metafieldsHash}:{optional}", so a change of
// only the tags or only the metafields writes only that part; {optional} is a
// hex bit mask of the OPTIONAL_METAFIELDS last written (absent in hashes from
// before they existed: none), so a delete is sent only for one that exists. scored_at is written
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
  | "traits"
  | "expected_next_order_date"
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
  traits: "list.single_line_text_field",
  expected_next_order_date: "date",
  scored_at: "date_time",
};

/**
 * Metafields that exist only while they have a value: an empty trait list or no expected
 * date is a deleted metafield (Shopify has no empty single-line or list value to write).
 */
export const OPTIONAL_METAFIELDS: readonly MetafieldKey[] = ["traits", "expected_next_order_date"];
const ALL_METAFIELD_KEYS = Object.keys(METAFIELD_TYPES) as MetafieldKey[];

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
  /** Trait keys to carry (already filtered to the shop's enabled traits), sorted. */
  traits: readonly string[];
  traitTagPrefix: string;
  /** YYYY-MM-DD, or null when the customer has none. */
  expectedNextOrderDate: string | null;
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

export interface MetafieldDelete {
  namespace: string;
  key: MetafieldKey;
}

export interface WritePlan {
  tagsToAdd: string[];
  tagsToRemove: string[];
  /** Empty when the metafield values did not change. */
  metafields: MetafieldWrite[];
  /** Optional metafields without a value, deleted along with a metafield write (a no-op where absent). */
  metafieldDeletes: MetafieldDelete[];
  /** Tags the app owns after the write (the new Customer.appTags). */
  appTags: string[];
  /** The new writtenHash once every write of this plan was accepted. */
  hash: string;
  tagsHash: string;
  metafieldsHash: string;
  /** Optional metafields present after the write (bit mask, see composeHash). */
  optionalMask: number;
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

/** The tags the app wants on the customer: exactly one segment tag, the holdout tag, one per trait. */
export function desiredTags(s: Pick<DesiredState, "segment" | "holdout" | "tagPrefix" | "traits" | "traitTagPrefix">): string[] {
  const tags = [`${s.tagPrefix}${s.segment}`];
  if (s.holdout) tags.push(`${s.tagPrefix}${HOLDOUT_TAG_SUFFIX}`);
  for (const t of s.traits) tags.push(`${s.traitTagPrefix}${t}`);
  return tags;
}

/** Metafield values as Shopify stores them (strings); optional ones only when they have a value. */
export function desiredMetafields(s: DesiredState): MetafieldWrite[] {
  const values: Record<MetafieldKey, string | null> = {
    segment: s.segment,
    r_score: String(Math.trunc(s.r)),
    f_score: String(Math.trunc(s.f)),
    m_score: String(Math.trunc(s.m)),
    churn_probability: decimal(s.churnProbability, 4),
    churn_model: s.churnModel,
    predicted_clv_12m: decimal(s.predictedClv12m, 2),
    expected_purchases_90d: decimal(s.expectedPurchases90d, 4),
    traits: s.traits.length ? JSON.stringify([...s.traits]) : null,
    expected_next_order_date: s.expectedNextOrderDate,
    scored_at: isoSeconds(s.scoredAt),
  };
  const out: MetafieldWrite[] = [];
  for (const key of Object.keys(METAFIELD_TYPES) as MetafieldKey[]) {
    const value = values[key];
    if (value !== null) out.push({ namespace: METAFIELD_NAMESPACE, key, type: METAFIELD_TYPES[key], value });
  }
  return out;
}

/** Bit mask of the optional metafields among `mfs` (bit i = OPTIONAL_METAFIELDS[i]). */
export function optionalMask(mfs: readonly MetafieldWrite[]): number {
  let mask = 0;
  OPTIONAL_METAFIELDS.forEach((key, i) => {
    if (mfs.some((m) => m.key === key)) mask |= 1 << i;
  });
  return mask;
}

/** Optional metafields written before (mask `before`) that the customer should no longer carry. */
export function metafieldsToDelete(before: number, now: number): MetafieldDelete[] {
  return OPTIONAL_METAFIELDS.filter((_, i) => before & (1 << i) && !(now & (1 << i))).map((key) => ({ namespace: METAFIELD_NAMESPACE, key }));
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

export function composeHash(tags: string, metafields: string, optional = 0): string {
  return `v1:${tags}:${metafields}:${optional.toString(16)}`;
}

function parseHash(h: string | null): { tags: string; metafields: string; optional: number } | null {
  const m = h ? /^v1:([0-9a-f]+):([0-9a-f]+)(?::([0-9a-f]+))?$/.exec(h) : null;
  return m ? { tags: m[1], metafields: m[2], optional: m[3] ? parseInt(m[3], 16) : 0 } : null;
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
    // A customer the app wrote (it owns tags) and no longer scores: opted out, no counted
    // order left. Its app metafields go too (deleting one that is absent is a no-op).
    return {
      tagsToAdd: [],
      tagsToRemove: owned,
      metafields: [],
      metafieldDeletes: owned.length ? ALL_METAFIELD_KEYS.map((key) => ({ namespace: METAFIELD_NAMESPACE, key })) : [],
      appTags: [],
      hash: written.writtenHash ?? "",
      tagsHash: prev?.tags ?? "0",
      metafieldsHash: prev?.metafields ?? "0",
      optionalMask: prev?.optional ?? 0,
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
  const mask = optionalMask(mfs);
  const metafieldDeletes = metafields.length ? metafieldsToDelete(prev?.optional ?? 0, mask) : [];
  // A never-written customer whose appTags already match (e.g. hash lost): re-add is a no-op in Shopify.
  const addAll = !tagsInSync && tagsToAdd.length === 0 && tagsToRemove.length === 0 ? want : tagsToAdd;
  return {
    tagsToAdd: addAll,
    tagsToRemove,
    metafields,
    metafieldDeletes,
    appTags: want,
    hash: composeHash(tHash, mHash, mask),
    tagsHash: tHash,
    metafieldsHash: mHash,
    optionalMask: mask,
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
  return composeHash(
    accepted.tags ? plan.tagsHash : (prev?.tags ?? "0"),
    accepted.metafields ? plan.metafieldsHash : (prev?.metafields ?? "0"),
    accepted.metafields ? plan.optionalMask : (prev?.optional ?? 0),
  );
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
  /** Trait keys of the score, sorted (all of them; the plan keeps the enabled ones). */
  traits: string[] | null;
  expectedNextOrderAt: Date | null;
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
  opts: { shopDomain: string; tagPrefix: string; holdoutPercent: number; traitTagPrefix: string; enabledTraits: readonly string[] },
): PlannedCustomer[] {
  const planned: PlannedCustomer[] = [];
  const enabled = new Set(opts.enabledTraits);
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
          traits: (row.traits ?? []).filter((t) => enabled.has(t)).sort(),
          traitTagPrefix: opts.traitTagPrefix,
          expectedNextOrderDate: row.expectedNextOrderAt ? row.expectedNextOrderAt.toISOString().slice(0, 10) : null,
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
