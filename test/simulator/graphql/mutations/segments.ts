// segmentCreate / segmentUpdate / segmentDelete: unique names, queries that parse.
import { extrasOf, type SimSegment } from "../../state";
import type { Env } from "../env";
import { parseGid } from "../gid";
import { checkSegmentQuery } from "../segments";
import { segmentView } from "../views";

export function segmentCreate(env: Env, a: { name: string; query: string }) {
  const segments = extrasOf(env.state, env.shop.domain).segments;
  const name = a.name.trim();
  if (!name) return { segment: null, userErrors: [{ field: ["name"], message: "Name can't be blank" }] };
  if ([...segments.values()].some((s) => s.name === name)) return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
  const checked = checkSegmentQuery(env, a.query);
  if (checked.error) return { segment: null, userErrors: [{ field: ["query"], message: checked.error }] };
  const now = env.state.ctx.now().toISOString();
  const s: SimSegment = { id: env.state.ctx.nextId(), name, query: a.query, creationDate: now, lastEditDate: now };
  segments.set(s.id, s);
  return { segment: segmentView(s), userErrors: [] };
}

export function segmentUpdate(env: Env, a: { id: string; name?: string | null; query?: string | null }) {
  const segments = extrasOf(env.state, env.shop.domain).segments;
  const id = parseGid(a.id, "Segment");
  const s = id == null ? undefined : segments.get(id);
  if (!s) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
  if (a.name != null) {
    const name = a.name.trim();
    if (!name) return { segment: null, userErrors: [{ field: ["name"], message: "Name can't be blank" }] };
    if ([...segments.values()].some((x) => x.id !== s.id && x.name === name)) return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
  }
  if (a.query != null) {
    const checked = checkSegmentQuery(env, a.query);
    if (checked.error) return { segment: null, userErrors: [{ field: ["query"], message: checked.error }] };
  }
  if (a.name != null) s.name = a.name.trim();
  if (a.query != null) s.query = a.query;
  s.lastEditDate = env.state.ctx.now().toISOString();
  return { segment: segmentView(s), userErrors: [] };
}

export function segmentDelete(env: Env, a: { id: string }) {
  const segments = extrasOf(env.state, env.shop.domain).segments;
  const id = parseGid(a.id, "Segment");
  if (id == null || !segments.has(id)) return { deletedSegmentId: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
  segments.delete(id);
  return { deletedSegmentId: a.id, userErrors: [] };
}
