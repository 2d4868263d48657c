// Shopify's search syntax for `query:` arguments, e.g.
//   updated_at:>='2024-01-01T00:00:00Z' tag:x -status:cancelled
// Unknown fields are ignored, as Shopify does.

export interface SearchTerm {
  field: string;
  op: string;
  value: string;
  negate: boolean;
}

export function parseSearch(q: string | null | undefined): SearchTerm[] {
  const out: SearchTerm[] = [];
  if (!q) return out;
  const re = /(-?)([A-Za-z_][\w.]*):(>=|<=|>|<|=)?\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q))) {
    let value = m[4];
    if (/^['"]/.test(value)) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    out.push({ negate: m[1] === "-", field: m[2].toLowerCase(), op: m[3] ?? "=", value });
  }
  return out;
}

export function cmpOp(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case ">": return a > b;
    case ">=": return a >= b;
    case "<": return a < b;
    case "<=": return a <= b;
    default: return a === b;
  }
}

export function dateTerm(actual: string | null | undefined, t: SearchTerm): boolean {
  if (!actual) return false;
  const rhs = Date.parse(t.value);
  if (Number.isNaN(rhs)) return true; // Shopify ignores unparseable filters
  return cmpOp(Date.parse(actual), t.op, rhs);
}

export function matchTerms(terms: SearchTerm[], get: (t: SearchTerm) => boolean | undefined): boolean {
  for (const t of terms) {
    const r = get(t);
    if (r === undefined) continue; // unknown filter: ignored, like Shopify
    if (t.negate ? r : !r) return false;
  }
  return true;
}
