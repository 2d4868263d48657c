import { describe, expect, it } from "vitest";
import { desiredMetafields, desiredTags, hashAfter, planCustomerWrite, planWriteBack, type DesiredState } from "./writeback-plan";

const base: DesiredState = {
  segment: "champions",
  r: 5,
  f: 4,
  m: 5,
  churnProbability: 0.123456,
  churnModel: "bgnbd",
  predictedClv12m: 321.456,
  expectedPurchases90d: 1.23456,
  scoredAt: new Date("2026-11-22T00:00:00.000Z"),
  holdout: false,
  tagPrefix: "rfm:",
  traits: [],
  traitTagPrefix: "trait:",
  expectedNextOrderDate: null,
};

describe("writeback plan: traits", () => {
  it("adds one tag per trait and the traits and next-order-date metafields", () => {
    const p = planCustomerWrite({ ...base, traits: ["discount_seeker", "due_to_reorder"], expectedNextOrderDate: "2026-12-14" }, { appTags: ["vip"], writtenHash: null });
    expect(p.tagsToAdd).toEqual(["rfm:champions", "trait:discount_seeker", "trait:due_to_reorder"]);
    const byKey = Object.fromEntries(p.metafields.map((m) => [m.key, m]));
    expect(byKey.traits).toMatchObject({ type: "list.single_line_text_field", value: '["discount_seeker","due_to_reorder"]' });
    expect(byKey.expected_next_order_date).toMatchObject({ type: "date", value: "2026-12-14" });
    expect(p.metafieldDeletes).toEqual([]);
  });

  it("a lost trait removes only the app's tag for it and deletes the emptied metafields", () => {
    const p1 = planCustomerWrite({ ...base, traits: ["discount_seeker"], expectedNextOrderDate: "2026-12-14" }, { appTags: [], writtenHash: null });
    // The merchant's own "trait:discount_seeker"-looking tag is not ours unless appTags says so.
    const p2 = planCustomerWrite(base, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.tagsToRemove).toEqual(["trait:discount_seeker"]);
    expect(p2.tagsToAdd).toEqual([]);
    expect(p2.metafields.map((m) => m.key)).not.toContain("traits");
    expect(p2.metafieldDeletes.map((d) => d.key).sort()).toEqual(["expected_next_order_date", "traits"]);
    // Nothing changes after that: zero writes.
    const p3 = planCustomerWrite(base, { appTags: p2.appTags, writtenHash: p2.hash });
    expect(p3.changed).toBe(false);
    expect(p3.metafieldDeletes).toEqual([]);
  });

  it("deletes only optional metafields it wrote before (legacy two-part hashes had none)", () => {
    const first = planCustomerWrite(base, { appTags: [], writtenHash: null });
    expect(first.metafieldDeletes).toEqual([]);
    const legacy = first.hash.replace(/:[0-9a-f]+$/, ""); // "v1:{tags}:{metafields}"
    const next = planCustomerWrite({ ...base, churnProbability: 0.9 }, { appTags: first.appTags, writtenHash: legacy });
    expect(next.metafields.length).toBeGreaterThan(0);
    expect(next.metafieldDeletes).toEqual([]);
    // Same values as the legacy hash: nothing to write.
    expect(planCustomerWrite(base, { appTags: first.appTags, writtenHash: legacy }).changed).toBe(false);
  });

  it("planWriteBack writes only the shop's enabled traits", () => {
    const row = {
      id: "7",
      appTags: [],
      scored: true,
      segment: "at_risk",
      r: 1,
      f: 3,
      m: 4,
      churnProbability: 0.7,
      churnModel: "supervised",
      predictedClv12m: 12,
      expectedPurchases90d: 0.2,
      asOf: new Date("2026-11-22T00:00:00Z"),
      traits: ["vip_at_risk", "discount_seeker"],
      expectedNextOrderAt: new Date("2026-10-01T00:00:00Z"),
      writtenHash: null,
    };
    const [planned] = planWriteBack([row], { shopDomain: "x.myshopify.com", tagPrefix: "rfm:", holdoutPercent: 0, traitTagPrefix: "t-", enabledTraits: ["vip_at_risk"] });
    expect(planned.plan.tagsToAdd).toEqual(["rfm:at_risk", "t-vip_at_risk"]);
    expect(planned.plan.metafields.find((m) => m.key === "traits")?.value).toBe('["vip_at_risk"]');
    expect(planned.plan.metafields.find((m) => m.key === "expected_next_order_date")?.value).toBe("2026-10-01");
  });
});

describe("writeback plan", () => {
  it("first write adds exactly one segment tag and all metafields", () => {
    const p = planCustomerWrite(base, { appTags: [], writtenHash: null });
    expect(p.tagsToAdd).toEqual(["rfm:champions"]);
    expect(p.tagsToRemove).toEqual([]);
    expect(p.metafields.map((m) => m.key)).toEqual(["segment", "r_score", "f_score", "m_score", "churn_probability", "churn_model", "predicted_clv_12m", "expected_purchases_90d", "scored_at"]);
    const byKey = Object.fromEntries(p.metafields.map((m) => [m.key, m]));
    expect(byKey.segment).toMatchObject({ namespace: "$app:rfm", type: "single_line_text_field", value: "champions" });
    expect(byKey.churn_model).toMatchObject({ type: "single_line_text_field", value: "bgnbd" });
    expect(byKey.r_score).toMatchObject({ type: "number_integer", value: "5" });
    expect(byKey.churn_probability).toMatchObject({ type: "number_decimal", value: "0.1235" });
    expect(byKey.predicted_clv_12m.value).toBe("321.46");
    expect(byKey.expected_purchases_90d.value).toBe("1.2346");
    expect(byKey.scored_at).toMatchObject({ type: "date_time", value: "2026-11-22T00:00:00Z" });
    expect(p.appTags).toEqual(["rfm:champions"]);
    expect(p.changed).toBe(true);
  });

  it("a second plan with the same data makes zero writes (also with a later scoredAt)", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const p2 = planCustomerWrite({ ...base, scoredAt: "2026-11-23T00:00:00Z" }, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.changed).toBe(false);
    expect(p2.tagsToAdd).toEqual([]);
    expect(p2.tagsToRemove).toEqual([]);
    expect(p2.metafields).toEqual([]);
    expect(p2.hash).toBe(p1.hash);
  });

  it("a segment change replaces the tag: exactly one segment tag", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const p2 = planCustomerWrite({ ...base, segment: "at_risk", r: 2 }, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.tagsToAdd).toEqual(["rfm:at_risk"]);
    expect(p2.tagsToRemove).toEqual(["rfm:champions"]);
    expect(p2.appTags).toEqual(["rfm:at_risk"]);
    expect(p2.metafields.length).toBe(9);
  });

  it("a value-only change writes metafields but no tags", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const p2 = planCustomerWrite({ ...base, churnProbability: 0.5 }, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.tagsToAdd).toEqual([]);
    expect(p2.tagsToRemove).toEqual([]);
    expect(p2.metafields.find((m) => m.key === "churn_probability")?.value).toBe("0.5000");
  });

  it("holdout adds and removes only the holdout tag", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const p2 = planCustomerWrite({ ...base, holdout: true }, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.tagsToAdd).toEqual(["rfm:holdout"]);
    expect(p2.tagsToRemove).toEqual([]);
    expect(p2.metafields).toEqual([]);
    const p3 = planCustomerWrite(base, { appTags: p2.appTags, writtenHash: p2.hash });
    expect(p3.tagsToRemove).toEqual(["rfm:holdout"]);
    expect(desiredTags({ ...base, holdout: true })).toEqual(["rfm:champions", "rfm:holdout"]);
  });

  it("never removes tags the app does not own, even with the app's prefix", () => {
    // The merchant's own "rfm:vip" and "rfm:at_risk" are not in appTags.
    const p = planCustomerWrite({ ...base, segment: "promising" }, { appTags: ["rfm:champions"], writtenHash: null });
    expect(p.tagsToRemove).toEqual(["rfm:champions"]);
    expect(p.tagsToAdd).toEqual(["rfm:promising"]);
  });

  it("a prefix change moves the tags to the new prefix", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const p2 = planCustomerWrite({ ...base, tagPrefix: "seg-" }, { appTags: p1.appTags, writtenHash: p1.hash });
    expect(p2.tagsToAdd).toEqual(["seg-champions"]);
    expect(p2.tagsToRemove).toEqual(["rfm:champions"]);
  });

  it("a customer without a score loses only the app's tags", () => {
    const p = planCustomerWrite(null, { appTags: ["rfm:champions"], writtenHash: "v1:aa:bb" });
    expect(p.tagsToRemove).toEqual(["rfm:champions"]);
    expect(p.tagsToAdd).toEqual([]);
    expect(p.appTags).toEqual([]);
  });

  it("partial acceptance keeps the failed part dirty", () => {
    const p1 = planCustomerWrite(base, { appTags: [], writtenHash: null });
    const h = hashAfter(p1, { appTags: [], writtenHash: null }, { tags: true, metafields: false });
    const p2 = planCustomerWrite(base, { appTags: p1.appTags, writtenHash: h });
    expect(p2.tagsToAdd).toEqual([]);
    expect(p2.metafields.length).toBe(9);
  });

  it("number_decimal values never use exponent notation", () => {
    const mfs = desiredMetafields({ ...base, churnProbability: 1e-9, predictedClv12m: -0.001 });
    for (const m of mfs.filter((x) => x.type === "number_decimal")) expect(m.value).toMatch(/^-?\d+(\.\d+)?$/);
    expect(mfs.find((m) => m.key === "predicted_clv_12m")?.value).toBe("0.00");
  });
});
