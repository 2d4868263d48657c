// A small evaluator for Shopify's customer segment query language (ShopifyQL
// segment syntax): conditions on customer_tags, number_of_orders, amount_spent,
// predicted_spend_tier, rfm_group and customer metafields, joined by AND / OR
// with parentheses. https://shopify.dev/docs/api/shopifyql/segment-query-language-reference

export type Value = { kind: "string"; v: string } | { kind: "number"; v: number } | { kind: "boolean"; v: boolean } | { kind: "date"; v: string };

export type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "not"; inner: Node }
  | { kind: "cond"; attr: string; op: string; value: Value; column: number };

export class SegmentQueryError extends Error {
  constructor(
    message: string,
    public readonly line: number,
    public readonly column: number,
  ) {
    super(`Line ${line} Column ${column}: ${message}`);
  }
}

interface Tok {
  t: "word" | "string" | "number" | "op" | "lparen" | "rparen" | "comma" | "lbracket" | "rbracket";
  v: string;
  col: number; // 0-based like Shopify's messages
}

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i;
    if (c === "(") { out.push({ t: "lparen", v: c, col }); i++; continue; }
    if (c === ")") { out.push({ t: "rparen", v: c, col }); i++; continue; }
    if (c === ",") { out.push({ t: "comma", v: c, col }); i++; continue; }
    if (c === "[") { out.push({ t: "lbracket", v: c, col }); i++; continue; }
    if (c === "]") { out.push({ t: "rbracket", v: c, col }); i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      while (j < q.length && q[j] !== c) {
        if (q[j] === "\\" && j + 1 < q.length) { s += q[j + 1]; j += 2; continue; }
        s += q[j++];
      }
      if (j >= q.length) throw new SegmentQueryError(`Unterminated string`, 1, col);
      out.push({ t: "string", v: s, col });
      i = j + 1;
      continue;
    }
    const op = /^(>=|<=|!=|=|>|<)/.exec(q.slice(i));
    if (op) { out.push({ t: "op", v: op[1], col }); i += op[1].length; continue; }
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(q.slice(i));
    if (num) { out.push({ t: "number", v: num[0], col }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][\w.-]*/.exec(q.slice(i));
    if (word) { out.push({ t: "word", v: word[0], col }); i += word[0].length; continue; }
    throw new SegmentQueryError(`'${c}' is unexpected.`, 1, col);
  }
  return out;
}

const BASE_ATTRS: Record<string, "tags" | "number" | "enum"> = {
  customer_tags: "tags",
  number_of_orders: "number",
  amount_spent: "number",
  predicted_spend_tier: "enum",
  rfm_group: "enum",
};

export interface AttributeInfo {
  /** Type of a customer metafield attribute, e.g. "number_decimal"; undefined when unknown. */
  metafieldType(namespace: string, key: string): string | undefined;
}

export function parseSegmentQuery(q: string, info?: AttributeInfo): Node {
  if (!q.trim()) throw new SegmentQueryError("Query can't be blank.", 1, 0);
  const toks = tokenize(q);
  let p = 0;
  const peek = () => toks[p];
  const isWord = (w: string) => peek()?.t === "word" && peek()!.v.toUpperCase() === w;
  const fail = (tok?: Tok): never => {
    if (!tok) throw new SegmentQueryError("Unexpected end of query.", 1, q.length);
    throw new SegmentQueryError(`'${tok.v}' is unexpected.`, 1, tok.col);
  };

  function parseOr(): Node {
    let left = parseAnd();
    while (isWord("OR")) { p++; left = { kind: "or", left, right: parseAnd() }; }
    return left;
  }
  function parseAnd(): Node {
    let left = parseUnary();
    while (isWord("AND")) { p++; left = { kind: "and", left, right: parseUnary() }; }
    return left;
  }
  function parseUnary(): Node {
    const tok = peek();
    if (!tok) return fail();
    if (tok.t === "word" && tok.v.toUpperCase() === "NOT" && toks[p + 1]?.t === "lparen") {
      p++;
      return { kind: "not", inner: parseUnary() };
    }
    if (tok.t === "lparen") {
      p++;
      const e = parseOr();
      if (peek()?.t !== "rparen") fail(peek());
      p++;
      return e;
    }
    return parseCond();
  }
  function parseValue(): Value {
    const tok = peek();
    if (!tok) return fail();
    p++;
    if (tok.t === "string") return { kind: "string", v: tok.v };
    if (tok.t === "number") return { kind: "number", v: Number(tok.v) };
    if (tok.t === "word" && /^(true|false)$/i.test(tok.v)) return { kind: "boolean", v: tok.v.toLowerCase() === "true" };
    if (tok.t === "word" && /^\d{4}-\d{2}-\d{2}/.test(tok.v)) return { kind: "date", v: tok.v };
    return fail(tok);
  }
  function parseCond(): Node {
    const a = peek();
    if (!a || a.t !== "word") return fail(a);
    p++;
    const attr = a.v;
    let kind: string | undefined = BASE_ATTRS[attr];
    let mfType: string | undefined;
    if (!kind) {
      const m = /^metafields\.([\w-]+)\.([\w-]+)$/.exec(attr);
      if (!m) throw new SegmentQueryError(`'${attr}' is not a valid filter.`, 1, a.col);
      if (info) {
        mfType = info.metafieldType(m[1], m[2]);
        if (!mfType) throw new SegmentQueryError(`'${attr}' is not a valid filter.`, 1, a.col);
      }
      kind = "metafield";
    }
    let op: string;
    const t = peek();
    if (t?.t === "op") { op = t.v; p++; }
    else if (t?.t === "word" && t.v.toUpperCase() === "CONTAINS") { op = "CONTAINS"; p++; }
    else if (t?.t === "word" && t.v.toUpperCase() === "NOT" && toks[p + 1]?.t === "word" && toks[p + 1].v.toUpperCase() === "CONTAINS") { op = "NOT CONTAINS"; p += 2; }
    else if (t?.t === "word" && t.v.toUpperCase() === "IS" ) {
      // IS NULL / IS NOT NULL
      p++;
      let neg = false;
      if (isWord("NOT")) { neg = true; p++; }
      if (!isWord("NULL")) fail(peek());
      p++;
      return { kind: "cond", attr, op: neg ? "IS NOT NULL" : "IS NULL", value: { kind: "boolean", v: true }, column: a.col };
    } else return fail(t);

    if (kind === "tags") {
      if (op !== "CONTAINS" && op !== "NOT CONTAINS") throw new SegmentQueryError(`'${op}' is not a valid operator for ${attr}.`, 1, t!.col);
      const v = parseValue();
      if (v.kind !== "string") throw new SegmentQueryError(`${attr} expects a string value.`, 1, a.col);
      return { kind: "cond", attr, op, value: v, column: a.col };
    }
    if (op === "CONTAINS" || op === "NOT CONTAINS") throw new SegmentQueryError(`'${op}' is not a valid operator for ${attr}.`, 1, t!.col);
    const v = parseValue();
    const numeric = kind === "number" || (mfType !== undefined && /^number_/.test(mfType));
    const textual = kind === "enum" || (mfType !== undefined && /text/.test(mfType));
    if (numeric && v.kind !== "number") throw new SegmentQueryError(`${attr} expects a number value.`, 1, a.col);
    if (textual && v.kind !== "string") throw new SegmentQueryError(`${attr} expects a string value.`, 1, a.col);
    if (textual && !["=", "!="].includes(op)) throw new SegmentQueryError(`'${op}' is not a valid operator for ${attr}.`, 1, t!.col);
    if (mfType === "boolean" && (v.kind !== "boolean" || !["=", "!="].includes(op))) throw new SegmentQueryError(`${attr} expects true or false.`, 1, a.col);
    return { kind: "cond", attr, op, value: v, column: a.col };
  }

  const tree = parseOr();
  if (p < toks.length) fail(toks[p]);
  return tree;
}

/** What the evaluator needs to know about one customer. */
export interface SegmentSubject {
  tags: string[];
  numberOfOrders: number;
  amountSpent: number;
  predictedSpendTier?: string | null;
  rfmGroup?: string | null;
  metafield(namespace: string, key: string): { type: string; value: string } | undefined;
}

function compare(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case "=": return a === b;
    case "!=": return a !== b;
    case ">": return a > b;
    case ">=": return a >= b;
    case "<": return a < b;
    case "<=": return a <= b;
  }
  return false;
}

export function evaluateSegment(node: Node, s: SegmentSubject): boolean {
  switch (node.kind) {
    case "and": return evaluateSegment(node.left, s) && evaluateSegment(node.right, s);
    case "or": return evaluateSegment(node.left, s) || evaluateSegment(node.right, s);
    case "not": return !evaluateSegment(node.inner, s);
    case "cond": {
      const { attr, op, value } = node;
      if (attr === "customer_tags") {
        const has = s.tags.some((t) => t.toLowerCase() === String(value.v).toLowerCase());
        return op === "CONTAINS" ? has : !has;
      }
      let actual: number | string | boolean | undefined;
      if (attr === "number_of_orders") actual = s.numberOfOrders;
      else if (attr === "amount_spent") actual = s.amountSpent;
      else if (attr === "predicted_spend_tier") actual = s.predictedSpendTier ?? undefined;
      else if (attr === "rfm_group") actual = s.rfmGroup ?? undefined;
      else {
        const m = /^metafields\.([\w-]+)\.([\w-]+)$/.exec(attr)!;
        const mf = s.metafield(m[1], m[2]);
        if (mf) {
          if (/^number_/.test(mf.type)) actual = Number(mf.value);
          else if (mf.type === "boolean") actual = mf.value === "true";
          else if (mf.type === "date_time" || mf.type === "date") actual = Date.parse(mf.value);
          else actual = mf.value;
        }
      }
      if (op === "IS NULL") return actual === undefined;
      if (op === "IS NOT NULL") return actual !== undefined;
      if (actual === undefined) return false;
      if (typeof actual === "boolean") return op === "=" ? actual === value.v : actual !== value.v;
      if (typeof actual === "string" && typeof value.v === "string") {
        if (attr === "predicted_spend_tier" || attr === "rfm_group") return compare(actual.toUpperCase(), op, value.v.toUpperCase());
        return compare(actual, op, value.v);
      }
      if (typeof actual === "number") {
        const rhs = value.kind === "date" || (value.kind === "string" && isNaN(Number(value.v))) ? Date.parse(String(value.v)) : Number(value.v);
        if (Number.isNaN(rhs)) return false;
        return compare(actual, op, rhs);
      }
      return false;
    }
  }
}
