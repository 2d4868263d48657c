// routes/app._index (the dashboard) through Remix's request handler, with an
// authenticated embedded request: its loader data is this shop's rows, and the
// page renders them in the shop's currency.
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowConsole } from "../support/console";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, seedScores } from "../support/score-seed";
import { createRng } from "../support/random";
import { factsFromGroupedOrders } from "../../app/domain/population-facts";
import { scoreWithChampion } from "../../app/domain/score-with-champion";

const SHOP = `routes-dash-${process.pid}.myshopify.com`;
const OTHER = `routes-dash-other-${process.pid}.myshopify.com`;
const ROUTE = "routes/app._index";
let app: RemixApp;
let db: typeof import("../../app/db.server");

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  for (const [domain, currency] of [[SHOP, "EUR"], [OTHER, "JPY"]]) {
    app.addShop(domain, currency);
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
  const now = new Date();
  const shop = await db.prisma.shop.update({
    where: { domain: SHOP },
    data: { currency: "EUR", syncStatus: "running", syncRowsDone: 250, syncRowsTotal: 1000, syncStartedAt: new Date(now.getTime() - 60_000) },
  });
  await seedScores(
    db.prisma,
    shop.id,
    [
      { id: 1000, segment: "champions", holdout: true, monetaryMinor: 1000n, predictedClv12m: 10.25 },
      { id: 1001, segment: "champions", monetaryMinor: 2000n, predictedClv12m: 20.5 },
      { id: 1002, segment: "at_risk", monetaryMinor: 3000n, churnProbability: 0.8 },
      { id: 1003, segment: "hibernating", monetaryMinor: 4000n },
    ],
    [
      { customerId: 1000, from: null, to: "loyal_customers", daysAgo: 40 },
      { customerId: 1000, from: "loyal_customers", to: "champions", daysAgo: 5 },
      { customerId: 1002, from: "champions", to: "at_risk", daysAgo: 3 },
    ],
    now,
  );
  const other = await db.prisma.shop.update({ where: { domain: OTHER }, data: { currency: "JPY" } });
  await seedScores(db.prisma, other.id, [{ id: 1000, segment: "at_risk", monetaryMinor: 123_400n }], [{ customerId: 1000, from: "champions", to: "at_risk", daysAgo: 1 }], now);
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP, OTHER]);
  await app?.close();
});

describe("dashboard loader", () => {
  it("returns this shop's segments, holdout, sync progress and moves", async () => {
    const response = await app.loaderData(SHOP, "/app", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d.shop).toEqual({ currency: "EUR", historyLimited: false, lastScoredAt: null });
    expect(d.scoredCustomers).toBe(4);
    expect(d.holdoutCustomers).toBe(1);
    expect(d.segments.map((s: { segment: string; customers: number; monetaryMinor: string }) => [s.segment, s.customers, s.monetaryMinor])).toEqual([
      ["champions", 2, "3000"],
      ["at_risk", 1, "3000"],
      ["hibernating", 1, "4000"],
    ]);
    expect(d.segments[0]).toMatchObject({ name: "Champions", share: 0.5, avgChurnProbability: 0.3 });
    expect(d.segments[0].predictedClv12m).toBeCloseTo(30.75, 9);
    expect(d.sync).toMatchObject({ status: "running", rowsDone: 250, rowsTotal: 1000, percent: 25 });
    expect(d.migrations).toEqual([
      { fromSegment: "champions", toSegment: "at_risk", fromName: "Champions", toName: "At Risk", customers: 1 },
      { fromSegment: "loyal_customers", toSegment: "champions", fromName: "Loyal Customers", toName: "Champions", customers: 1 },
    ]);
    expect(d.recentTransitions.map((t: { customerId: string; toSegment: string }) => [t.customerId, t.toSegment])).toEqual([
      ["1002", "at_risk"],
      ["1000", "champions"],
    ]);
    expect(d.model).toBeNull();
    // Headline: 1002 (churn 0.8, predicted 55.50) is the only one at risk; Champions spent 30.00 of 100.00;
    // 1000 and 1002 moved in the last 7 days (1000's first score 40 days ago is not a move).
    expect(d.headline).toEqual({
      scoredCustomers: 4,
      revenueAtRisk: 55.5,
      atRiskCustomers: 1,
      championsCustomers: 2,
      championsMonetaryMinor: "3000",
      totalMonetaryMinor: "10000",
      championsRevenueShare: 0.3,
      movedThisWeek: 2,
      movedWindowDays: 7,
    });
    expect(d.segments.map((s: { segment: string; revenueShare: number }) => [s.segment, s.revenueShare])).toEqual([
      ["champions", 0.3],
      ["at_risk", 0.3],
      ["hibernating", 0.4],
    ]);
  });

  it("the session token decides the shop: another shop's token sees only its own rows", async () => {
    const d = await (await app.loaderData(OTHER, "/app", ROUTE)).json();
    expect(d.shop.currency).toBe("JPY");
    expect(d.scoredCustomers).toBe(1);
    expect(d.segments.map((s: { segment: string }) => s.segment)).toEqual(["at_risk"]);
    expect(d.recentTransitions.map((t: { customerId: string; fromSegment: string }) => [t.customerId, t.fromSegment])).toEqual([["1000", "champions"]]);
  });

  it("answers 401 to a forged session token", async () => {
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app", ROUTE, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});

describe("dashboard page", () => {
  it("renders the segments table in the shop's currency", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app")));
    expect(response.status).toBe(200);
    const html = renderedText(await response.text());
    expect(html).toContain("Customer segments");
    // Champions: 2 customers, 50.0 % of scored, €30.00 spent, 30 % churn, €30.75 predicted.
    for (const cell of ["Champions", "50.0 %", "€30.00", "30 %", "€30.75"]) expect(html).toContain(`>${cell}<`);
    // Totals: €100.00 spent by all four.
    expect(html).toContain(">€100.00<");
    expect(html).toContain("250 of 1,000 records (25 %), about 3 min left");
    expect(html).toContain("Not scored yet");
    // The headline figures, each in its labelled group.
    const metric = (label: string) => new RegExp(`aria-label="${label.replace("'", "&#x27;")}"[\\s\\S]*?<p[^>]*>([^<]*)</p>`).exec(html)?.[1];
    expect(metric("Customers scored")).toBe("4");
    expect(metric("Revenue at risk")).toBe("€55.50");
    expect(metric("Champions' share of revenue")).toBe("30.0 %");
    expect(metric("Moved this week")).toBe("2");
    expect(html).toContain("Predicted 12-month value of the 1 customer with a churn probability of 50 % or more.");
    // Revenue share per segment: Champions 30.0 %, Hibernating 40.0 %.
    expect(html).toContain(">40.0 %<");
    // The chart is drawn in the browser: the server sends its placeholder, of the chart's height.
    expect(html).toMatch(/<div style="height:360px" aria-busy="true" aria-label="Loading the chart">/);
  });

  it("with no score yet: the sync's progress and an empty segments card, no headline", async () => {
    const EMPTY = `routes-dash-empty-${process.pid}.myshopify.com`;
    app.addShop(EMPTY);
    try {
      // The first load installs the shop (the layout's and the page's loaders run side by side, so
      // the page may still say "Installing"); the next one sees the pending sync.
      expect((await app.handle(new Request(await app.documentUrl(EMPTY, "/app")))).status).toBe(200);
      const html = renderedText(await (await app.handle(new Request(await app.documentUrl(EMPTY, "/app")))).text());
      expect(html).toContain("Order history sync");
      expect(html).toContain("No customer is scored yet: the segments appear with the first scores.");
      expect(html).toContain("Not scored yet: scores appear once the order history is synced.");
      expect(html).not.toContain('aria-label="Revenue at risk"');
    } finally {
      await removeShops(db.prisma, [EMPTY]);
    }
  });

  it("a failure while rendering shows the page's own error state, not a blank page", async () => {
    allowConsole(/backtest\.find is not a function/, "error");
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const saved = shop.modelState;
    await db.prisma.shop.update({ where: { id: shop.id }, data: { modelState: { model: "bgnbd", asOf: "2026-12-01T00:00:00Z", churn: { backtest: 5 } } } });
    try {
      const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app")));
      expect(response.status).toBe(500);
      const html = renderedText(await response.text());
      expect(html).toContain("The overview could not be loaded");
      expect(html).toContain("Try again");
    } finally {
      await db.prisma.shop.update({ where: { id: shop.id }, data: { modelState: saved ?? Prisma.DbNull } });
    }
  });

  it("names the churn champion and its measured accuracy in one sentence", async () => {
    // A model state as the recompute stores it: a population of regular 30-day buyers, some of
    // whom stopped, scored with the champion chosen by the shop's own backtest.
    const rng = createRng("dashboard-champion");
    const asOf = new Date("2026-12-01T00:00:00Z");
    const offsets = [0];
    const timesMs: number[] = [];
    const amountsMinor: number[] = [];
    for (let c = 0; c < 600; c++) {
      const stop = asOf.getTime() - Math.floor(rng() * 700) * 86_400_000;
      for (let t = asOf.getTime() - (700 + Math.floor(rng() * 30)) * 86_400_000; t < Math.min(stop, asOf.getTime()); t += (27 + Math.floor(rng() * 7)) * 86_400_000) {
        timesMs.push(t);
        amountsMinor.push(2000 + Math.floor(rng() * 3000));
      }
      offsets.push(timesMs.length);
    }
    const grouped = { offsets, timesMs, amountsMinor };
    const { facts } = factsFromGroupedOrders(grouped, asOf);
    const { result, churn } = scoreWithChampion(facts, grouped, { asOf, horizonDays: 90 });
    await db.prisma.shop.update({
      where: { domain: SHOP },
      data: { modelState: JSON.parse(JSON.stringify({ ...result.state, churn, accuracy: null, accuracyReason: "not measured in this test" })), modelKind: result.state.model },
    });
    const html = renderedText(await (await app.handle(new Request(await app.documentUrl(SHOP, "/app")))).text());
    const own = churn.backtest.find((m) => m.model === churn.champion)!;
    const recency = churn.backtest.find((m) => m.model === "recency")!;
    const name = { bgnbd: "BG/NBD", supervised: "a model trained on this shop&#x27;s history", heuristic: "a simple rule" }[churn.champion];
    expect(html).toContain(`Churn probabilities come from ${name}`);
    expect(html).toContain(`over the last ${churn.windowDays} days, which it had not seen`);
    expect(html).toContain(`with an AUC of ${own.auc!.toFixed(3)} (0.5 is guessing, 1 is perfect; days since the last order alone: ${recency.auc!.toFixed(3)})`);
    expect(html).toContain(`off by ${(own.ece! * 100).toFixed(1)} percentage points on average`);
    expect(html).toContain('href="/app/model"');
  });

  it("renders yen without decimals", async () => {
    const html = await (await app.handle(new Request(await app.documentUrl(OTHER, "/app")))).text();
    // 123400 hundredths of a yen is ¥1,234.
    expect(html).toContain(">¥1,234<");
  });
});
