// routes/app.migration through Remix's request handler with authenticated embedded requests:
// the from → to matrix, inflow/outflow/net, the story and the snapshot series of this shop for
// 7, 30 and 90 days, counted by hand from the seeded moves below; the empty, not-installed,
// refused-window and failure states; and the page as the server renders it (no chart on the
// server: polaris-viz needs a browser, so a placeholder of the chart's height stands in).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, seedScores, type SeededMove } from "../support/score-seed";
import { allowConsole } from "../support/console";

const SHOP = `routes-mig-${process.pid}.myshopify.com`;
const OTHER = `routes-mig-other-${process.pid}.myshopify.com`;
const EMPTY = `routes-mig-empty-${process.pid}.myshopify.com`;
const OLD = `routes-mig-old-${process.pid}.myshopify.com`;
const GONE = `routes-mig-gone-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.migration";
const DAY = 86_400_000;
let app: RemixApp;
let db: typeof import("../../app/db.server");
let now: Date;

/** The UTC date `n` days before now. */
const dayAgo = (n: number) => new Date(now.getTime() - n * DAY).toISOString().slice(0, 10);

// SHOP's moves, days ago (none near a window's edge):
//   7 days: Loyal → Champions, Champions → At Risk, Hibernating → At Risk, Can't Lose Them → Champions (4)
//  30 days: + Champions → At Risk, Champions → Loyal, At Risk → Loyal (7)
//  90 days: + Loyal → Champions (8)
// and a first score (no `from`), which is not a move.
const MOVES: SeededMove[] = [
  { customerId: 1, from: null, to: "loyal_customers", daysAgo: 40 },
  { customerId: 1, from: "loyal_customers", to: "champions", daysAgo: 5 },
  { customerId: 2, from: "champions", to: "at_risk", daysAgo: 3 },
  { customerId: 3, from: "champions", to: "at_risk", daysAgo: 10 },
  { customerId: 4, from: "at_risk", to: "loyal_customers", daysAgo: 20 },
  { customerId: 5, from: "hibernating", to: "at_risk", daysAgo: 6 },
  { customerId: 6, from: "loyal_customers", to: "champions", daysAgo: 45 },
  { customerId: 7, from: "cant_lose_them", to: "champions", daysAgo: 2 },
  { customerId: 8, from: "champions", to: "loyal_customers", daysAgo: 12 },
];

async function install(domain: string) {
  app.addShop(domain);
  expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  return db.prisma.shop.findUniqueOrThrow({ where: { domain } });
}

const page = async (shop: string, path: string) => {
  const response = await app.handle(new Request(await app.documentUrl(shop, path)));
  return { status: response.status, html: renderedText(await response.text()) };
};

type Cell = { to: string; customers: number; rowShare: number };
type Row = { segment: string; total: number; cells: Cell[] };
const cells = (matrix: { rows: Row[] }) =>
  matrix.rows.flatMap((r) => r.cells.filter((c) => c.customers > 0).map((c) => [r.segment, c.to, c.customers, Number(c.rowShare.toFixed(4))]));

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  now = new Date();
  const shop = await install(SHOP);
  await seedScores(db.prisma, shop.id, MOVES.filter((m, i, all) => all.findIndex((n) => n.customerId === m.customerId) === i).map((m) => ({ id: m.customerId, segment: m.to })), MOVES, now);
  // Snapshots: two days ago, today (yesterday missing) and 20 days ago.
  await db.prisma.segmentSnapshot.createMany({
    data: [
      { day: dayAgo(2), segment: "champions", customers: 10 },
      { day: dayAgo(2), segment: "at_risk", customers: 4 },
      { day: dayAgo(0), segment: "champions", customers: 9 },
      { day: dayAgo(0), segment: "at_risk", customers: 6 },
      { day: dayAgo(20), segment: "hibernating", customers: 3 },
    ].map((s) => ({ shopId: shop.id, day: new Date(`${s.day}T00:00:00Z`), segment: s.segment, customers: s.customers, valueMinor: 0n })),
  });
  const other = await install(OTHER);
  await seedScores(db.prisma, other.id, [{ id: 1, segment: "at_risk" }], [{ customerId: 1, from: "champions", to: "at_risk", daysAgo: 1 }], now);
  await db.prisma.segmentSnapshot.create({ data: { shopId: other.id, day: new Date(`${dayAgo(1)}T00:00:00Z`), segment: "champions", customers: 500, valueMinor: 0n } });
  const empty = await install(EMPTY);
  await seedScores(db.prisma, empty.id, [{ id: 1, segment: "champions" }], [{ customerId: 1, from: null, to: "champions", daysAgo: 3 }], now);
  const old = await install(OLD);
  await seedScores(db.prisma, old.id, [{ id: 1, segment: "at_risk" }], [{ customerId: 1, from: "champions", to: "at_risk", daysAgo: 100 }], now);
  // Installed once, then its Shop row gone (the session remains): the page says it is being set up.
  await install(GONE);
  await db.prisma.shop.delete({ where: { domain: GONE } });
});

afterAll(async () => {
  if (db) {
    const shops = await db.prisma.shop.findMany({ where: { domain: { in: [SHOP, OTHER, EMPTY, OLD] } }, select: { id: true } });
    await db.prisma.segmentSnapshot.deleteMany({ where: { shopId: { in: shops.map((s) => s.id) } } });
    await removeShops(db.prisma, [SHOP, OTHER, EMPTY, OLD, GONE]);
  }
  await app?.close();
});

describe("migration loader", () => {
  it("30 days by default: the matrix, inflow/outflow/net and the story of this shop's moves", async () => {
    const response = await app.loaderData(SHOP, "/app/migration", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d.installed).toBe(true);
    expect(d.days).toBe(30);
    expect(Date.parse(d.until) - Date.parse(d.since)).toBe(30 * DAY);
    expect(d.matrix.total).toBe(7);
    expect(d.matrix.segments.map((s: { name: string }) => s.name)).toEqual([
      "Champions",
      "Loyal Customers",
      "Potential Loyalists",
      "New Customers",
      "Promising",
      "Need Attention",
      "About to Sleep",
      "At Risk",
      "Can't Lose Them",
      "Hibernating",
    ]);
    expect(cells(d.matrix)).toEqual([
      ["champions", "loyal_customers", 1, 0.3333],
      ["champions", "at_risk", 2, 0.6667],
      ["loyal_customers", "champions", 1, 1],
      ["at_risk", "loyal_customers", 1, 1],
      ["cant_lose_them", "champions", 1, 1],
      ["hibernating", "at_risk", 1, 1],
    ]);
    const flows = d.flows.filter((f: { inflow: number; outflow: number }) => f.inflow + f.outflow > 0);
    expect(flows.map((f: { segment: string; inflow: number; outflow: number; net: number }) => [f.segment, f.inflow, f.outflow, f.net])).toEqual([
      ["champions", 2, 3, -1],
      ["loyal_customers", 2, 1, 1],
      ["at_risk", 3, 1, 2],
      ["cant_lose_them", 0, 1, -1],
      ["hibernating", 0, 1, -1],
    ]);
    expect(d.story).toEqual([
      "2 customers moved from Champions to At Risk in the last 30 days, the largest of 7 moves.",
      "Next: 1 from Champions to Loyal Customers and 1 from Loyal Customers to Champions.",
      // Hibernating → At Risk stays lapsing: not a return.
      "1 At Risk customer and 1 Can't Lose Them customer came back (2 in all).",
      "At Risk grew the most (net +2); Champions shrank the most (net \u22121).",
    ]);
    expect(d.lastMoveAt).toBeNull();
  });

  it("7 and 90 days count only the moves in their window", async () => {
    const week = await (await app.loaderData(SHOP, "/app/migration?days=7", ROUTE)).json();
    expect(week.days).toBe(7);
    expect(cells(week.matrix)).toEqual([
      ["champions", "at_risk", 1, 1],
      ["loyal_customers", "champions", 1, 1],
      ["cant_lose_them", "champions", 1, 1],
      ["hibernating", "at_risk", 1, 1],
    ]);
    expect(week.story[0]).toBe("1 customer moved from Champions to At Risk in the last 7 days, the largest of 4 moves.");
    expect(week.story[2]).toBe("1 Can't Lose Them customer came back.");
    const quarter = await (await app.loaderData(SHOP, "/app/migration?days=90", ROUTE)).json();
    expect(quarter.matrix.total).toBe(8);
    expect(cells(quarter.matrix).find((c) => c[0] === "loyal_customers")).toEqual(["loyal_customers", "champions", 2, 1]);
  });

  it("segment sizes per day from the snapshots: a day without one is a gap (null), not a zero", async () => {
    const week = await (await app.loaderData(SHOP, "/app/migration?days=7", ROUTE)).json();
    // Days from the date of now − 7 days to today: 8 points, the last three today−2, today−1, today.
    expect(week.sizes.days).toEqual([7, 6, 5, 4, 3, 2, 1, 0].map(dayAgo));
    expect(week.sizes.snapshotDays).toBe(2);
    const gap = [null, null, null, null, null];
    expect(week.sizes.series).toEqual([
      { segment: "champions", name: "Champions", values: [...gap, 10, null, 9] },
      { segment: "at_risk", name: "At Risk", values: [...gap, 4, null, 6] },
    ]);
    // 30 days reach the snapshot 20 days ago, where Hibernating had 3 and the others none.
    const month = await (await app.loaderData(SHOP, "/app/migration", ROUTE)).json();
    expect(month.sizes.days).toHaveLength(31);
    expect(month.sizes.snapshotDays).toBe(3);
    const at = month.sizes.days.indexOf(dayAgo(20));
    expect(month.sizes.series.map((s: { segment: string; values: (number | null)[] }) => [s.segment, s.values[at], s.values[29], s.values[30]])).toEqual([
      ["champions", 0, null, 9],
      ["at_risk", 0, null, 6],
      ["hibernating", 3, null, 0],
    ]);
  });

  it("the session token decides the shop: another shop sees only its own moves and snapshots", async () => {
    const d = await (await app.loaderData(OTHER, "/app/migration?days=7", ROUTE)).json();
    expect(cells(d.matrix)).toEqual([["champions", "at_risk", 1, 1]]);
    expect(d.sizes.series).toEqual([{ segment: "champions", name: "Champions", values: [7, 6, 5, 4, 3, 2, 1, 0].map((n) => (n === 1 ? 500 : null)) }]);
  });

  it("no moves yet: an empty matrix, the empty story, no last move", async () => {
    const d = await (await app.loaderData(EMPTY, "/app/migration", ROUTE)).json();
    expect(d.matrix.total).toBe(0);
    expect(d.flows.every((f: { inflow: number; outflow: number; net: number }) => f.inflow === 0 && f.outflow === 0 && f.net === 0)).toBe(true);
    expect(d.story).toEqual(["No customer moved between segments in the last 30 days."]);
    expect(d.lastMoveAt).toBeNull();
    expect(d.sizes.series).toEqual([]);
  });

  it("no moves in the window but earlier ones: says when the last one was", async () => {
    const d = await (await app.loaderData(OLD, "/app/migration?days=90", ROUTE)).json();
    expect(d.matrix.total).toBe(0);
    expect(Math.round((now.getTime() - Date.parse(d.lastMoveAt)) / DAY)).toBe(100);
  });

  it("a shop without its Shop row gets an empty page, not an error", async () => {
    const d = await (await app.loaderData(GONE, "/app/migration", ROUTE)).json();
    expect(d).toMatchObject({ installed: false, lastScoredAt: null, lastMoveAt: null, story: ["No customer moved between segments in the last 30 days."] });
  });

  it("refuses a window other than 7, 30 or 90 days with 400", async () => {
    for (const days of ["14", "abc", "0"]) {
      const response = await app.loaderData(SHOP, `/app/migration?days=${days}`, ROUTE);
      expect(response.status, days).toBe(400);
    }
  });

  it("answers 401 to a forged session token", async () => {
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app/migration", ROUTE, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});

describe("migration page", () => {
  it("renders the story, the heat-shaded matrix, the flows and the chart's placeholder", async () => {
    const { status, html } = await page(SHOP, "/app/migration");
    expect(status).toBe(200);
    expect(html).toContain("Segment migration");
    expect(html).toContain("2 customers moved from Champions to At Risk in the last 30 days, the largest of 7 moves.");
    expect(html).toContain("1 At Risk customer and 1 Can&#x27;t Lose Them customer came back (2 in all).");
    // The window choice: 30 days a pressed button, the others links.
    expect(html).toMatch(/aria-pressed="true"><span[^>]*>30 days</);
    expect(html).toMatch(/href="\/app\/migration\?days=7"><span[^>]*>7 days</);
    expect(html).toMatch(/href="\/app\/migration\?days=90"><span[^>]*>90 days</);
    // Champions → At Risk: 2 of Champions' 3 moves, 67 % (step 4 of 5); → Loyal 33 % (step 2);
    // a whole row's moves (100 %) in the darkest step, with white text.
    expect(html).toMatch(/background:#80a1cc;color:#303030"><span[^>]*>2<\/span><br\/><span>67 %<\/span>/);
    expect(html).toMatch(/background:#ccd9eb;color:#303030"><span[^>]*>1<\/span><br\/><span>33 %<\/span>/);
    expect(html).toMatch(/background:#3368ad;color:#ffffff"><span[^>]*>1<\/span><br\/><span>100 %<\/span>/);
    // Inflow, outflow and net: At Risk in 3, out 1, net +2; Champions net −1.
    expect(html).toMatch(/At Risk<\/th><td[^>]*>3<\/td><td[^>]*>1<\/td><td[^>]*>\+2<\/td>/);
    expect(html).toMatch(/Champions<\/th><td[^>]*>2<\/td><td[^>]*>3<\/td><td[^>]*>\u22121<\/td>/);
    // The chart is drawn in the browser; the server sends its placeholder and the gap note.
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain("28 of 31 days have no snapshot and show as gaps");
  });

  it("no moves yet: the empty state instead of the matrix", async () => {
    const { status, html } = await page(EMPTY, "/app/migration?days=7");
    expect(status).toBe(200);
    expect(html).toContain("No moves yet");
    expect(html).not.toContain("From → to");
    expect(html).toContain("No daily snapshot in this window yet");
  });

  it("no moves in the window: the story says so and points to the last move", async () => {
    const { html } = await page(OLD, "/app/migration?days=7");
    expect(html).toContain("No customer moved between segments in the last 7 days.");
    expect(html).toContain("The last move was ");
    expect(html).not.toContain("From → to");
  });

  it("a refused window renders the page's error state with the way back", async () => {
    const { status, html } = await page(SHOP, "/app/migration?days=14");
    expect(status).toBe(400);
    expect(html).toContain("That window is not available");
    expect(html).toContain("Choose 7, 30, 90 days.");
    expect(html).toContain('href="/app/migration?days=30"');
  });

  it("a database failure renders the page's error state, not a crash", async () => {
    const { pool } = await app.import<typeof import("../../app/db-pool.server")>("db-pool.server.ts");
    allowConsole(/migration test: connection lost/, "error");
    const query = vi.spyOn(pool, "query").mockRejectedValueOnce(new Error("migration test: connection lost"));
    try {
      const { status, html } = await page(SHOP, "/app/migration");
      expect(status).toBe(500);
      expect(html).toContain("The migration could not be loaded");
      expect(html).not.toContain("connection lost");
    } finally {
      query.mockRestore();
    }
  });
});
