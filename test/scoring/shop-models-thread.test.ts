// A big shop's models are fitted on two worker threads (app/jobs/shop-models.ts: the churn
// champion on one, the rest on the other): the answer, moved back by postMessage, must be
// exactly what the same fit gives on the calling thread (every column, the champion, the backtest, traits and discovered segments),
// on a shop seeded in PostgreSQL and read by the recompute's own reader.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRecomputeShop } from "../../bench/support/seed-recompute";
import { pool } from "../../app/db-pool.server";
import { loadBehaviourOrders } from "../../app/models/scores.server";
import { fitShopModels, fitShopModelsOffThread, type ShopModelsInput } from "../../app/jobs/shop-models";
import { DEFAULT_SEGMENT_MAP } from "../../app/domain/segment-map";

const pid = process.pid;
const SHOP_ID = `thread${pid}`;
let input: ShopModelsInput;

beforeAll(async () => {
  const client = await pool.connect();
  try {
    await seedRecomputeShop(client, { shop: `thread-${pid}.myshopify.com`, customers: 3000, shopId: SHOP_ID, idBase: 8_500_000_000_000 + (pid % 1000) * 10_000, seed: 0.17, analyze: false });
  } finally {
    client.release();
  }
  const { customerIds: _ids, ...columns } = await loadBehaviourOrders(SHOP_ID);
  input = { orders: columns, asOf: new Date(), horizonDays: 90, segmentMap: DEFAULT_SEGMENT_MAP, previousClusters: null };
}, 60_000);

afterAll(async () => {
  await pool.query(`delete from "Shop" where id = $1`, [SHOP_ID]);
  await pool.end();
});

describe("the shop models off the event loop", () => {
  it("a worker thread fits exactly what the calling thread fits", async () => {
    const here = fitShopModels(input);
    // The thread takes its input's arrays (moved, not copied): give it a copy, keep the original to compare.
    const moved = structuredClone(input);
    const there = await fitShopModelsOffThread(moved);
    expect(here.fitted && here.customers).toBeGreaterThan(2900);
    // Strict: a class instance would come back a plain object (structured clone), and its methods gone.
    expect(there.models).toStrictEqual(here);
    // …with the champion selected on the champion thread, not again on the fit thread.
    expect(there.championBeside).toBe(true);
    // The orders come back whole. The copy handed over was moved, not copied (its own arrays are
    // empty now), except the scoring columns, which the reader put in shared memory for both threads.
    expect(there.orders).toStrictEqual(input.orders);
    expect(moved.orders.discounted.length).toBe(0);
    expect((moved.orders.timesMs as Float64Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(moved.orders.timesMs.length).toBe(input.orders.timesMs.length);
  }, 60_000);
});
