// routes/app.segments._index, routes/app.segments.$key and routes/app.segments.$key.csv
// through Remix's request handler with authenticated embedded requests: hand-built scores,
// every customer exactly once across the keyset pages in each sort order (checked against a
// plain comparator), filters, another shop's customers never visible, 404 for unknown keys,
// the CSV's exact bytes for a small segment, and a 20,000-customer export streamed in batches.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import { allowConsole } from "../support/console";
import { forgedSessionToken, renderedText, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, scoreRow } from "../support/score-seed";

const SHOP = `routes-seg-${process.pid}.myshopify.com`;
const OTHER = `routes-seg-other-${process.pid}.myshopify.com`;
const BIG = `routes-seg-big-${process.pid}.myshopify.com`;
const INDEX = "routes/app.segments._index";
const PAGE = "routes/app.segments.$key";
const AS_OF = new Date("2026-11-22T06:30:00Z");
const BIG_N = 20_000;

let app: RemixApp;
let db: typeof import("../../app/db.server");
let pg: typeof import("../../app/db-pool.server");

interface Seed {
  id: number;
  segment: string;
  r: number;
  f: number;
  m: number;
  churn: number;
  clv: number;
  spent: bigint;
  recency: number;
  traits: string[];
  holdout: boolean;
  clusterId?: number | null;
  frequency?: number;
  churnModel?: string;
  nextOrder?: Date | null;
}

async function seed(shopId: string, rows: Seed[]) {
  await db.prisma.customer.createMany({ data: rows.map((c) => ({ shopId, id: BigInt(c.id) })) });
  await db.prisma.customerScore.createMany({
    data: rows.map((c) => ({
      ...scoreRow(shopId, { id: c.id, segment: c.segment, holdout: c.holdout, monetaryMinor: c.spent, churnProbability: c.churn, predictedClv12m: c.clv }, AS_OF),
      r: c.r,
      f: c.f,
      m: c.m,
      recencyDays: c.recency,
      traits: c.traits,
      clusterId: c.clusterId ?? null,
      frequency: c.frequency ?? 2,
      churnModel: c.churnModel ?? "bgnbd",
      expectedNextOrderAt: c.nextOrder ?? null,
    })),
  });
}

// 123 At Risk customers: ids permuted against insertion order, heavy ties on every sort
// column, churn on the band edges, two churn values one ulp-ish apart (0.3 and 0.1 + 0.2),
// and predicted values with many digits, so page boundaries fall inside ties and on floats
// that must survive the cursor exactly.
const CHURNS = [0.1, 0.25, 0.5, 0.75, 0.9, 1, 0, 0.3, 0.1 + 0.2, 0.499999];
const AT_RISK: Seed[] = Array.from({ length: 123 }, (_, i) => ({
  id: 5000 + ((i * 37) % 123),
  segment: "at_risk",
  r: 1 + (i % 2),
  f: 3 + (i % 3),
  m: 1 + ((i * 7) % 5),
  churn: CHURNS[i % CHURNS.length],
  clv: i % 4 === 0 ? 100 : ((i * 13) % 40) * 2.5 + 1 / 3,
  spent: 1000n + BigInt((i * 97) % 50) * 100n,
  recency: (i * 11) % 60,
  traits: [...(i % 5 === 0 ? ["discount_seeker"] : []), ...(i % 7 === 0 ? ["vip_at_risk"] : [])],
  holdout: i % 10 === 0,
  clusterId: i % 3 === 0 ? 1 : 2,
}));
// A small segment for the CSV's exact bytes, with traits, a holdout and a quote-free but
// non-trivial set of values.
const CANT_LOSE: Seed[] = [
  { id: 7003, segment: "cant_lose_them", r: 1, f: 5, m: 5, churn: 0.87654, clv: 412.5, spent: 98_765n, recency: 140, traits: ["discount_seeker", "vip_at_risk"], holdout: true, frequency: 9, churnModel: "supervised", nextOrder: new Date("2026-12-03T00:00:00Z") },
  { id: 7001, segment: "cant_lose_them", r: 2, f: 5, m: 4, churn: 0.5, clv: 0, spent: 5n, recency: 95, traits: [], holdout: false, frequency: 7, churnModel: "bgnbd", nextOrder: null },
  { id: 7002, segment: "cant_lose_them", r: 2, f: 4, m: 5, churn: 0.123456, clv: 55.555, spent: 1_000_000n, recency: 100, traits: ["category_specialist"], holdout: false, frequency: 6, churnModel: "heuristic", nextOrder: new Date("2027-01-15T00:00:00Z") },
];
const CHAMPIONS: Seed[] = [1000, 1001].map((id, i) => ({ id, segment: "champions", r: 5, f: 5, m: 5, churn: 0.05, clv: 900 + i, spent: 500_000n, recency: 3, traits: i ? ["due_to_reorder"] : [], holdout: false, clusterId: 1 }));

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  pg = await app.import("db-pool.server.ts");
  for (const domain of [SHOP, OTHER, BIG]) {
    app.addShop(domain);
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
  const shop = await db.prisma.shop.update({
    where: { domain: SHOP },
    data: {
      currency: "EUR",
      lastScoredAt: AS_OF,
      modelState: {
        clusters: {
          k: 2,
          silhouette: 0.41,
          reason: null,
          clusters: [
            { id: 1, label: "frequent, high order value", customers: 0, share: 0, spendPerCustomerMinor: 0, totalSpendMinor: 0 },
            { id: 2, label: "rare buyers, long silent", customers: 0, share: 0, spendPerCustomerMinor: 0, totalSpendMinor: 0 },
          ],
        },
      },
    },
  });
  await seed(shop.id, [...AT_RISK, ...CANT_LOSE, ...CHAMPIONS]);
  // The other shop: the same ids in other segments, and ids of its own in At Risk.
  const other = await db.prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } });
  await seed(other.id, [
    { id: 5000, segment: "hibernating", r: 1, f: 1, m: 1, churn: 0.99, clv: 1, spent: 1n, recency: 400, traits: ["one_and_done"], holdout: false },
    ...[9001, 9002, 9003].map((id) => ({ id, segment: "at_risk", r: 1, f: 3, m: 3, churn: 0.6, clv: 5, spent: 77n, recency: 200, traits: ["discount_seeker"], holdout: false })),
  ]);
  // 20,000 At Risk customers, set-based.
  const big = await db.prisma.shop.findUniqueOrThrow({ where: { domain: BIG } });
  await pg.pool.query(`INSERT INTO "Customer" ("shopId", id) SELECT $1, g FROM generate_series(1, $2::int) g`, [big.id, BIG_N]);
  await pg.pool.query(
    `INSERT INTO "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m, segment, x, tx, "T",
        "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model, holdout, traits, "updatedAt")
     SELECT $1, g, $3::timestamp, 1 + g % 9, g % 365, g * 100 + g % 100, 1 + g % 5, 1 + g % 4, 1 + g % 3, 'at_risk', 1, 10, 100,
        0.5, (g % 1000) / 1000.0, 0.2, g / 8.0, 'bgnbd', g % 10 = 0, CASE WHEN g % 2 = 0 THEN ARRAY['discount_seeker'] ELSE ARRAY[]::text[] END, now()
       FROM generate_series(1, $2::int) g`,
    [big.id, BIG_N, AS_OF.toISOString().slice(0, 23)],
  );
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP, OTHER, BIG]);
  await app?.close();
});

const data = async (shop: string, path: string, routeId = PAGE) => {
  const response = await app.loaderData(shop, path, routeId);
  expect(response.status, path).toBe(200);
  return response.json();
};
/** GET of a resource route with the page's session token, as the page's fetch sends it. */
const resource = async (shop: string, path: string) =>
  app.handle(new Request(new URL(path, app.appUrl), { headers: { authorization: `Bearer ${await app.sessionToken(shop)}` } }));

type Row = { customerId: string; r: number; f: number; m: number; churnProbability: number; predictedClv12m: number; monetaryMinor: string; recencyDays: number; traits: string[]; holdout: boolean; segment: string };
type Cursor = { value: string; customerId: string };

const SORT_VALUE: Record<string, (s: Seed) => number | bigint> = {
  r: (s) => s.r,
  f: (s) => s.f,
  m: (s) => s.m,
  churn: (s) => s.churn,
  clv: (s) => s.clv,
  spent: (s) => s.spent,
  recency: (s) => s.recency,
};

/** The expected order: by the value, then by id, both in the direction asked. */
function expectedOrder(rows: Seed[], sort: string, dir: "asc" | "desc"): string[] {
  const value = SORT_VALUE[sort];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va !== vb) return (va < vb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((s) => String(s.id));
}

const cursorParam = (c: Cursor) => encodeURIComponent(`${c.value}_${c.customerId}`);

describe("segment index", () => {
  it("lists every segment, trait and discovered segment with its size and a link to its page", async () => {
    const d = await data(SHOP, "/app/segments", INDEX);
    expect(d.scoredCustomers).toBe(128);
    expect(d.segments).toHaveLength(10);
    const seg = Object.fromEntries(d.segments.map((s: { key: string; customers: number; name: string }) => [s.key, [s.name, s.customers]]));
    expect(seg).toMatchObject({ at_risk: ["At Risk", 123], cant_lose_them: ["Can't Lose Them", 3], champions: ["Champions", 2], promising: ["Promising", 0] });
    const traits = Object.fromEntries(d.traits.map((t: { key: string; customers: number }) => [t.key, t.customers]));
    // discount_seeker: i % 5 == 0 of 0..122 (25) and 7003; vip_at_risk: i % 7 == 0 (18) and 7003.
    expect(traits).toEqual({
      "trait:category_specialist": 1,
      "trait:discount_seeker": 26,
      "trait:due_to_reorder": 1,
      "trait:high_potential_first_timer": 0,
      "trait:one_and_done": 0,
      "trait:recovered": 0,
      "trait:vip_at_risk": 19,
    });
    // Cluster 1: i % 3 == 0 of 0..122 (41) and both champions; cluster 2: the other 82.
    expect(d.discovered.segments.map((s: { key: string; customers: number; description: string }) => [s.key, s.customers, s.description])).toEqual([
      ["cluster:1", 43, "frequent, high order value"],
      ["cluster:2", 82, "rare buyers, long silent"],
    ]);
    expect(d.segments.find((s: { key: string }) => s.key === "at_risk").share).toBeCloseTo(123 / 128, 12);
  });

  it("renders links to each page", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/segments")));
    expect(response.status).toBe(200);
    const html = renderedText(await response.text());
    expect(html).toContain('href="/app/segments/at_risk"');
    expect(html).toContain('href="/app/segments/trait:vip_at_risk"');
    expect(html).toContain('href="/app/segments/cluster:2"');
    expect(html).toContain(">Can&#x27;t Lose Them<");
    expect(html).toContain(">123<");
    expect(html).toContain("rare buyers, long silent");
  });

  it("a shop with no scores gets every group at 0 and the empty state", async () => {
    const d = await data(OTHER, "/app/segments", INDEX);
    expect(d.scoredCustomers).toBe(4);
    const fresh = `routes-seg-fresh-${process.pid}.myshopify.com`;
    app.addShop(fresh);
    expect((await app.handle(new Request(await app.documentUrl(fresh, "/app")))).status).toBe(200);
    const response = await app.handle(new Request(await app.documentUrl(fresh, "/app/segments")));
    expect(response.status).toBe(200);
    expect(renderedText(await response.text())).toContain("No scores yet");
    const empty = await data(fresh, "/app/segments", INDEX);
    expect(empty.segments.every((s: { customers: number }) => s.customers === 0)).toBe(true);
    expect(empty.discovered).toBeNull();
    await removeShops(db.prisma, [fresh]);
  });
});

describe("segment page: keyset pagination", () => {
  for (const sort of ["clv", "r", "f", "m", "churn", "spent", "recency"]) {
    for (const dir of ["desc", "asc"] as const) {
      it(`sort ${sort} ${dir}: every customer exactly once, in order, forwards and backwards`, async () => {
        const expected = expectedOrder(AT_RISK, sort, dir);
        const query = sort === "clv" && dir === "desc" ? "" : `sort=${sort}&dir=${dir}`;
        const pages: string[][] = [];
        let d = await data(SHOP, `/app/segments/at_risk${query ? `?${query}` : ""}`);
        expect(d.page.hasPrevious).toBe(false);
        pages.push(d.page.customers.map((c: Row) => c.customerId));
        const cursors: Cursor[] = [];
        while (d.page.hasNext) {
          cursors.push(d.page.nextCursor);
          d = await data(SHOP, `/app/segments/at_risk?${query}&after=${cursorParam(d.page.nextCursor)}`);
          expect(d.page.hasPrevious).toBe(true);
          pages.push(d.page.customers.map((c: Row) => c.customerId));
        }
        expect(pages.map((p) => p.length)).toEqual([50, 50, 23]);
        expect(pages.flat()).toEqual(expected);
        expect(d.page.groupCustomers).toBe(123);
        // Back from the last page: the same pages in reverse.
        const back: string[][] = [pages.at(-1)!];
        while (d.page.hasPrevious) {
          d = await data(SHOP, `/app/segments/at_risk?${query}&before=${cursorParam(d.page.previousCursor)}`);
          expect(d.page.hasNext).toBe(true);
          back.unshift(d.page.customers.map((c: Row) => c.customerId));
        }
        expect(back).toEqual(pages);
      });
    }
  }

  it("rows carry R, F, M, churn, value, spend, recency, traits and the holdout flag; nothing personal", async () => {
    const d = await data(SHOP, "/app/segments/cant_lose_them?sort=recency&dir=desc");
    expect(d.group).toEqual({ key: "cant_lose_them", kind: "segment", name: "Can't Lose Them", description: null });
    expect(d.currency).toBe("EUR");
    expect(d.page.customers).toEqual([
      { customerId: "7003", segment: "cant_lose_them", segmentName: "Can't Lose Them", r: 1, f: 5, m: 5, churnProbability: 0.87654, predictedClv12m: 412.5, monetaryMinor: "98765", recencyDays: 140, traits: ["discount_seeker", "vip_at_risk"], holdout: true },
      { customerId: "7002", segment: "cant_lose_them", segmentName: "Can't Lose Them", r: 2, f: 4, m: 5, churnProbability: 0.123456, predictedClv12m: 55.555, monetaryMinor: "1000000", recencyDays: 100, traits: ["category_specialist"], holdout: false },
      { customerId: "7001", segment: "cant_lose_them", segmentName: "Can't Lose Them", r: 2, f: 5, m: 4, churnProbability: 0.5, predictedClv12m: 0, monetaryMinor: "5", recencyDays: 95, traits: [], holdout: false },
    ]);
    expect(d.page).toMatchObject({ hasNext: false, hasPrevious: false, groupCustomers: 3, matchingCustomers: 3 });
    expect(JSON.stringify(d)).not.toMatch(/email|firstName|lastName/i);
  });
});

describe("segment page: filters and groups", () => {
  /** All ids of a filtered list, walking the pages. */
  async function allIds(shop: string, path: string): Promise<{ ids: string[]; matching: number; total: number }> {
    const ids: string[] = [];
    let d = await data(shop, path);
    ids.push(...d.page.customers.map((c: Row) => c.customerId));
    while (d.page.hasNext) {
      d = await data(shop, `${path}${path.includes("?") ? "&" : "?"}after=${cursorParam(d.page.nextCursor)}`);
      ids.push(...d.page.customers.map((c: Row) => c.customerId));
    }
    return { ids, matching: d.page.matchingCustomers, total: d.page.groupCustomers };
  }
  const ids = (rows: Seed[]) => rows.map((s) => String(s.id)).sort();

  it("churn bands: [0, 25 %), [25, 50 %), [50, 75 %), [75 %, 100 %], edges in the upper band", async () => {
    const bands: [string, (c: number) => boolean][] = [
      ["lt25", (c) => c < 0.25],
      ["25to50", (c) => c >= 0.25 && c < 0.5],
      ["50to75", (c) => c >= 0.5 && c < 0.75],
      ["ge75", (c) => c >= 0.75],
    ];
    let covered = 0;
    for (const [band, inBand] of bands) {
      const got = await allIds(SHOP, `/app/segments/at_risk?churn=${band}`);
      const want = AT_RISK.filter((s) => inBand(s.churn));
      expect(got.ids.sort(), band).toEqual(ids(want));
      expect(got.matching).toBe(want.length);
      expect(got.total).toBe(123);
      covered += want.length;
    }
    expect(covered).toBe(123);
    // By hand: churn cycles through 10 values over i = 0..122; 0.25, 0.3, 0.1+0.2 and 0.499999 are the
    // [25, 50 %) band: i % 10 in {1, 7, 8, 9} → 13 + 12 + 12 + 12 = 49.
    expect((await allIds(SHOP, "/app/segments/at_risk?churn=25to50")).ids).toHaveLength(49);
  });

  it("trait filter, trait pages and discovered-segment pages", async () => {
    const seekers = await allIds(SHOP, "/app/segments/at_risk?trait=discount_seeker");
    expect(seekers.ids.sort()).toEqual(ids(AT_RISK.filter((s) => s.traits.includes("discount_seeker"))));
    expect(seekers.matching).toBe(25);

    const vip = await allIds(SHOP, "/app/segments/trait:vip_at_risk");
    expect(vip.ids.sort()).toEqual(ids([...AT_RISK, ...CANT_LOSE].filter((s) => s.traits.includes("vip_at_risk"))));
    const both = await allIds(SHOP, "/app/segments/trait:vip_at_risk?trait=discount_seeker&churn=ge75");
    expect(both.ids.sort()).toEqual(ids([...AT_RISK, ...CANT_LOSE].filter((s) => s.traits.includes("vip_at_risk") && s.traits.includes("discount_seeker") && s.churn >= 0.75)));

    const cluster = await allIds(SHOP, "/app/segments/cluster:1?sort=spent&dir=asc");
    expect(cluster.ids.sort()).toEqual(ids([...AT_RISK, ...CHAMPIONS].filter((s) => s.clusterId === 1)));
    const page = await data(SHOP, "/app/segments/cluster:1");
    expect(page.group).toEqual({ key: "cluster:1", kind: "cluster", name: "Discovered segment 1", description: "frequent, high order value" });
    const trait = await data(SHOP, "/app/segments/trait:due_to_reorder");
    expect(trait.group.name).toBe("Due to reorder");
    expect(trait.page.customers.map((c: Row) => [c.customerId, c.segment])).toEqual([["1001", "champions"]]);
  });

  it("another shop's customers are never visible, even with the same ids", async () => {
    const mine = await allIds(SHOP, "/app/segments/at_risk?churn=50to75");
    expect(mine.ids.some((id) => id.startsWith("900"))).toBe(false);
    const theirs = await allIds(OTHER, "/app/segments/at_risk");
    expect(theirs.ids).toEqual(["9003", "9002", "9001"]);
    const hib = await data(OTHER, "/app/segments/hibernating");
    expect(hib.page.customers.map((c: Row) => [c.customerId, c.churnProbability])).toEqual([["5000", 0.99]]);
    expect((await data(SHOP, "/app/segments/hibernating")).page.customers).toEqual([]);
    expect((await data(OTHER, "/app/segments/trait:discount_seeker")).page.groupCustomers).toBe(3);
    // The other shop has no discovered segments: cluster pages are unknown there.
    expect((await app.loaderData(OTHER, "/app/segments/cluster:1", PAGE)).status).toBe(404);
  });

  it("answers 404 for unknown keys and discovered segments, 400 for malformed parameters, 401 to a forged token", async () => {
    for (const key of ["vip", "trait:nope", "cluster:7", "cluster:x", "At_Risk"]) {
      const response = await app.loaderData(SHOP, `/app/segments/${encodeURIComponent(key)}`, PAGE);
      expect(response.status, key).toBe(404);
      expect(await response.text()).toBe("Segment not found in this shop");
      expect((await resource(SHOP, `/app/segments/${encodeURIComponent(key)}/csv`)).status, key).toBe(404);
    }
    for (const q of ["sort=email", "dir=sideways", "churn=90", "trait=nope", "after=abc", "sort=r&after=0.5_1"]) {
      const response = await app.loaderData(SHOP, `/app/segments/at_risk?${q}`, PAGE);
      expect(response.status, q).toBe(400);
    }
    expect((await resource(SHOP, "/app/segments/at_risk/csv?churn=high")).status).toBe(400);
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app/segments/at_risk", PAGE, { authorization: `Bearer ${forged}` })).status).toBe(401);
    const csv = await app.handle(new Request(new URL("/app/segments/at_risk/csv", app.appUrl), { headers: { authorization: `Bearer ${forged}` } }));
    expect(csv.status).toBe(401);
  });
});

describe("segment page: rendered", () => {
  it("shows the customers in the shop's currency with links to the Shopify admin (top frame) and the app's customer page", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/segments/cant_lose_them")));
    expect(response.status).toBe(200);
    const html = renderedText(await response.text());
    expect(html).toContain("Can&#x27;t Lose Them");
    // 7003: €412.50 predicted, €987.65 spent, 88 % churn; 7002: €10,000.00 spent.
    for (const cell of ["€412.50", "€987.65", "88 %", "€10,000.00", "€55.56", "Discount seeker, VIP at risk", "Holdout"]) expect(html).toContain(`>${cell}<`);
    expect(html).toContain('href="shopify:admin/customers/7003" target="_top"');
    expect(html).toContain('href="/app/customers/7002"');
    expect(html).toContain("Export all 3 (CSV)");
  });

  it("empty segments and filters that match nobody have their own states; an unknown key its error page", async () => {
    const empty = renderedText(await (await app.handle(new Request(await app.documentUrl(SHOP, "/app/segments/promising")))).text());
    expect(empty).toContain("No customer here yet");
    const none = renderedText(await (await app.handle(new Request(await app.documentUrl(SHOP, "/app/segments/champions?churn=ge75")))).text());
    expect(none).toContain("No customer matches these filters");
    const missing = await app.handle(new Request(await app.documentUrl(SHOP, "/app/segments/vip")));
    expect(missing.status).toBe(404);
    const html = renderedText(await missing.text());
    expect(html).toContain("Segment not found in this shop");
    expect(html).toContain('href="/app/segments"');
  });
});

describe("database failures", () => {
  it("the index and a segment page render their error state (500), the export answers 500 before sending a byte", async () => {
    allowConsole(/segments test: connection lost/, "error");
    const fail = () => vi.spyOn(pg.pool, "query").mockRejectedValueOnce(new Error("segments test: connection lost"));
    for (const [path, text] of [
      ["/app/segments", "The segments could not be loaded"],
      ["/app/segments/at_risk", "This segment could not be loaded"],
    ]) {
      const query = fail();
      try {
        const response = await app.handle(new Request(await app.documentUrl(SHOP, path)));
        expect(response.status, path).toBe(500);
        const html = renderedText(await response.text());
        expect(html).toContain(text);
        expect(html).not.toContain("connection lost");
      } finally {
        query.mockRestore();
      }
    }
    const query = fail();
    try {
      const response = await resource(SHOP, "/app/segments/at_risk/csv");
      expect(response.status).toBe(500);
      expect(response.headers.get("content-disposition")).toBeNull();
    } finally {
      query.mockRestore();
    }
  });
});

describe("CSV export", () => {
  it("a small segment's exact bytes: header, customers in id order, RFC 4180, attachment with a file name", async () => {
    const response = await resource(SHOP, "/app/segments/cant_lose_them/csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="segment-cant_lose_them-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(await response.text()).toBe(
      "customer_id,segment,r,f,m,frequency,recency_days,monetary,churn_probability,churn_model,predicted_clv_12m,expected_next_order_date,traits,holdout,scored_at\r\n" +
        "7001,cant_lose_them,2,5,4,7,95,0.05,0.5000,bgnbd,0.00,,,false,2026-11-22T06:30:00.000Z\r\n" +
        "7002,cant_lose_them,2,4,5,6,100,10000.00,0.1235,heuristic,55.56,2027-01-15,category_specialist,false,2026-11-22T06:30:00.000Z\r\n" +
        "7003,cant_lose_them,1,5,5,9,140,987.65,0.8765,supervised,412.50,2026-12-03,discount_seeker;vip_at_risk,true,2026-11-22T06:30:00.000Z\r\n",
    );
  });

  it("trait exports carry each customer's own segment; filters apply; another shop's rows never appear", async () => {
    const text = await (await resource(SHOP, "/app/segments/trait:discount_seeker/csv?churn=ge75")).text();
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    const want = [...AT_RISK, ...CANT_LOSE].filter((s) => s.traits.includes("discount_seeker") && s.churn >= 0.75).map((s) => String(s.id)).sort((a, b) => Number(a) - Number(b));
    expect(rows.map((r) => r.customer_id)).toEqual(want);
    expect(rows.find((r) => r.customer_id === "7003")).toMatchObject({ segment: "cant_lose_them", traits: "discount_seeker;vip_at_risk" });
    const other = parseCsv(await (await resource(OTHER, "/app/segments/at_risk/csv")).text(), { columns: true }) as Record<string, string>[];
    expect(other.map((r) => r.customer_id)).toEqual(["9001", "9002", "9003"]);
    const empty = await (await resource(SHOP, "/app/segments/promising/csv")).text();
    expect(empty).toBe("customer_id,segment,r,f,m,frequency,recency_days,monetary,churn_probability,churn_model,predicted_clv_12m,expected_next_order_date,traits,holdout,scored_at\r\n");
  });

  it(`streams ${BIG_N.toLocaleString("en")} customers in many chunks, each a bounded batch, every customer once and in order`, async () => {
    const response = await resource(BIG, "/app/segments/at_risk/csv");
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let chunks = 0;
    let largestChunkLines = 0;
    let rest = "";
    let header = "";
    let expectedId = 1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      const text = rest + decoder.decode(value, { stream: true });
      const lines = text.split("\r\n");
      rest = lines.pop()!;
      largestChunkLines = Math.max(largestChunkLines, lines.length);
      for (const line of lines) {
        if (!header) {
          header = line;
          continue;
        }
        const g = expectedId;
        // The generated row g, by hand: frequency 1 + g % 9, recency g % 365, spent g*100 + g%100
        // hundredths, R 1 + g % 5, F 1 + g % 4, M 1 + g % 3, churn (g % 1000)/1000, value g/8
        // (12.5 g hundredths, an odd g's half cent rounded up).
        const spent = g * 100 + (g % 100);
        const value = Math.floor((25 * g + 1) / 2);
        const expected = [
          g,
          "at_risk",
          1 + (g % 5),
          1 + (g % 4),
          1 + (g % 3),
          1 + (g % 9),
          g % 365,
          `${Math.floor(spent / 100)}.${String(spent % 100).padStart(2, "0")}`,
          `0.${String(g % 1000).padStart(3, "0")}0`,
          "bgnbd",
          `${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}`,
          "",
          g % 2 === 0 ? "discount_seeker" : "",
          g % 10 === 0 ? "true" : "false",
          "2026-11-22T06:30:00.000Z",
        ].join(",");
        if (line !== expected) expect(line, `row ${g}`).toBe(expected);
        expectedId++;
      }
    }
    expect(rest).toBe("");
    expect(header.startsWith("customer_id,segment,")).toBe(true);
    expect(expectedId - 1).toBe(BIG_N);
    // The header with the first 2,000-row batch, then one chunk per batch: the body is produced as it is read.
    expect(chunks).toBeGreaterThanOrEqual(BIG_N / 2000);
    expect(largestChunkLines).toBeLessThanOrEqual(2001);
  });

  it("a client that stops reading early cancels the export cleanly", async () => {
    const response = await resource(BIG, "/app/segments/at_risk/csv");
    const reader = response.body!.getReader();
    await reader.read();
    const second = await reader.read();
    expect(second.done).toBe(false);
    await reader.cancel();
    // The pool is still usable (no connection left checked out by the export).
    const d = await data(BIG, "/app/segments/at_risk?sort=churn&dir=desc");
    expect(d.page.customers[0]).toMatchObject({ customerId: "19999", churnProbability: 0.999 });
    expect(pg.pool.waitingCount).toBe(0);
  });
});
