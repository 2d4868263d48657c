// routes/app.customers.$id through Remix's request handler with an
// authenticated embedded request: one customer of this shop, 404 for anything
// else, and the page in the shop's currency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgedSessionToken, startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, seedScores } from "../support/score-seed";

const SHOP = `routes-cust-${process.pid}.myshopify.com`;
const OTHER = `routes-cust-other-${process.pid}.myshopify.com`;
const ROUTE = "routes/app.customers.$id";
const AS_OF = new Date("2026-11-22T12:34:00Z");
let app: RemixApp;
let db: typeof import("../../app/db.server");

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  for (const domain of [SHOP, OTHER]) {
    app.addShop(domain);
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
  }
  const shop = await db.prisma.shop.update({ where: { domain: SHOP }, data: { currency: "EUR" } });
  await seedScores(
    db.prisma,
    shop.id,
    [
      { id: 1000, segment: "champions", holdout: true, monetaryMinor: 12_345n, churnProbability: 0.125, pAlive: 0.875, predictedClv12m: 55.5 },
      { id: 1001, segment: "at_risk", deleted: true },
    ],
    [
      { customerId: 1000, from: null, to: "loyal_customers", daysAgo: 40, why: "first score" },
      { customerId: 1000, from: "loyal_customers", to: "champions", daysAgo: 5, why: "ordered again" },
    ],
    AS_OF,
  );
  await db.prisma.customer.create({ data: { shopId: shop.id, id: 1002n } });
  const other = await db.prisma.shop.findUniqueOrThrow({ where: { domain: OTHER } });
  await seedScores(db.prisma, other.id, [{ id: 2000, segment: "hibernating" }], [], AS_OF);
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [SHOP, OTHER]);
  await app?.close();
});

describe("customer loader", () => {
  it("returns the customer's score, explanation and history", async () => {
    const response = await app.loaderData(SHOP, "/app/customers/1000", ROUTE);
    expect(response.status).toBe(200);
    const d = await response.json();
    expect(d).toMatchObject({ customerId: "1000", currency: "EUR", deleted: false });
    expect(d.score).toMatchObject({
      asOf: "2026-11-22T12:34:00.000Z",
      segment: "champions",
      segmentName: "Champions",
      monetaryMinor: "12345",
      churnProbability: 0.125,
      pAlive: 0.875,
      holdout: true,
      model: "heuristic",
    });
    expect(d.score.reasons).toEqual([
      "R 4: last order 10 days ago, more recent than 72 % of customers",
      "F 2: 2 orders, more than 40 % of repeat customers",
      "M 3: spent 123.45 in total, more than 50 % of customers",
      "Champions: R 4 and F 2 fall in this cell of the segment map",
      "13 % chance of no order in the next 90 days (simple rule: last order 10 days ago vs. a typical gap of 30 days between orders in this shop)",
    ]);
    expect(d.transitions.map((t: { fromSegment: string | null; toSegment: string; why: string }) => [t.fromSegment, t.toSegment, t.why])).toEqual([
      ["loyal_customers", "champions", "ordered again"],
      [null, "loyal_customers", "first score"],
    ]);
    expect(JSON.stringify(d)).not.toMatch(/email|firstName|lastName/i);
  });

  it("a deleted customer is shown as deleted; one without a score has score null", async () => {
    expect(await (await app.loaderData(SHOP, "/app/customers/1001", ROUTE)).json()).toMatchObject({ customerId: "1001", deleted: true });
    expect(await (await app.loaderData(SHOP, "/app/customers/1002", ROUTE)).json()).toMatchObject({ customerId: "1002", score: null, transitions: [] });
  });

  it("answers 404 for another shop's customer, an unknown id and a malformed id", async () => {
    for (const id of ["2000", "999999", "12abc"]) {
      const response = await app.loaderData(SHOP, `/app/customers/${id}`, ROUTE);
      expect(response.status, id).toBe(404);
      expect(await response.text(), id).toBe("Customer not found in this shop");
    }
    // The other shop sees its own customer.
    expect((await app.loaderData(OTHER, "/app/customers/2000", ROUTE)).status).toBe(200);
  });

  it("answers 401 to a forged session token", async () => {
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    expect((await app.loaderData(SHOP, "/app/customers/1000", ROUTE, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });
});

describe("customer page", () => {
  it("renders the figures in the shop's currency", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/customers/1000")));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Customer 1000");
    for (const figure of ["13 %", "0.70", "€55.50", "€123.45", "88 %", "2026-11-22 12:34 UTC"]) expect(html).toContain(`>${figure}<`);
    expect(html).toContain("Holdout group");
    expect(html).toContain("ordered again");
  });

  it("a customer of another shop renders the 404 message, not a crash", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/customers/2000")));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Customer not found in this shop");
  });
});
