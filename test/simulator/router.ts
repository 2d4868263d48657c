// Route tables for the simulator's HTTP endpoints: rows of
// [method, pattern, handler], the first row whose method and pattern match wins.
//
// A pattern is "/"-separated segments:
//   literal        matches itself
//   :name          one non-empty segment; may end in literal text (":token.jsonl")
//   *name          last only: the rest of the path, "" or "/a/b" (with its slash)
// Method "*" matches every method.

export type Route<H> = readonly [method: string, pattern: string, handler: H];

type SegmentMatcher = { literal: string } | { param: string; suffix: string } | { rest: string };

interface CompiledRoute<H> {
  method: string;
  segments: SegmentMatcher[];
  handler: H;
}

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

/** The segments of a path or pattern, without the leading slash: "/a/b" → ["a", "b"], "/" → [""]. */
export function pathSegments(path: string): string[] {
  return path.replace(/^\//, "").split("/");
}

function compileSegments(pattern: string): SegmentMatcher[] {
  const parts = pathSegments(pattern);
  return parts.map((s, i) => {
    if (s.startsWith("*")) {
      if (i !== parts.length - 1) throw new Error(`route ${pattern}: *${s.slice(1)} must be the last segment`);
      return { rest: s.slice(1) };
    }
    const m = /^:(\w+)(.*)$/.exec(s);
    return m ? { param: m[1], suffix: m[2] } : { literal: s };
  });
}

function matchSegments(matchers: SegmentMatcher[], segments: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i];
    if ("rest" in m) {
      const rest = segments.slice(i);
      params[m.rest] = rest.length ? `/${rest.join("/")}` : "";
      return params;
    }
    const seg = segments[i];
    if (seg === undefined) return null;
    if ("literal" in m) {
      if (seg !== m.literal) return null;
      continue;
    }
    if (seg.length <= m.suffix.length || !seg.endsWith(m.suffix)) return null;
    params[m.param] = seg.slice(0, seg.length - m.suffix.length);
  }
  return matchers.length === segments.length ? params : null;
}

/** A matcher over a route table (patterns compiled once). */
export function createRouter<H>(routes: readonly Route<H>[]): (method: string, segments: string[]) => RouteMatch<H> | null {
  const compiled: CompiledRoute<H>[] = routes.map(([method, pattern, handler]) => ({ method, segments: compileSegments(pattern), handler }));
  return (method, segments) => {
    for (const r of compiled) {
      if (r.method !== "*" && r.method !== method) continue;
      const params = matchSegments(r.segments, segments);
      if (params) return { handler: r.handler, params };
    }
    return null;
  };
}
