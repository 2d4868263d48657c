// The app's native Shopify customer segments, e.g. "RFM: Champions" with query
// customer_tags CONTAINS 'rfm:champions' (the caller says which: app/domain/native-segments.ts).
// Created, renamed and re-queried idempotently; ours that are no longer wanted are deleted. The caller passes the
// segments it recorded as ours and records each change through `onChange`
// right after Shopify accepted it (so a crash never loses a created id). Only
// our segments are ever updated or deleted: when a segment with the wanted
// name exists and is not ours, it is never touched and ours gets another name
// ("RFM: Champions (RFM app)", then "… 2", …), reported in `conflicts`.
import type { WantedSegment } from "../domain/native-segments";
import { ShopifyUserError, type ShopifyAdminClient } from "./admin-client.server";
import { paginate } from "./paginate.server";

export function segmentName(base: string, attempt = 0): string {
  return attempt === 0 ? base : attempt === 1 ? `${base} (RFM app)` : `${base} (RFM app ${attempt})`;
}

export function segmentQuery(tag: string): string {
  return `customer_tags CONTAINS '${tag.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

interface RemoteSegment {
  id: string;
  name: string;
  query: string;
}

const SEGMENTS_QUERY = `#graphql
  query RfmSegments($after: String) {
    segments(first: 250, after: $after) { nodes { id name query } pageInfo { hasNextPage endCursor } }
  }`;

const SEGMENT_UPDATE = `#graphql
  mutation RfmSegmentUpdate($id: ID!, $name: String, $query: String) {
    segmentUpdate(id: $id, name: $name, query: $query) { segment { id name query } userErrors { field message } }
  }`;

const SEGMENT_CREATE = `#graphql
  mutation RfmSegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) { segment { id name query } userErrors { field message } }
  }`;

const SEGMENT_DELETE = `#graphql
  mutation RfmSegmentDelete($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { field message } } }`;

async function listSegments(client: ShopifyAdminClient): Promise<RemoteSegment[]> {
  const out: RemoteSegment[] = [];
  for await (const segments of paginate(client, SEGMENTS_QUERY, {}, (data) => data.segments)) out.push(...segments);
  return out;
}

type UserErrors = { field?: string[] | null; message: string }[];
const nameTaken = (errs: UserErrors) => errs.some((e) => /taken|already exists/i.test(e.message) && (e.field ?? []).includes("name"));

export interface EnsureSegmentsResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  /** Keys whose preferred name belongs to a segment that is not ours, with the name used instead. */
  conflicts: { key: string; wanted: string; used: string }[];
  /** Mutations sent (segmentCreate / segmentUpdate / segmentDelete). */
  mutations: number;
}

/** One of our segments as recorded (segmentKey → Shopify id, name and query). */
export interface OurSegment {
  segmentKey: string;
  shopifySegmentId: string;
  name: string;
  query: string;
}

export type SegmentChange = { kind: "saved"; segment: OurSegment } | { kind: "deleted"; segmentKey: string };

export async function ensureNativeSegments(
  client: ShopifyAdminClient,
  opts: { wanted: readonly WantedSegment[]; ours: readonly OurSegment[]; onChange: (change: SegmentChange) => Promise<void> },
): Promise<EnsureSegmentsResult> {
  const { wanted: wantedSegments, ours, onChange } = opts;
  const remote = await listSegments(client);
  const remoteById = new Map(remote.map((s) => [s.id, s]));
  const ourIds = new Set(ours.map((s) => s.shopifySegmentId));
  const result: EnsureSegmentsResult = { created: [], updated: [], unchanged: [], deleted: [], conflicts: [], mutations: 0 };

  // A name is free for a key when no segment but possibly our own one for that key carries it.
  const takenByOther = (name: string, ownId: string | null) =>
    remote.some((s) => s.name.toLowerCase() === name.toLowerCase() && s.id !== ownId);
  const pickName = (base: string, ownId: string | null) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const name = segmentName(base, attempt);
      if (!takenByOther(name, ownId)) return name;
    }
    throw new Error(`no free segment name for ${base}`);
  };

  for (const want of wantedSegments) {
    const key = want.key;
    const query = segmentQuery(want.tag);
    const row = ours.find((s) => s.segmentKey === key);
    const existing = row ? remoteById.get(row.shopifySegmentId) : undefined;
    const wanted = want.name;

    if (row && existing) {
      const name = pickName(want.name, existing.id);
      if (name !== wanted) result.conflicts.push({ key, wanted, used: name });
      if (existing.name === name && existing.query === query) {
        result.unchanged.push(key);
        if (row.name !== name || row.query !== query) await onChange({ kind: "saved", segment: { ...row, name, query } });
        continue;
      }
      const data = await client.request(
        SEGMENT_UPDATE,
        { id: existing.id, name: existing.name === name ? null : name, query: existing.query === query ? null : query },
        10,
      );
      result.mutations++;
      const r = data.segmentUpdate;
      if (!r || r.userErrors.length || !r.segment) throw new ShopifyUserError("segmentUpdate", r?.userErrors ?? [{ message: "no payload" }]);
      Object.assign(existing, r.segment);
      await onChange({ kind: "saved", segment: { ...row, name: r.segment.name, query: r.segment.query } });
      result.updated.push(key);
      continue;
    }

    // Not created yet, or our segment was deleted in Shopify: create (never adopt a segment that is not ours).
    let created: RemoteSegment | null = null;
    for (let attempt = 0; attempt < 50 && !created; attempt++) {
      const name = segmentName(want.name, attempt);
      if (takenByOther(name, null)) continue;
      const data = await client.request(SEGMENT_CREATE, { name, query }, 10);
      result.mutations++;
      const r = data.segmentCreate;
      if (!r) throw new ShopifyUserError("segmentCreate", [{ message: "no payload" }]);
      if (r.segment && !r.userErrors.length) created = r.segment;
      else if (!nameTaken(r.userErrors)) throw new ShopifyUserError("segmentCreate", r.userErrors);
    }
    if (!created) throw new Error(`could not create a segment for ${key}`);
    remote.push(created);
    ourIds.add(created.id);
    await onChange({ kind: "saved", segment: { segmentKey: key, shopifySegmentId: created.id, name: created.name, query: created.query } });
    if (created.name !== wanted) result.conflicts.push({ key, wanted, used: created.name });
    result.created.push(key);
  }

  // Our segments no longer wanted (a trait turned off, a key that no longer exists): delete (only ever ours).
  const wantedKeys = new Set(wantedSegments.map((w) => w.key));
  for (const row of ours) {
    if (wantedKeys.has(row.segmentKey)) continue;
    if (remoteById.has(row.shopifySegmentId)) {
      const data = await client.request(SEGMENT_DELETE, { id: row.shopifySegmentId }, 10);
      result.mutations++;
      const errors = data.segmentDelete?.userErrors ?? [{ field: null, message: "no payload" }];
      if (errors.length) throw new ShopifyUserError("segmentDelete", errors);
    }
    await onChange({ kind: "deleted", segmentKey: row.segmentKey });
    result.deleted.push(row.segmentKey);
  }
  return result;
}
