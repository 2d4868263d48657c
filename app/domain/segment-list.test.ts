import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, groupKey, listSearch, parseGroupKey, parseListQuery } from "./segment-list";

describe("page keys", () => {
  it("names an RFM segment, a trait or a discovered segment, and nothing else", () => {
    expect(parseGroupKey("at_risk")).toEqual({ kind: "segment", segment: "at_risk" });
    expect(parseGroupKey("trait:discount_seeker")).toEqual({ kind: "trait", trait: "discount_seeker" });
    expect(parseGroupKey("cluster:0")).toEqual({ kind: "cluster", id: 0 });
    expect(parseGroupKey("cluster:12")).toEqual({ kind: "cluster", id: 12 });
    for (const bad of [undefined, "", "At_Risk", "vip", "trait:", "trait:vip", "trait:at_risk", "cluster:", "cluster:-1", "cluster:01", "cluster:1.5", "cluster:9999999999", "at_risk "])
      expect(parseGroupKey(bad), String(bad)).toBeNull();
  });

  it("groupKey is parseGroupKey's inverse", () => {
    for (const key of ["champions", "trait:vip_at_risk", "cluster:3"]) expect(groupKey(parseGroupKey(key)!)).toBe(key);
  });
});

describe("list query", () => {
  const parse = (s: string) => parseListQuery(new URLSearchParams(s));

  it("defaults: highest predicted value first, no filters, first page", () => {
    expect(parse("")).toEqual({ ok: true, query: { sort: "clv", dir: "desc", churn: null, trait: null, after: null, before: null } });
    expect(parse("churn=&trait=")).toEqual(parse(""));
  });

  it("reads sort, direction, filters and a cursor", () => {
    expect(parse("sort=churn&dir=asc&churn=50to75&trait=recovered&after=0.625_1001")).toEqual({
      ok: true,
      query: { sort: "churn", dir: "asc", churn: "50to75", trait: "recovered", after: { value: "0.625", customerId: "1001" }, before: null },
    });
    expect(parse("sort=spent&before=-1250_7")).toMatchObject({ ok: true, query: { sort: "spent", dir: "desc", before: { value: "-1250", customerId: "7" } } });
    expect(parse("sort=churn&after=1.5e-7_42")).toMatchObject({ ok: true, query: { after: { value: "1.5e-7", customerId: "42" } } });
  });

  it("refuses unknown sorts, directions, bands, traits and malformed cursors", () => {
    for (const bad of ["sort=name", "dir=up", "churn=high", "trait=vip", "after=x_1", "after=1", "sort=r&after=1.5_3", "after=0.5_abc", "after=1_2&before=1_3", "after=0.5_1;drop"]) {
      expect(parse(bad).ok, bad).toBe(false);
    }
  });

  it("cursors and links round-trip; defaults are left out of links", () => {
    const c = { value: "0.30000000000000004", customerId: "9007199254740993" };
    expect(decodeCursor(encodeCursor(c), "churn")).toEqual(c);
    expect(listSearch({ sort: "clv", dir: "desc" })).toBe("");
    expect(listSearch({ sort: "r", dir: "asc", churn: "ge75", trait: null, after: { value: "3", customerId: "10" }, before: null })).toBe("?sort=r&dir=asc&churn=ge75&after=3_10");
    const q = parse(listSearch({ sort: "recency", dir: "desc", trait: "one_and_done", before: { value: "30", customerId: "5" } }).slice(1));
    expect(q).toEqual({ ok: true, query: { sort: "recency", dir: "desc", churn: null, trait: "one_and_done", after: null, before: { value: "30", customerId: "5" } } });
  });
});
