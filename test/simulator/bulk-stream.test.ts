// The streamed bulk export against graphql-js over the whole store (the way the
// simulator produced exports before): the same bytes, line for line, for the
// app's two exports and a two-level nested query, and a failed export's partial file.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFirstLines, newExportPath } from "./bulk-files";
import { writeBulkExport } from "./bulk-stream";
import { validateBulkQuery } from "./bulk";
import { generateStore } from "./generator";
import { startSimulator, type RunningSimulator } from "./server";

const DOMAIN = "stream.myshopify.com";
// The shapes app/shopify/bulk-export.server.ts asks for (written out here: the simulator imports nothing from app/).
const ORDERS = `{ orders { edges { node { id createdAt updatedAt processedAt cancelledAt test currencyCode presentmentCurrencyCode
  customer { id } totalPriceSet { shopMoney { amount currencyCode } } currentTotalPriceSet { shopMoney { amount currencyCode } }
  discountCodes totalDiscountsSet { shopMoney { amount } }
  lineItems { edges { node { id originalTotalSet { shopMoney { amount } } product { id productType } } } } } } } }`;
const CUSTOMERS = `{ customers { edges { node { id createdAt updatedAt tags } } } }`;
const NESTED = `{ customers(query: "updated_at:>2025-06-01") { nodes { __typename id tags amountSpent { amount }
  orders(sortKey: PROCESSED_AT, reverse: true) { edges { cursor node { id name refunds { id } lineItems { nodes { id quantity product { productType } } } } } } } } }`;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({});
  const { shop } = generateStore({
    domain: DOMAIN,
    seed: 11,
    customers: 600,
    asOf: "2026-06-01",
    plantedTraits: true,
    grantedScopes: ["read_customers", "read_orders", "read_all_orders", "read_products"],
  });
  sim.ctx.shops.set(DOMAIN, shop);
});
afterAll(async () => sim.close());

async function exportOf(query: string, via: "executor" | "graphql") {
  const { doc, error } = validateBulkQuery(query);
  expect(error).toBeUndefined();
  const path = newExportPath(`test-${via}-${Math.random().toString(36).slice(2)}`);
  const file = await writeBulkExport(sim.state, sim.ctx.shops.get(DOMAIN)!, doc!, 77, path, via);
  return { file, text: readFileSync(path, "utf8") };
}

describe("streamed bulk export", () => {
  it.each([
    ["orders with line items", ORDERS],
    ["customers", CUSTOMERS],
    ["customers → orders → line items (nodes, edges, args, __typename)", NESTED],
  ])("%s: byte-identical to graphql-js over the whole store", async (_name, query) => {
    const streamed = await exportOf(query, "executor");
    const executed = await exportOf(query, "graphql");
    expect(streamed.text).toBe(executed.text);
    const lines = streamed.text.trimEnd().split("\n");
    expect(streamed.file.lines).toBe(lines.length);
    expect(streamed.file.bytes).toBe(Buffer.byteLength(streamed.text));
    expect(streamed.file.roots).toBe(lines.filter((l) => !l.includes('"__parentId"')).length);
  });

  it("counts the store's own objects (orders and line items from the model)", async () => {
    const shop = sim.ctx.shops.get(DOMAIN)!;
    const { file } = await exportOf(ORDERS, "executor");
    const items = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
    expect(file.roots).toBe(shop.orders.size);
    expect(file.lines).toBe(shop.orders.size + items);
  });

  it("copies the first lines of an export (a failed operation's partial data)", async () => {
    const { file, text } = await exportOf(CUSTOMERS, "executor");
    const to = newExportPath("partial-test");
    const bytes = copyFirstLines(file.path, to, 5);
    const want = text.split("\n").slice(0, 5).join("\n") + "\n";
    expect(readFileSync(to, "utf8")).toBe(want);
    expect(bytes).toBe(Buffer.byteLength(want));
  });
});
