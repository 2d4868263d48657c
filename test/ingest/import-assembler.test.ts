// BulkImportAssembler (the bulk import's batches, no I/O) against an oracle computed from the
// generated lines: every order written once with the spend per product type of all its line
// items, whether they came in its batch, after it was carried, late (staged, merged at the end)
// or ahead of it; and the same after a crash at every batch boundary, resumed from the
// committed checkpoint (linesDone, linesRead) as the worker resumes.
import { describe, expect, it } from "vitest";
import { createRng } from "../support/random";

type Line = Record<string, unknown>;
const TYPES = ["Apparel", "Beauty", "Home", "", "Toys"];

/** Orders with 0-4 line items each, mostly within a few lines after their order, some up to 80 after, a few ahead of it. */
function generate(seed: number, orders: number): { lines: Line[]; expected: Map<string, Map<string, bigint>> } {
  const rand = createRng(seed);
  const slots: { at: number; line: Line }[] = [];
  const expected = new Map<string, Map<string, bigint>>();
  let item = 0;
  for (let o = 1; o <= orders; o++) {
    const gid = `gid://shopify/Order/${o}`;
    const at = o * 3;
    slots.push({
      at,
      line: {
        id: gid,
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-02T00:00:00Z",
        processedAt: "2026-01-01T00:00:00Z",
        cancelledAt: null,
        test: false,
        currencyCode: "USD",
        presentmentCurrencyCode: "USD",
        customer: { id: `gid://shopify/Customer/${1 + (o % 7)}` },
        totalPriceSet: { shopMoney: { amount: "10.00" } },
        currentTotalPriceSet: { shopMoney: { amount: "10.00" } },
        discountCodes: [],
        totalDiscountsSet: { shopMoney: { amount: "0.00" } },
      },
    });
    const spend = new Map<string, bigint>();
    for (let i = Math.floor(rand() * 5); i > 0; i--) {
      const type = TYPES[Math.floor(rand() * TYPES.length)];
      const cents = BigInt(1 + Math.floor(rand() * 5000));
      if (type !== "") spend.set(type, (spend.get(type) ?? 0n) + cents);
      const r = rand();
      const offset = r < 0.05 ? -(1 + Math.floor(rand() * 10)) : r < 0.15 ? 1 + Math.floor(rand() * 80) : 1 + Math.floor(rand() * 12);
      slots.push({
        at: at + offset + rand() * 0.5,
        line: {
          id: `gid://shopify/LineItem/${++item}`,
          originalTotalSet: { shopMoney: { amount: `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}` } },
          product: { id: `gid://shopify/Product/${100 + TYPES.indexOf(type)}`, productType: type },
          __parentId: gid,
        },
      });
    }
    expected.set(String(o), spend);
  }
  slots.sort((a, b) => a.at - b.at);
  return { lines: slots.map((s) => s.line), expected };
}

/** "{\"A\",\"B\"}" / "{1,2}" → elements (the test's types need no escapes). */
const arrayItems = (literal: string) => (literal === "{}" ? [] : literal.slice(1, -1).split(",").map((s) => s.replace(/^"|"$/g, "")));

interface Committed {
  rows: Map<string, Map<string, bigint>>;
  staged: Map<string, { orderId: bigint; productType: string; spendMinor: bigint }>;
  writes: number;
}

async function assembler() {
  return (await import("../../app/jobs/processors/backfill.server")).BulkImportAssembler;
}

/** Runs the import from a checkpoint; commits batches until `crashAfter` of them are in (then stops, as a kill would). */
async function run(lines: Line[], from: { linesDone: number; linesRead: number }, committed: Committed, crashAfter = Infinity) {
  const Assembler = await assembler();
  const a = new Assembler(from, 50, 20);
  let checkpoint = from;
  let batches = 0;
  const commit = (batch: NonNullable<ReturnType<InstanceType<typeof Assembler>["take"]>>) => {
    for (const row of batch.orderRows) {
      const cols = row.split("\t");
      const types = arrayItems(cols[12]);
      const spends = arrayItems(cols[13]).map(BigInt);
      expect(committed.rows.has(cols[0]), `order ${cols[0]} written twice`).toBe(false);
      committed.rows.set(cols[0], new Map(types.map((t, i) => [t, spends[i]])));
      committed.writes++;
    }
    for (const item of batch.lineItems) {
      expect(committed.staged.has(String(item.lineItemId)), `line item ${item.lineItemId} staged twice`).toBe(false);
      committed.staged.set(String(item.lineItemId), item);
    }
    checkpoint = { linesDone: batch.linesDone, linesRead: batch.linesRead };
    expect(batch.linesRead).toBeGreaterThanOrEqual(batch.linesDone);
    batches++;
  };
  for (let n = from.linesDone + 1; n <= lines.length; n++) {
    a.add(lines[n - 1], n);
    if (a.full) {
      const batch = a.take(false)!;
      if (batches >= crashAfter) return { checkpoint, crashed: true };
      commit(batch);
    }
  }
  const last = a.take(true);
  if (last) {
    if (batches >= crashAfter) return { checkpoint, crashed: true };
    commit(last);
  }
  return { checkpoint, crashed: false };
}

/** The end-of-import merge: staged spend added to the types each order was written with. */
function merged(committed: Committed): Map<string, Map<string, bigint>> {
  const out = new Map([...committed.rows].map(([id, spend]) => [id, new Map(spend)]));
  for (const item of committed.staged.values()) {
    if (item.productType === "") continue;
    const spend = out.get(String(item.orderId));
    if (!spend) continue;
    spend.set(item.productType, (spend.get(item.productType) ?? 0n) + item.spendMinor);
  }
  return out;
}

const sorted = (m: Map<string, bigint>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function expectMatches(got: Map<string, Map<string, bigint>>, expected: Map<string, Map<string, bigint>>) {
  expect(got.size).toBe(expected.size);
  for (const [id, spend] of expected) expect(sorted(got.get(id) ?? new Map()), `order ${id}`).toEqual(sorted(spend));
}

describe("bulk import batches with carried orders", () => {
  const { lines, expected } = generate(5, 400);

  it("writes every order once with the spend of all its line items; few are staged", async () => {
    const committed: Committed = { rows: new Map(), staged: new Map(), writes: 0 };
    const result = await run(lines, { linesDone: 0, linesRead: 0 }, committed);
    expect(result.crashed).toBe(false);
    expectMatches(merged(committed), expected);
    const items = lines.filter((l) => String(l.id).includes("/LineItem/")).length;
    // Only the lines ahead of their order or more than 20 lines (the carry) behind it are staged.
    expect(committed.staged.size).toBeGreaterThan(0);
    expect(committed.staged.size).toBeLessThan(items / 4);
    // Rows are typed at insert time: written with the types their in-batch line items gave.
    const typed = [...committed.rows.values()].filter((s) => s.size > 0).length;
    expect(typed).toBeGreaterThan(expected.size / 2);
  });

  it("resumes after a crash at any batch boundary without counting a line twice", async () => {
    let crashes = 0;
    for (let crashAfter = 1; ; crashAfter++) {
      const committed: Committed = { rows: new Map(), staged: new Map(), writes: 0 };
      const first = await run(lines, { linesDone: 0, linesRead: 0 }, committed, crashAfter);
      if (!first.crashed) break;
      crashes++;
      // The replacement may crash again right after one batch.
      const second = await run(lines, first.checkpoint, committed, 1);
      const final = second.crashed ? await run(lines, second.checkpoint, committed) : second;
      expect(final.crashed).toBe(false);
      expectMatches(merged(committed), expected);
      expect(committed.writes).toBe(expected.size);
    }
    expect(crashes).toBeGreaterThan(20);
  });
});
