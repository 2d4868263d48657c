import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRng } from "../support/random";
import { customerStats, generateStore, orderNet, truthFor } from "./generator";
import { convertMinor, formatMinor, parseMinor } from "./money";

const asOf = "2026-11-22T00:00:00Z";
const asOfMs = Date.parse(asOf);

function serialize(shop: ReturnType<typeof generateStore>["shop"]): string {
  return JSON.stringify({
    ...shop,
    customers: [...shop.customers.values()],
    orders: [...shop.orders.values()],
  });
}

describe("generateStore", () => {
  const { shop, truth } = generateStore({ domain: "gen.myshopify.com", seed: 42, customers: 6000, asOf });
  const orders = [...shop.orders.values()];

  it("is deterministic: same seed gives byte-identical data and truth", () => {
    const again = generateStore({ domain: "gen.myshopify.com", seed: 42, customers: 6000, asOf });
    expect(serialize(again.shop)).toBe(serialize(shop));
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(truth));
    const other = generateStore({ domain: "gen.myshopify.com", seed: 43, customers: 6000, asOf });
    expect(serialize(other.shop)).not.toBe(serialize(shop));
  });

  it("buy-till-you-die stores are byte-identical to the generator before store kinds existed", () => {
    // sha256 of the serialised store and truth, recorded before the `behaviour` option was added
    // (and before read_products joined the default grant: the hash is over the old grant).
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const oldGrant = (s: typeof shop) => ({ ...s, grantedScopes: s.grantedScopes.filter((x) => x !== "read_products") }) as typeof shop;
    expect(sha(serialize(oldGrant(shop)))).toBe("70fb1b42760b995755908799f89c7db9d876c0e97ab2358553248cd347da6d4c");
    expect(sha(JSON.stringify(truth))).toBe("4aac4eeb24468c68e3fd6fff3e7abfbdd083cdab7e5ad5eced12bf15d06d0402");
    const other = generateStore({ domain: "gen.myshopify.com", seed: 7, customers: 3000, asOf, params: { r: 1.2, alpha: 40, a: 1.5, b: 6 }, behaviour: "btyd" });
    expect(sha(serialize(oldGrant(other.shop)))).toBe("8e64e53f49e3c77a1940aee6a7c76232bdcd1dead4f09e4ed56a04c865e91f13");
    expect(sha(JSON.stringify(other.truth))).toBe("7ac73d453aade37cc69797f0fe36c5c8d05cb5b7d8d67f474032b803d3d0f7a1");
  });

  it("has the requested customers, some without orders, and ids in creation order", () => {
    expect(shop.customers.size).toBe(6000);
    const withOrders = new Set(orders.map((o) => o.customerId).filter((x) => x !== null));
    const without = [...shop.customers.keys()].filter((id) => !withOrders.has(id));
    expect(without.length).toBeGreaterThan(300);
    const cs = [...shop.customers.values()];
    for (let i = 1; i < cs.length; i++) {
      expect(cs[i].id).toBeGreaterThan(cs[i - 1].id);
      expect(cs[i].createdAt >= cs[i - 1].createdAt).toBe(true);
    }
  });

  it("keeps every order before asOf, ids and names growing with time", () => {
    const bad: string[] = [];
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i];
      if (!(Date.parse(o.createdAt) < asOfMs)) bad.push(`created ${o.id}`);
      if (!(Date.parse(o.updatedAt) < asOfMs)) bad.push(`updated ${o.id}`);
      if (!(o.updatedAt >= o.createdAt)) bad.push(`updated<created ${o.id}`);
      if (o.cancelledAt && !(o.cancelledAt >= o.createdAt)) bad.push(`cancelled ${o.id}`);
      for (const r of o.refunds) if (!(r.createdAt >= o.createdAt && r.createdAt <= o.updatedAt)) bad.push(`refund ${o.id}`);
      if (i > 0 && !(o.id > orders[i - 1].id && o.createdAt >= orders[i - 1].createdAt)) bad.push(`order ${o.id}`);
      if (o.name !== `#${1001 + i}`) bad.push(`name ${o.id}`);
      if (o.customerId !== null && !(shop.customers.get(o.customerId)!.createdAt <= o.createdAt)) bad.push(`customer later ${o.id}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("line items sum exactly to the total; refunds never exceed it", () => {
    const bad: string[] = [];
    for (const o of orders) {
      if (o.lineItems.reduce((a, l) => a + l.shopMinor, 0) !== o.totalShopMinor) bad.push(`sum ${o.id}`);
      for (const l of o.lineItems) {
        if (!Number.isInteger(l.shopMinor) || l.shopMinor % l.quantity !== 0) bad.push(`line ${l.id}`);
        if ((l.discountMinor ?? 0) < 0) bad.push(`discount ${l.id}`);
      }
      if (o.refunds.reduce((a, r) => a + r.shopMinor, 0) > o.totalShopMinor) bad.push(`refund ${o.id}`);
      if (o.totalPresentmentMinor !== convertMinor(o.totalShopMinor, o.shopCurrency, o.presentmentCurrency)) bad.push(`fx ${o.id}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("contains the noise a real store has, in plausible shares", () => {
    const n = orders.length;
    const share = (f: (o: (typeof orders)[number]) => boolean) => orders.filter(f).length / n;
    expect(share((o) => o.customerId === null)).toBeGreaterThan(0.02);
    expect(share((o) => o.customerId === null)).toBeLessThan(0.1);
    expect(share((o) => o.test)).toBeGreaterThan(0.001);
    expect(share((o) => o.cancelledAt !== null)).toBeGreaterThan(0.005);
    const refunded = orders.filter((o) => o.refunds.length > 0);
    expect(refunded.length / n).toBeGreaterThan(0.03);
    expect(refunded.some((o) => orderNet(o).netShopMinor === 0)).toBe(true); // full
    expect(refunded.some((o) => orderNet(o).netShopMinor > 0)).toBe(true); // partial
    expect(share((o) => o.discountCodes.length > 0)).toBeGreaterThan(0.08);
    expect(share((o) => o.presentmentCurrency !== o.shopCurrency)).toBeGreaterThan(0.05);
    expect(orders.some((o) => o.lineItems.length > 1)).toBe(true);
    expect(new Set(orders.flatMap((o) => o.lineItems.map((l) => l.productType))).size).toBeGreaterThan(5);

    const stats = customerStats(shop);
    const oneTime = [...stats.values()].filter((s) => s.countedOrders === 1).length / stats.size;
    expect(oneTime).toBeGreaterThan(0.3);
    expect(oneTime).toBeLessThan(0.75);
    expect(truth.summary.customersWithoutOrders).toBeGreaterThan(0);
  });

  it("ground truth matches the store and simulates the future", () => {
    expect(truthFor(shop)).toBe(truth);
    const stats = customerStats(shop);
    let future = 0;
    let alive = 0;
    const bad: number[] = [];
    for (const c of truth.customers) {
      if (!shop.customers.has(c.id)) bad.push(c.id);
      if ((stats.get(c.id)?.countedOrders ?? 0) !== c.countedOrdersBeforeAsOf) bad.push(c.id);
      future += c.purchasesNextHorizon;
      if (c.alive) alive++;
      if (!c.alive && c.purchasesNextHorizon !== 0) bad.push(c.id);
    }
    expect(bad).toEqual([]);
    expect(truth.customers.every((c, i) => i === 0 || c.id > truth.customers[i - 1].id)).toBe(true);
    expect(alive).toBe(truth.summary.aliveAtAsOf);
    expect(future).toBe(truth.summary.futureCountedOrders);
    expect(future).toBeGreaterThan(0);
    expect(alive / truth.customers.length).toBeGreaterThan(0.3);
    expect(alive / truth.customers.length).toBeLessThan(0.98);
    // Customers with a future purchase are alive, and more active customers buy more in the future.
    const act = truth.customers.filter((c) => c.lambda > 0.02);
    const lazy = truth.customers.filter((c) => c.lambda < 0.002);
    const mean = (xs: typeof act) => xs.reduce((a, c) => a + c.purchasesNextHorizon, 0) / Math.max(1, xs.length);
    expect(mean(act)).toBeGreaterThan(mean(lazy));
  });
});

describe.runIf(process.env.SIM_SCALE === "1")("scale", () => {
  it("generates ~1,000,000 orders for 200,000 customers", () => {
    const t0 = Date.now();
    const big = generateStore({
      domain: "scale.myshopify.com",
      seed: 1,
      customers: 200_000,
      asOf,
      params: { r: 1.2, alpha: 40, a: 1.5, b: 6 },
    });
    const ms = Date.now() - t0;
    console.log(`200k customers / ${big.shop.orders.size} orders in ${ms} ms`);
    expect(big.shop.orders.size).toBeGreaterThan(800_000);
  });
});

describe("money helpers", () => {
  it("formats and parses minor units exactly", () => {
    expect(formatMinor(0)).toBe("0.00");
    expect(formatMinor(1230)).toBe("12.30");
    expect(formatMinor(5)).toBe("0.05");
    expect(formatMinor(-250)).toBe("-2.50");
    expect(parseMinor("11.77")).toBe(1177);
    expect(parseMinor("12")).toBe(1200);
    expect(parseMinor("0.1")).toBe(10);
  });
  it("rng is seeded", () => {
    const a = createRng("x");
    const b = createRng("x");
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
