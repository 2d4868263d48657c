// routes/app.lift (holdout lift) through Remix's request handler, with authenticated embedded
// requests: customers grouped by the segment of their first score, treated vs holdout, counted
// orders after that first score only, against hand-counted groups and Newcombe's published interval.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, seedScores, type SeededCustomer, type SeededMove } from "../support/score-seed";

const SHOP = `routes-lift-${process.pid}.myshopify.com`;
const OTHER = `routes-lift-other-${process.pid}.myshopify.com`;
const EMPTY = `routes-lift-empty-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.lift";
const DAY = 86_400_000;
let app: RemixApp;
let db: typeof import("../../app/db.server");
let lift: typeof import("../../app/domain/lift");

interface SeedOrder {
  customerId: number;
  daysAgo: number;
  totalMinor: number;
  refundedMinor?: number;
  cancelled?: boolean;
  test?: boolean;
}

const now = new Date();
let nextOrderId = 1;
async function seedOrders(shopId: string, orders: SeedOrder[]) {
  await db.prisma.order.createMany({
    data: orders.map((o) => ({
      shopId,
      id: BigInt(nextOrderId++),
      customerId: BigInt(o.customerId),
      processedAt: new Date(now.getTime() - o.daysAgo * DAY),
      shopifyUpdatedAt: now,
      currency: "EUR",
      totalMinor: BigInt(o.totalMinor),
      refundedMinor: BigInt(o.refundedMinor ?? 0),
      cancelledAt: o.cancelled ? now : null,
      test: o.test ?? false,
    })),
  });
}

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  lift = await app.import("domain/lift.ts");
  for (const domain of [SHOP, OTHER, EMPTY]) {
    app.addShop(domain, "EUR");
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
  const shop = await db.prisma.shop.update({ where: { domain: SHOP }, data: { currency: "EUR" } });

  // At Risk at first score (30 days ago): 70 treated (ids 1..70), of whom 56 bought after it, and
  // 80 held out (ids 101..180), of whom 48 bought: Newcombe's (1998) example (a), 56/70 − 48/80.
  // Every buyer spent €100.00 net after assignment.
  // Champions at first score: 40 treated (201..240) and 5 held out (301..305), nobody bought.
  const customers: SeededCustomer[] = [];
  const moves: SeededMove[] = [];
  const orders: SeedOrder[] = [];
  const add = (id: number, segment: string, holdout: boolean, buys: boolean) => {
    // The score row's segment today differs on purpose: the grouping is by the first score.
    customers.push({ id, segment: buys ? "champions" : "hibernating", holdout });
    moves.push({ customerId: id, from: null, to: segment, daysAgo: 30 });
    if (buys) orders.push({ customerId: id, daysAgo: 10, totalMinor: 10_000 });
  };
  for (let i = 1; i <= 70; i++) add(i, "at_risk", false, i <= 56);
  for (let i = 101; i <= 180; i++) add(i, "at_risk", true, i <= 148);
  for (let i = 201; i <= 240; i++) add(i, "champions", false, false);
  for (let i = 301; i <= 305; i++) add(i, "champions", true, false);
  // What must not count:
  // - customer 1 bought twice: €120.00 with €20.00 refunded, and €0 (net €100.00 as the others);
  orders.find((o) => o.customerId === 1)!.totalMinor = 12_000;
  orders.find((o) => o.customerId === 1)!.refundedMinor = 2_000;
  // - a treated non-buyer's cancelled order and test order after assignment, and a held-out
  //   non-buyer's order before it;
  orders.push({ customerId: 70, daysAgo: 5, totalMinor: 9_999, cancelled: true }, { customerId: 70, daysAgo: 4, totalMinor: 9_999, test: true });
  orders.push({ customerId: 180, daysAgo: 35, totalMinor: 50_000 });
  // - customer 2 was first scored At Risk 30 days ago and scored afresh (a later first-score
  //   transition) 5 days ago: the earliest one counts, so its order 10 days ago does too;
  moves.push({ customerId: 2, from: null, to: "champions", daysAgo: 5 });
  // - a deleted customer (held out, a buyer) and a scored customer with no recorded first score.
  customers.push({ id: 999, segment: "at_risk", holdout: true, deleted: true }, { id: 998, segment: "at_risk", holdout: true });
  moves.push({ customerId: 999, from: null, to: "at_risk", daysAgo: 30 });
  orders.push({ customerId: 999, daysAgo: 3, totalMinor: 10_000 }, { customerId: 998, daysAgo: 3, totalMinor: 10_000 });
  await seedScores(db.prisma, shop.id, customers, moves, now);
  await seedOrders(shop.id, orders);

  // Another shop with the same customer ids: none of its rows may show up in SHOP's figures.
  const other = await db.prisma.shop.update({ where: { domain: OTHER }, data: { currency: "JPY" } });
  await db.prisma.shopSettings.update({ where: { shopId: other.id }, data: { holdoutPercent: 0 } });
  await seedScores(db.prisma, other.id, [{ id: 1, segment: "at_risk" }, { id: 101, segment: "at_risk", holdout: true }], [
    { customerId: 1, from: null, to: "at_risk", daysAgo: 3 },
    { customerId: 101, from: null, to: "at_risk", daysAgo: 3 },
  ], now);
  await seedOrders(other.id, [{ customerId: 101, daysAgo: 2, totalMinor: 77_700 }]);
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP, OTHER, EMPTY]);
  await app?.close();
});

type Row = { segment: string | null; name: string; comparison: import("../../app/domain/lift").LiftComparison; sentences: string[] };

describe("lift loader", () => {
  it("groups customers by their first score's segment and counts orders after it only", async () => {
    const response = await app.loaderData(SHOP, "/app/lift", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d.currency).toBe("EUR");
    expect(d.holdoutPercent).toBe(10);
    expect(d.rows.map((r: Row) => [r.segment, r.name])).toEqual([
      [null, "All segments"],
      ["champions", "Champions"],
      ["at_risk", "At Risk"],
    ]);
    // First scores: 30 days ago for all (customer 2's later one is not its assignment).
    expect(Math.abs(Date.parse(d.assignedFrom) - (now.getTime() - 30 * DAY))).toBeLessThan(1000);
    expect(d.assignedTo).toBe(d.assignedFrom);
    expect(d.daysSinceFirstAssignment).toBe(30);

    const atRisk = d.rows.find((r: Row) => r.segment === "at_risk")!.comparison;
    expect(atRisk.treated).toEqual({ customers: 70, buyers: 56, repeatRate: 0.8, revenuePerCustomerMinor: 8000 });
    expect(atRisk.holdout).toEqual({ customers: 80, buyers: 48, repeatRate: 0.6, revenuePerCustomerMinor: 6000 });
    // Newcombe (1998) Table II (a), method 10: 0.0524 to 0.3339.
    expect(atRisk.repeatRate.estimate).toBeCloseTo(0.2, 12);
    expect(atRisk.repeatRate.low).toBeCloseTo(0.0524, 4);
    expect(atRisk.repeatRate.high).toBeCloseTo(0.3339, 4);
    expect(atRisk.repeatRate.distinguishable).toBe(true);
    // Revenue per customer: €100.00 per buyer, €0 otherwise. Sample variances by hand:
    // treated (56·(10,000 − 8,000)² + 14·8,000²)/69 = 1.12e9/69; holdout (48·4,000² + 32·6,000²)/79 = 1.92e9/79.
    const va = 1.12e9 / 69 / 70;
    const vb = 1.92e9 / 79 / 80;
    const df = (va + vb) ** 2 / (va ** 2 / 69 + vb ** 2 / 79);
    const half = lift.studentTQuantile(0.975, df) * Math.sqrt(va + vb);
    expect(atRisk.revenuePerCustomer.estimate).toBeCloseTo(2000, 9);
    expect(atRisk.revenuePerCustomer.df).toBeCloseTo(df, 6);
    expect(atRisk.revenuePerCustomer.low).toBeCloseTo(2000 - half, 6);
    expect(atRisk.revenuePerCustomer.high).toBeCloseTo(2000 + half, 6);
    expect(atRisk.revenuePerCustomer.distinguishable).toBe(2000 - half > 0);
    expect(atRisk.tooFew).toBeNull();

    const champions = d.rows.find((r: Row) => r.segment === "champions");
    expect(champions.comparison).toMatchObject({ treated: { customers: 40, buyers: 0 }, holdout: { customers: 5, buyers: 0 }, repeatRate: null, revenuePerCustomer: null });
    expect(champions.sentences).toEqual(["Too few customers to tell: 5 in the holdout (each group needs 30)."]);

    const all = d.rows[0].comparison;
    expect(all.treated).toEqual({ customers: 110, buyers: 56, repeatRate: 56 / 110, revenuePerCustomerMinor: 560_000 / 110 });
    expect(all.holdout).toEqual({ customers: 85, buyers: 48, repeatRate: 48 / 85, revenuePerCustomerMinor: 480_000 / 85 });
  });

  it("the session token decides the shop; a shop with nobody scored has no rows", async () => {
    const other = await (await app.loaderData(OTHER, "/app/lift", ROUTE)).json();
    expect(other.currency).toBe("JPY");
    expect(other.holdoutPercent).toBe(0);
    expect(other.rows.map((r: Row) => [r.segment, r.comparison.treated.customers, r.comparison.holdout.customers, r.comparison.holdout.buyers])).toEqual([
      [null, 1, 1, 1],
      ["at_risk", 1, 1, 1],
    ]);
    const empty = await (await app.loaderData(EMPTY, "/app/lift", ROUTE)).json();
    expect(empty).toMatchObject({ rows: [], assignedFrom: null, assignedTo: null, daysSinceFirstAssignment: null });
  });

  it("answers 401 to a forged session token", async () => {
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app/lift", ROUTE, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});

describe("lift page", () => {
  it("says per segment whether the difference is distinguishable from zero", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/lift")));
    expect(response.status).toBe(200);
    const html = renderedText(await response.text());
    expect(html).toContain("Holdout lift");
    expect(html).toContain(
      "Repeat-purchase rate: 80.0 % of treated customers and 60.0 % of the holdout bought again; difference +20.0 points (95 % CI +5.2 points to +33.4 points), distinguishable from zero (the interval excludes 0).",
    );
    expect(html).toContain("Revenue per customer: €80.00 treated, €60.00 holdout; difference +€20.00");
    expect(html).toContain("Too few customers to tell: 5 in the holdout (each group needs 30).");
    expect(html).toContain("A stable random 10 % of customers is the holdout group");
    expect(html).toContain("fewer than 30 customers gives &quot;too few to tell&quot;");
    expect(html).not.toContain("The holdout group is off");
    expect(html).not.toContain("Early days");
  });

  it("an empty shop gets the empty state; a 0 % holdout says it is off", async () => {
    const empty = renderedText(await (await app.handle(new Request(await app.documentUrl(EMPTY, "/app/lift")))).text());
    expect(empty).toContain("Nothing to compare yet");
    const off = renderedText(await (await app.handle(new Request(await app.documentUrl(OTHER, "/app/lift")))).text());
    expect(off).toContain("The holdout group is off");
    expect(off).toContain("Too few customers to tell: 1 treated and 1 in the holdout (each group needs 30).");
    expect(off).toContain("The first scores are 3 days old: few customers have had time to order again");
  });

  it("a shop whose row is gone gets the page's error state", async () => {
    await db.prisma.shop.delete({ where: { domain: EMPTY } }); // the offline session stays
    expect((await app.loaderData(EMPTY, "/app/lift", ROUTE)).status).toBe(404);
    const response = await app.handle(new Request(await app.documentUrl(EMPTY, "/app/lift")));
    expect(response.status).toBe(404);
    expect(renderedText(await response.text())).toContain("This shop is not set up yet");
  });
});
