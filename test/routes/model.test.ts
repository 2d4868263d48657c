// routes/app.model (model quality) through Remix's request handler, with authenticated embedded
// requests: the churn champion and its challengers next to the baselines, calibration and value
// by decile from a model state as the recompute stores it, the small-shop heuristic's honest
// message, and agreement with Shopify's own RFM groups read from the simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, seedScores } from "../support/score-seed";
import { createRng } from "../support/random";
import type { SimOrder } from "../simulator/model";
import { factsFromGroupedOrders } from "../../app/domain/population-facts";
import { scoreWithChampion } from "../../app/domain/score-with-champion";
import { backtest } from "../../app/domain/backtest";
import type { GroupedOrders } from "../../app/domain/population-facts";

const SHOP = `routes-model-${process.pid}.myshopify.com`;
const SMALL = `routes-model-small-${process.pid}.myshopify.com`;
const FRESH = `routes-model-fresh-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.model";
const DAY = 86_400_000;
let app: RemixApp;
let db: typeof import("../../app/db.server");

/** Regular buyers (27–33 days apart), some of whom stopped: the dashboard test's population. */
function population(seed: string, customers: number, asOf: Date): GroupedOrders {
  const rng = createRng(seed);
  const offsets = [0];
  const timesMs: number[] = [];
  const amountsMinor: number[] = [];
  for (let c = 0; c < customers; c++) {
    const stop = asOf.getTime() - Math.floor(rng() * 700) * DAY;
    for (let t = asOf.getTime() - (700 + Math.floor(rng() * 30)) * DAY; t < Math.min(stop, asOf.getTime()); t += (27 + Math.floor(rng() * 7)) * DAY) {
      timesMs.push(t);
      amountsMinor.push(2000 + Math.floor(rng() * 3000));
    }
    offsets.push(timesMs.length);
  }
  return { offsets, timesMs, amountsMinor };
}

/** The model state a recompute at asOf stores for these orders (fit, champion, accuracy check). */
function recomputedState(orders: GroupedOrders, asOf: Date) {
  const { facts } = factsFromGroupedOrders(orders, asOf);
  const { result, churn } = scoreWithChampion(facts, orders, { asOf, horizonDays: 90 });
  const check = backtest(orders, { asOf, horizonDays: 90 });
  return { state: JSON.parse(JSON.stringify({ ...result.state, churn, accuracy: check.accuracy, accuracyReason: check.reason })), churn, check };
}

/** A customer in the simulator's shop with `count` orders, the last `lastDaysAgo` days ago. */
function simCustomer(shop: string, id: number, count: number, lastDaysAgo: number, deleted = false) {
  const s = app.sim.ctx.shops.get(shop)!;
  const now = Date.now();
  s.customers.set(id, { id, createdAt: new Date(now - 800 * DAY).toISOString(), updatedAt: new Date(now).toISOString(), tags: [], metafields: [], deleted });
  for (let k = 0; k < count; k++) {
    const at = new Date(now - (lastDaysAgo + 20 * k) * DAY).toISOString();
    const orderId = id * 100 + k;
    const order: SimOrder = {
      id: orderId,
      name: `#${orderId}`,
      customerId: id,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: null,
      test: false,
      shopCurrency: "EUR",
      presentmentCurrency: "EUR",
      totalShopMinor: 5000,
      totalPresentmentMinor: 5000,
      discountCodes: [],
      lineItems: [],
      refunds: [],
    };
    s.orders.set(orderId, order);
  }
}

// The states as stored (a JSON round trip through PostgreSQL may change a double's last digit).
let champion: ReturnType<typeof recomputedState>["churn"];
let check: ReturnType<typeof recomputedState>["check"];
let smallState: { churn: ReturnType<typeof recomputedState>["churn"]; check: ReturnType<typeof recomputedState>["check"] };
async function storedState(domain: string) {
  const s = (await db.prisma.shop.findUniqueOrThrow({ where: { domain } })).modelState as unknown as { churn: typeof champion; accuracy: typeof check.accuracy; accuracyReason: string | null };
  return { churn: s.churn, check: (s.accuracy ? { accuracy: s.accuracy, reason: null } : { accuracy: null, reason: s.accuracyReason! }) as typeof check };
}

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  for (const domain of [SHOP, SMALL, FRESH]) {
    app.addShop(domain, "EUR");
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
  const asOf = new Date("2026-12-01T00:00:00Z");
  const big = recomputedState(population("model-page", 600, asOf), asOf);
  const shop = await db.prisma.shop.update({
    where: { domain: SHOP },
    data: { currency: "EUR", modelState: big.state, modelKind: big.state.model, lastScoredAt: asOf },
  });
  // Scored customers and what Shopify (the simulator) says of them: 1–6 bought 5 times, the last
  // 5 days ago (CHAMPIONS); 7–9 once, 400 days ago (DORMANT); 10 once, 10 days ago (NEW);
  // 11 was deleted in Shopify.
  for (let id = 1; id <= 6; id++) simCustomer(SHOP, id, 5, 5);
  for (let id = 7; id <= 9; id++) simCustomer(SHOP, id, 1, 400);
  simCustomer(SHOP, 10, 1, 10);
  simCustomer(SHOP, 11, 1, 10, true);
  const segments: Record<number, string> = { 1: "champions", 2: "champions", 3: "champions", 4: "champions", 5: "champions", 6: "loyal_customers", 7: "hibernating", 8: "hibernating", 9: "at_risk", 10: "new_customers", 11: "promising" };
  await seedScores(db.prisma, shop.id, Object.entries(segments).map(([id, segment]) => ({ id: Number(id), segment })));
  ({ churn: champion, check } = await storedState(SHOP));

  // 40 customers: too few for a model of the shop's own, so the labelled heuristic.
  const smallRecompute = recomputedState(population("model-page-small", 40, asOf), asOf);
  const small = await db.prisma.shop.update({ where: { domain: SMALL }, data: { modelState: smallRecompute.state, modelKind: smallRecompute.state.model, lastScoredAt: asOf } });
  await seedScores(db.prisma, small.id, [{ id: 1, segment: "champions" }]);
  smallState = await storedState(SMALL);
  simCustomer(SMALL, 1, 1, 5);
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP, SMALL, FRESH]);
  await app?.close();
});

type Row = { model: string; inUse: boolean; baseline: boolean; auc: number | null; logLoss: number | null; brier: number | null; ece: number | null; calibration: string | null };

describe("model quality loader", () => {
  it("lists the champion and its challengers with the stored out-of-time figures, and the baselines", async () => {
    const response = await app.loaderData(SHOP, "/app/model", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d.scored).toBe(true);
    expect(d.smallShop).toBeNull();
    expect(d.champion).toMatchObject({ model: champion.champion, windowDays: 90, windowFrom: "2026-09-02T00:00:00.000Z", asOf: "2026-12-01T00:00:00.000Z" });
    expect(d.rows.map((r: Row) => r.model)).toEqual(["bgnbd", "supervised", "heuristic", "recency", "constant"]);
    for (const m of champion.backtest) {
      const row = d.rows.find((r: Row) => r.model === m.model);
      expect(row).toMatchObject({ auc: m.auc, logLoss: m.logLoss, brier: m.brier, ece: m.ece, inUse: m.model === champion.champion, baseline: m.model === "recency" });
    }
    // The constant baseline: everyone gets the window's churn rate b.
    const { customers, churned } = champion.backtest[0];
    const b = churned / customers;
    const constant = d.rows.find((r: Row) => r.model === "constant");
    expect(constant.logLoss).toBeCloseTo(-(b * Math.log(b) + (1 - b) * Math.log(1 - b)), 12);
    expect(constant.brier).toBeCloseTo(b * (1 - b), 12);
    expect(constant).toMatchObject({ auc: 0.5, ece: 0, baseline: true, inUse: false });
    expect(d.champion).toMatchObject({ customers, churned });
  });

  it("returns the champion's calibration by decile and the value check by decile", async () => {
    const d = await (await app.loaderData(SHOP, "/app/model", ROUTE)).json();
    const own = champion.backtest.find((m) => m.model === champion.champion)!;
    expect(d.calibration).toEqual({ source: "champion", model: champion.champion, name: expect.any(String), windowDays: 90, deciles: own.deciles });
    expect(d.calibration.deciles.reduce((s: number, x: { customers: number }) => s + x.customers, 0)).toBe(own.customers);
    const a = check.accuracy!;
    expect(d.accuracy).toMatchObject({ horizonDays: 90, customers: a.customers, valueDeciles: a.valueDeciles, actualValueTotalMinor: a.actualValueTotalMinor });
    expect(d.accuracy.valueDeciles).toHaveLength(10);
    expect(d.verdict.length).toBe(3);
    expect(d.verdict[0]).toMatch(/^On the last 90 days, which it had not seen, /);
  });

  it("compares the segments with Shopify's RFM groups on a sample of scored customers", async () => {
    const d = await (await app.loaderData(SHOP, "/app/model", ROUTE)).json();
    expect(d.rfm.available).toBe(true);
    const a = d.rfm.agreement;
    // 11 asked about, 10 known to Shopify (11 was deleted). Same group: 5 champions, 7 and 8
    // (hibernating ↔ DORMANT), 10 (new) = 8; 6 (loyal vs CHAMPIONS) and 9 (at risk vs DORMANT) differ.
    // Recent or not: all 10 agree.
    expect(a).toMatchObject({ sampled: 11, withGroup: 10, matches: 8, recencyMatches: 10, groups: ["CHAMPIONS", "NEW", "DORMANT"] });
    expect(a.matchShare).toBeCloseTo(0.8, 12);
    expect(a.rows).toEqual([
      { segment: "champions", name: "Champions", expected: "CHAMPIONS", counts: [5, 0, 0], total: 5 },
      { segment: "loyal_customers", name: "Loyal Customers", expected: "LOYAL", counts: [1, 0, 0], total: 1 },
      { segment: "new_customers", name: "New Customers", expected: "NEW", counts: [0, 1, 0], total: 1 },
      { segment: "at_risk", name: "At Risk", expected: "AT_RISK", counts: [0, 0, 1], total: 1 },
      { segment: "hibernating", name: "Hibernating", expected: "DORMANT", counts: [0, 0, 2], total: 2 },
    ]);
  });

  it("a small shop gets the labelled heuristic and the rule's own check", async () => {
    const d = await (await app.loaderData(SMALL, "/app/model", ROUTE)).json();
    expect(smallState.churn.reason).toMatch(/^heuristic: /);
    expect(d.smallShop).toBe(smallState.churn.reason.slice("heuristic: ".length));
    expect(d.rows).toEqual([]);
    if (smallState.check.accuracy) {
      expect(d.calibration).toMatchObject({ source: "backtest", model: "heuristic", deciles: smallState.check.accuracy.churnDeciles });
    } else {
      expect(d.calibration).toBeNull();
      expect(d.calibrationMissing).toBe(d.smallShop);
    }
  });

  it("a shop not scored yet has nothing to show; a forged token gets 401", async () => {
    const d = await (await app.loaderData(FRESH, "/app/model", ROUTE)).json();
    expect(d).toMatchObject({ scored: false, rows: [], calibration: null, accuracy: null, rfm: null, verdict: [] });
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app/model", ROUTE, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});

describe("model quality page", () => {
  it("renders the verdict, the challengers, the decile tables and the RFM agreement", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/model")));
    expect(response.status).toBe(200);
    const html = renderedText(await response.text());
    expect(html).toContain("Model quality");
    expect(html).toContain("Churn models, checked on a window they never saw");
    expect(html).toContain("Same churn rate for everyone (baseline)");
    expect(html).toContain(">In use<");
    for (const m of champion.backtest) if (m.auc !== null) expect(html).toContain(`>${m.auc.toFixed(3)}<`);
    expect(html).toContain("Calibration by decile");
    // The chart is drawn in the browser only: the server renders its placeholder.
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain("Predicted vs actual value");
    expect(html).toContain("Share of actual revenue");
    expect(html).toContain("8 (80.0 %, 95 % CI");
    expect(html).toContain("10 (100.0 %, 95 % CI");
  });

  it("a small shop's page says why the simple rule is in use", async () => {
    const html = renderedText(await (await app.handle(new Request(await app.documentUrl(SMALL, "/app/model")))).text());
    expect(html).toContain("Too little history for a model of this shop&#x27;s own");
    expect(html).toContain(smallState.churn.reason.slice("heuristic: ".length).replaceAll("'", "&#x27;"));
  });

  it("an unscored shop gets the empty state; a shop whose row is gone the error state", async () => {
    const fresh = renderedText(await (await app.handle(new Request(await app.documentUrl(FRESH, "/app/model")))).text());
    expect(fresh).toContain("Not scored yet");
    await db.prisma.shop.delete({ where: { domain: FRESH } });
    expect((await app.loaderData(FRESH, "/app/model", ROUTE)).status).toBe(404);
    const gone = await app.handle(new Request(await app.documentUrl(FRESH, "/app/model")));
    expect(gone.status).toBe(404);
    expect(renderedText(await gone.text())).toContain("This shop is not set up yet");
  });
});
