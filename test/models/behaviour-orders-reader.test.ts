// The whole-shop reader (binary COPY parsed into typed arrays) against a plain query of
// the same orders, rebuilt here from pg's own row values; against the one-customer row
// reader; and the parser fed the same bytes cut at every possible place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { to as copyTo } from "pg-copy-streams";
import { seedRecomputeShop } from "../../bench/support/seed-recompute";
import { BehaviourOrdersParser } from "../../app/models/behaviour-orders-reader.server";
import { startHarness, type Harness } from "../support/harness";

const pid = process.pid;
const SHOP_ID = `reader${pid}`;
const ID_BASE = 8_000_000_000_000 + (pid % 1000) * 1_000_000;
let h: Harness;
let scores: typeof import("../../app/models/scores.server");

/** The counted orders as pg returns them row by row (the oracle). */
async function plainRows() {
  const r = await h.app.pool.pool.query<{ customer: string; ms: string; amount: string; discounted: boolean; types: string[]; spends: string[] }>(
    `select o."customerId"::text as customer, (extract(epoch from o."processedAt") * 1000)::bigint::text as ms,
            (o."totalMinor" - o."refundedMinor")::text as amount,
            cardinality(o."discountCodes") > 0 or o."discountMinor" > 0 as discounted,
            o."productTypes" as types, o."productTypeSpendMinor"::text[] as spends
     from "Order" o join "Customer" c on c."shopId" = o."shopId" and c.id = o."customerId"
     where o."shopId" = $1 and not o.test and o."cancelledAt" is null and c."deletedAt" is null and c."optedOut" is not true
     order by o."customerId", o."processedAt", o.id`,
    [SHOP_ID],
  );
  return r.rows;
}

/** The same columns the reader copies, as raw binary COPY chunks. */
async function copyBytes(): Promise<Buffer> {
  const client = await h.app.pool.pool.connect();
  try {
    const stream = client.query(
      copyTo(`copy (select o."customerId", o."processedAt", (o."totalMinor" - o."refundedMinor"), o."discountMinor" > 0,
                      case when cardinality(o."productTypes") > 0 then array_to_string(o."productTypes", chr(31)) end,
                      case when cardinality(o."productTypes") > 0 then array_to_string(o."productTypeSpendMinor", ',') end
               from "Order" o where o."shopId" = ${client.escapeLiteral(SHOP_ID)} order by o."customerId", o."processedAt", o.id) to stdout (format binary)`),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  h = await startHarness({}, {}, { webhooks: false });
  scores = await import("../../app/models/scores.server");
  const client = await h.app.pool.pool.connect();
  try {
    await client.query(`delete from "Shop" where id = $1`, [SHOP_ID]);
    await seedRecomputeShop(client, { shop: `reader-${pid}.myshopify.com`, customers: 300, shopId: SHOP_ID, idBase: ID_BASE, until: new Date("2026-11-30T00:00:00Z") });
    await client.query("reset synchronous_commit");
    // Type names the text formats would escape or split, and an order whose spends do not line up.
    const first = ID_BASE + 1;
    await client.query(
      `update "Order" set "productTypes" = $2, "productTypeSpendMinor" = $3 where "shopId" = $1 and id = $4`,
      [SHOP_ID, ["Café, crème", "a\tb\\c", "Zoë \u{1F600}"], [100, 200, 300], first * 1000 + 1],
    );
    await client.query(`update "Order" set "productTypes" = '{Hats}', "productTypeSpendMinor" = '{}' where "shopId" = $1 and "customerId" = $2`, [SHOP_ID, first + 1]);
  } finally {
    client.release();
  }
}, 180_000);

afterAll(async () => {
  await h?.app.pool.pool.query(`delete from "Shop" where id = $1`, [SHOP_ID]).catch(() => undefined);
  await h?.close();
});

describe("whole-shop reader (binary COPY)", () => {
  it("equals the counted orders as pg's rows give them", async () => {
    const rows = await plainRows();
    const got = await scores.loadBehaviourOrders(SHOP_ID);
    expect(rows.length).toBeGreaterThan(1000);
    const customerIds = [...new Set(rows.map((r) => r.customer))];
    expect(got.customerIds).toEqual(customerIds);
    const offsets = customerIds.map((id) => rows.findIndex((r) => r.customer === id)).concat(rows.length);
    expect(Array.from(got.offsets)).toEqual(offsets);
    expect(Array.from(got.timesMs)).toEqual(rows.map((r) => Number(r.ms)));
    expect(Array.from(got.amountsMinor)).toEqual(rows.map((r) => Number(r.amount)));
    expect(Array.from(got.discounted)).toEqual(rows.map((r) => (r.discounted ? 1 : 0)));
    const perOrder = rows.map((r) => (r.types.length > 0 && r.types.length === r.spends.length ? r.types.map((t, k) => [t, Number(r.spends[k])]) : []));
    const gotPerOrder = rows.map((_, k) => {
      const entries: [string, number][] = [];
      for (let e = got.typeOffsets[k]; e < got.typeOffsets[k + 1]; e++) entries.push([got.typeNames[got.typeIndex[e]], got.typeSpendMinor[e]]);
      return entries;
    });
    expect(gotPerOrder).toEqual(perOrder);
    expect(gotPerOrder[0]).toEqual([["Café, crème", 100], ["a\tb\\c", 200], ["Zoë \u{1F600}", 300]]);
    expect(new Set(got.typeNames).size).toBe(got.typeNames.length);
  });

  it("gives each customer the same orders as the one-customer row reader", async () => {
    const shop = await scores.loadBehaviourOrders(SHOP_ID);
    for (const c of [0, 1, 2, 150, shop.customerIds.length - 1]) {
      const one = await scores.loadBehaviourOrders(SHOP_ID, BigInt(shop.customerIds[c]));
      const [from, to] = [shop.offsets[c], shop.offsets[c + 1]];
      expect(one.customerIds).toEqual([shop.customerIds[c]]);
      expect(Array.from(one.timesMs)).toEqual(Array.from(shop.timesMs).slice(from, to));
      expect(Array.from(one.amountsMinor)).toEqual(Array.from(shop.amountsMinor).slice(from, to));
      expect(Array.from(one.discounted)).toEqual(Array.from(shop.discounted).slice(from, to));
      const types = (o: typeof one, k: number) =>
        Array.from({ length: o.typeOffsets[k + 1] - o.typeOffsets[k] }, (_, e) => [o.typeNames[o.typeIndex[o.typeOffsets[k] + e]], o.typeSpendMinor[o.typeOffsets[k] + e]]);
      expect(Array.from({ length: to - from }, (_, k) => types(one, k))).toEqual(Array.from({ length: to - from }, (_, k) => types(shop, from + k)));
    }
  });

  it("an empty shop reads as no customers", async () => {
    const none = await scores.loadBehaviourOrders("no-such-shop");
    expect(none.customerIds).toEqual([]);
    expect(Array.from(none.offsets)).toEqual([0]);
    expect(Array.from(none.typeOffsets)).toEqual([0]);
    expect(none.timesMs).toHaveLength(0);
  });
});

describe("BehaviourOrdersParser", () => {
  it("parses the same rows however the stream is cut", async () => {
    const bytes = await copyBytes();
    const whole = new BehaviourOrdersParser();
    whole.push(bytes);
    const expected = whole.result();
    expect(expected.timesMs.length).toBeGreaterThan(1000);
    for (const size of [1, 2, 3, 5, 7, 13, 64, 1000]) {
      const cut = new BehaviourOrdersParser(4);
      for (let at = 0; at < bytes.length; at += size) cut.push(bytes.subarray(at, at + size));
      expect(cut.result()).toEqual(expected);
    }
  });

  it("a stream cut short is an error, not a shorter shop", async () => {
    const bytes = await copyBytes();
    const parser = new BehaviourOrdersParser();
    parser.push(bytes.subarray(0, bytes.length - 2)); // without the end marker
    expect(() => parser.result()).toThrow(/ended early/);
    expect(() => new BehaviourOrdersParser().push(Buffer.from("not a copy stream at all"))).toThrow(/not a binary COPY/);
  });
});
