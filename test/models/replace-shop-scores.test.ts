// replaceShopScores against real PostgreSQL with hand-written scores, written in several
// chunks as a big shop's recompute does: every chunk's rows stored, a transition exactly
// for each customer whose segment changed (pending a Flow trigger only when there was a
// previous segment and Flow is on), trait events stored, the scores of customers no
// longer scored removed and nobody else's, and a failure in a later chunk leaving the
// stored scores as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewTransition, ScoreRow, ScoreWriter } from "../../app/models/scores.server";
import type { NewTraitEvent } from "../../app/models/trait-events.server";
import { startHarness, type Harness } from "../support/harness";
import { createShop } from "../support/shops";

const SHOP = `replace-scores-${process.pid}.myshopify.com`;
const OTHER = `replace-scores-other-${process.pid}.myshopify.com`;
const FIRST_AS_OF = new Date("2026-11-01T03:00:00Z");
const AS_OF = new Date("2026-11-02T03:00:00Z");

let h: Harness;
let shopId: string;
let otherId: string;
let scores: typeof import("../../app/models/scores.server");

function row(customerId: number, segment: string, extra: Partial<ScoreRow> = {}): ScoreRow {
  return {
    customerId: String(customerId),
    frequency: 2,
    recencyDays: 10,
    monetaryMinor: 5000,
    r: 4,
    f: 2,
    m: 3,
    segment,
    x: 1,
    tx: 30,
    T: 40,
    pAlive: 0.9,
    churnProbability: 0.1,
    expectedPurchases90d: 0.5,
    predictedClv12m: 42.5,
    model: "bgnbd",
    churnModel: "bgnbd",
    recencyPercent: 50,
    frequencyPercent: 20,
    monetaryPercent: 60,
    horizonDays: 90,
    typicalGapDays: null,
    holdout: false,
    traits: [],
    specialistType: null,
    expectedNextOrderAt: null,
    recoveredAt: null,
    clusterId: null,
    traitReasons: [],
    ...extra,
  };
}

type Moved = [customerId: number, fromSegment: string | null, toSegment: string, flowStatus: "none" | "pending"];

/** As the recompute does: the chunk's previous scores (its first to last id), then its rows and changes. */
async function writeChunk(w: ScoreWriter, rows: ScoreRow[], moved: Moved[], traitEvents: NewTraitEvent[] = []): Promise<Map<string, string>> {
  const previous = await w.previousBetween(rows[0].customerId, rows[rows.length - 1].customerId);
  const transitions: NewTransition[] = moved.map(([id, fromSegment, toSegment, flowStatus]) => ({ customerId: String(id), fromSegment, toSegment, reason: { why: "test" }, flowStatus }));
  await w.write(rows, transitions, traitEvents);
  return new Map([...previous].map(([id, p]) => [id, p.segment]));
}

async function customers(id: string, ids: number[]): Promise<void> {
  await h.app.pool.pool.query(`insert into "Customer" ("shopId", id) select $1, unnest($2::bigint[]) on conflict do nothing`, [id, ids]);
}

async function stored(id: string): Promise<Map<string, { segment: string; asOf: Date; churn: number }>> {
  const r = await h.app.pool.pool.query<{ customerId: string; segment: string; asOf: Date; churn: number }>(
    `select "customerId"::text as "customerId", segment, "asOf", "churnProbability" as churn from "CustomerScore" where "shopId" = $1`,
    [id],
  );
  return new Map(r.rows.map((x) => [x.customerId, x]));
}

async function transitionsOf(id: string, at: Date) {
  const r = await h.app.pool.pool.query<{ customerId: string; fromSegment: string | null; toSegment: string; flowStatus: string; id: string }>(
    `select id::text, "customerId"::text as "customerId", "fromSegment", "toSegment", "flowStatus" from "SegmentTransition" where "shopId" = $1 and at = $2 order by "customerId"`,
    [id, at],
  );
  return r.rows;
}

beforeAll(async () => {
  h = await startHarness({}, {}, { webhooks: false });
  scores = await import("../../app/models/scores.server");
  shopId = (await createShop(h, SHOP)).shop.id;
  otherId = (await createShop(h, OTHER)).shop.id;
  await customers(shopId, [1, 2, 3, 4, 5, 6, 7]);
  await customers(otherId, [1, 9]);
  // Yesterday: 1–5 scored in this shop (first scores: no Flow), 1 and 9 in the other shop.
  await scores.replaceShopScores(shopId, FIRST_AS_OF, async (w) => {
    await writeChunk(w, [row(1, "champions"), row(2, "loyal"), row(3, "at_risk")], [
      [1, null, "champions", "none"],
      [2, null, "loyal", "none"],
      [3, null, "at_risk", "none"],
    ]);
    await writeChunk(w, [row(4, "hibernating"), row(5, "new_customers")], [
      [4, null, "hibernating", "none"],
      [5, null, "new_customers", "none"],
    ]);
  });
  await scores.upsertScores(otherId, FIRST_AS_OF, [row(1, "champions"), row(9, "lost")]);
});
afterAll(async () => h?.close());

describe("replaceShopScores", () => {
  it("the first scores: every customer stored with its transition", async () => {
    const first = await transitionsOf(shopId, FIRST_AS_OF);
    expect(first.map((t) => [t.customerId, t.fromSegment, t.toSegment, t.flowStatus])).toEqual([
      ["1", null, "champions", "none"],
      ["2", null, "loyal", "none"],
      ["3", null, "at_risk", "none"],
      ["4", null, "hibernating", "none"],
      ["5", null, "new_customers", "none"],
    ]);
  });

  it("a later chunk failing leaves every stored score, transition and snapshot as it was", async () => {
    await expect(
      scores.replaceShopScores(shopId, AS_OF, async (w) => {
        await writeChunk(w, [row(1, "lost"), row(2, "lost")], [[2, "loyal", "lost", "pending"]], [{ customerId: "1", trait: "big_spender", flowStatus: "pending" }]);
        await writeChunk(w, [row(3, "lost")], [[3, "at_risk", "lost", "pending"]]);
        throw new Error("the fit of chunk three failed");
      }),
    ).rejects.toThrow("chunk three");
    const now = await stored(shopId);
    expect([...now.values()].map((s) => s.segment).sort()).toEqual(["at_risk", "champions", "hibernating", "loyal", "new_customers"]);
    expect([...now.values()].every((s) => s.asOf.getTime() === FIRST_AS_OF.getTime())).toBe(true);
    expect(await transitionsOf(shopId, AS_OF)).toEqual([]);
    const events = await h.app.pool.pool.query(`select 1 from "TraitEvent" where "shopId" = $1 and at = $2`, [shopId, AS_OF]);
    expect(events.rowCount).toBe(0);
    const snapshot = await h.app.pool.pool.query(`select 1 from "SegmentSnapshot" where "shopId" = $1 and day = $2::date`, [shopId, AS_OF]);
    expect(snapshot.rowCount).toBe(0);
  });

  it("three chunks: transitions and trait events stored, the previous scores the committed ones throughout, 4 and 5 dropped, the other shop untouched", async () => {
    const seen: Map<string, string>[] = [];
    const result = await scores.replaceShopScores(shopId, AS_OF, async (w) => {
      // 1 unchanged, 2 moves; 3 moves; 6 and 7 are first scores. 4 and 5 are not scored any more.
      seen.push(await writeChunk(w, [row(1, "champions", { churnProbability: 0.2 }), row(2, "at_risk")], [[2, "loyal", "at_risk", "pending"]], [{ customerId: "2", trait: "discount_seeker", flowStatus: "pending" }]));
      seen.push(await writeChunk(w, [row(3, "hibernating")], [[3, "at_risk", "hibernating", "pending"]]));
      seen.push(await writeChunk(w, [row(6, "new_customers"), row(7, "promising")], [[6, null, "new_customers", "none"], [7, null, "promising", "none"]], [{ customerId: "7", trait: "big_spender", flowStatus: "none" }]));
      // Read after the first chunks were written inside the transaction: still yesterday's.
      seen.push(new Map([...(await w.previousBetween("1", "7"))].map(([id, p]) => [id, p.segment])));
    });
    expect(seen.map((m) => Object.fromEntries(m))).toEqual([
      { "1": "champions", "2": "loyal" },
      { "3": "at_risk" },
      {},
      { "1": "champions", "2": "loyal", "3": "at_risk", "4": "hibernating", "5": "new_customers" },
    ]);
    const moved = await transitionsOf(shopId, AS_OF);
    expect(moved.map((t) => [t.customerId, t.fromSegment, t.toSegment, t.flowStatus])).toEqual([
      ["2", "loyal", "at_risk", "pending"],
      ["3", "at_risk", "hibernating", "pending"],
      ["6", null, "new_customers", "none"],
      ["7", null, "promising", "none"],
    ]);
    expect(result.transitions).toBe(4);
    expect(result.transitionIds).toEqual(moved.filter((t) => t.flowStatus === "pending").map((t) => t.id));
    // Both events stored; the ids returned are those pending a Flow trigger.
    const events = await h.app.pool.pool.query<{ id: string; customerId: string; trait: string }>(
      `select id::text, "customerId"::text as "customerId", trait from "TraitEvent" where "shopId" = $1 and at = $2 order by "customerId"`,
      [shopId, AS_OF],
    );
    expect(events.rows.map((e) => [e.customerId, e.trait])).toEqual([["2", "discount_seeker"], ["7", "big_spender"]]);
    expect(result.traitEventIds).toEqual([events.rows[0].id]);
    expect(result.dropped).toBe(2);

    const now = await stored(shopId);
    expect([...now.keys()].sort()).toEqual(["1", "2", "3", "6", "7"]);
    expect(now.get("1")).toMatchObject({ segment: "champions", churn: 0.2 });
    expect(now.get("2")?.segment).toBe("at_risk");
    expect([...now.values()].every((s) => s.asOf.getTime() === AS_OF.getTime())).toBe(true);

    // The day's snapshot from the chunks' tallies: 1 champions, 2 at_risk, 3 hibernating, 6 new_customers, 7 promising.
    const snapshot = await h.app.pool.pool.query<{ segment: string; customers: number; valueMinor: string; clv: number }>(
      `select segment, customers, "valueMinor"::text as "valueMinor", "predictedClv12m" as clv from "SegmentSnapshot" where "shopId" = $1 and day = $2::date order by segment`,
      [shopId, AS_OF],
    );
    expect(snapshot.rows).toEqual(["at_risk", "champions", "hibernating", "new_customers", "promising"].map((segment) => ({ segment, customers: 1, valueMinor: "5000", clv: 42.5 })));
    const yesterday = await h.app.pool.pool.query<{ n: number; value: string }>(
      `select sum(customers)::int as n, sum("valueMinor")::text as value from "SegmentSnapshot" where "shopId" = $1 and day = $2::date`,
      [shopId, FIRST_AS_OF],
    );
    expect(yesterday.rows[0]).toEqual({ n: 5, value: "25000" });

    const other = await stored(otherId);
    expect([...other.keys()].sort()).toEqual(["1", "9"]);
    expect(other.get("9")?.segment).toBe("lost");
  });

  it("a transition's reason and time are stored as given whichever way it is written (COPY for first scores, insert for pending ones)", async () => {
    const third = (await createShop(h, `third-${process.pid}.myshopify.com`)).shop.id;
    await customers(third, [11, 12]);
    const reason = { why: 'tab\there, "quoted", back\\slash\nnew line', r: 4, f: 2 };
    await scores.replaceShopScores(third, AS_OF, async (w) => {
      await w.write([row(11, "champions"), row(12, "loyal")], [
        { customerId: "11", fromSegment: null, toSegment: "champions", reason, flowStatus: "none" },
        { customerId: "12", fromSegment: "lost", toSegment: "loyal", reason, flowStatus: "pending" },
      ], []);
    });
    const r = await h.app.pool.pool.query<{ customerId: string; reason: unknown; at: Date; flowStatus: string }>(
      `select "customerId"::text as "customerId", reason, at, "flowStatus" from "SegmentTransition" where "shopId" = $1 order by "customerId"`,
      [third],
    );
    expect(r.rows).toEqual([
      { customerId: "11", reason, at: AS_OF, flowStatus: "none" },
      { customerId: "12", reason, at: AS_OF, flowStatus: "pending" },
    ]);
  });
});
