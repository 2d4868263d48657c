import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { LeakyBucket, Throttle } from "./throttle";
import { requestedCost, operationOf } from "./graphql/cost";
import { adminSchema } from "./graphql/schema";
import { evaluateSegment, parseSegmentQuery, SegmentQueryError } from "./segment-query";

describe("leaky bucket", () => {
  it("drains, restores at the rate, never exceeds the maximum, refunds", () => {
    let t = 0;
    const b = new LeakyBucket(100, 2000, () => t);
    expect(b.take(1500)).toBe(true);
    expect(b.status().currentlyAvailable).toBe(500);
    expect(b.take(501)).toBe(false); // nothing taken
    expect(b.status().currentlyAvailable).toBe(500);
    t += 2500; // +250
    expect(b.status().currentlyAvailable).toBe(750);
    b.refund(40);
    expect(b.status().currentlyAvailable).toBe(790);
    t += 60_000;
    expect(b.status()).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 });
  });
  it("uses Shopify's plan rates and 20x bucket", () => {
    const th = new Throttle(() => 0);
    expect(th.bucket("k", "a", "plus").status()).toEqual({ maximumAvailable: 20000, currentlyAvailable: 20000, restoreRate: 1000 });
    expect(th.bucket("k", "b", "enterprise").status().restoreRate).toBe(2000);
    expect(th.bucket("k", "c", "advanced").status().maximumAvailable).toBe(4000);
  });
});

describe("query cost", () => {
  const cost = (q: string, v = {}) => {
    const d = parse(q);
    return requestedCost(adminSchema(), d, operationOf(d)!, v);
  };
  it("follows scalar 0 / object 1 / connection 2 + n x node / mutation 10", () => {
    expect(cost("{ shop { id name } }")).toBe(1);
    expect(cost("query($n: Int) { customers(first: $n) { edges { node { id tags } } pageInfo { hasNextPage } } }", { n: 50 })).toBe(52);
    expect(cost("{ customers(first: 10) { nodes { id amountSpent { amount } metafield(key: \"a\") { value } } } }")).toBe(2 + 10 * 3);
    expect(cost("mutation { tagsAdd(id: \"x\", tags: []) { node { id } userErrors { message } } }")).toBe(10);
    expect(() => cost("{ customers { edges { node { id } } } }")).toThrow(/first or last/);
  });
});

describe("segment query language", () => {
  const subject = (tags: string[], mf: Record<string, string>) => ({
    tags,
    numberOfOrders: 3,
    amountSpent: 120,
    metafield: (ns: string, key: string) => (mf[`${ns}.${key}`] !== undefined ? { type: /^\d/.test(mf[`${ns}.${key}`]) ? "number_decimal" : "single_line_text_field", value: mf[`${ns}.${key}`] } : undefined),
  });
  it("parses and evaluates precedence (AND binds tighter than OR) and parentheses", () => {
    const q = "customer_tags CONTAINS 'a' OR customer_tags CONTAINS 'b' AND metafields.x.y >= 0.5";
    expect(evaluateSegment(parseSegmentQuery(q), subject(["a"], {}))).toBe(true);
    expect(evaluateSegment(parseSegmentQuery(q), subject(["b"], { "x.y": "0.4" }))).toBe(false);
    const p = "(customer_tags CONTAINS 'a' OR customer_tags CONTAINS 'b') AND metafields.x.y >= 0.5";
    expect(evaluateSegment(parseSegmentQuery(p), subject(["a"], {}))).toBe(false);
    expect(evaluateSegment(parseSegmentQuery(p), subject(["b"], { "x.y": "0.5" }))).toBe(true);
    expect(evaluateSegment(parseSegmentQuery("metafields.x.s != 'Lost' AND number_of_orders > 2 AND amount_spent <= 120"), subject([], { "x.s": "Champions" }))).toBe(true);
    expect(evaluateSegment(parseSegmentQuery("customer_tags NOT CONTAINS 'a'"), subject(["A"], {}))).toBe(false);
  });
  it("rejects invalid queries with a position", () => {
    for (const bad of ["", "customer_tags CONTAINS", "customer_tags = 'x'", "(customer_tags CONTAINS 'a'", "foo = 1", "number_of_orders > 'x'", "customer_tags CONTAINS 'a' AND"]) {
      expect(() => parseSegmentQuery(bad)).toThrow(SegmentQueryError);
    }
    expect(() => parseSegmentQuery("metafields.a.b > 1", { metafieldType: () => undefined })).toThrow(/not a valid filter/);
  });
});
