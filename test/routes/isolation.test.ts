// Two shops whose customers have the same numeric ids: no page, export or data request of
// one shop shows the other's data, and one shop's session token opens only its own pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRemixApp, type RemixApp } from "../support/remix-app";
import { removeShops, scoreRow } from "../support/score-seed";

const A = `iso-a-${process.pid}.myshopify.com`;
const B = `iso-b-${process.pid}.myshopify.com`;
const AS_OF = new Date("2026-11-22T06:30:00Z");
const IDS = [4101, 4102, 4103];
let app: RemixApp;
let db: typeof import("../../app/db.server");
let dataRequests: typeof import("../../app/models/data-requests.server");
const shopIds: Record<string, string> = {};

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  dataRequests = await app.import("models/data-requests.server.ts");
  for (const domain of [A, B]) {
    app.addShop(domain);
    expect((await app.handle(new Request(await app.documentUrl(domain, "/app")))).status).toBe(200);
    shopIds[domain] = (await db.prisma.shop.findUniqueOrThrow({ where: { domain } })).id;
  }
  // Same ids; shop A's are Champions worth 1,111.00, shop B's Hibernating worth 2.22.
  for (const [domain, segment, money, churn] of [[A, "champions", 111_100n, 0.11], [B, "hibernating", 222n, 0.99]] as const) {
    await db.prisma.customer.createMany({ data: IDS.map((id) => ({ shopId: shopIds[domain], id: BigInt(id) })) });
    await db.prisma.customerScore.createMany({
      data: IDS.map((id) => ({ ...scoreRow(shopIds[domain], { id, segment, monetaryMinor: money, churnProbability: churn }, AS_OF), traits: segment === "champions" ? ["due_to_reorder"] : ["one_and_done"] })),
    });
  }
});

afterAll(async () => {
  if (db) await removeShops(db.prisma, [A, B]);
  await app?.close();
});

describe("shop isolation", () => {
  it("the customer page shows the asking shop's score for a shared id", async () => {
    for (const [domain, segment] of [[A, "champions"], [B, "hibernating"]] as const) {
      const res = await app.loaderData(domain, `/app/customers/${IDS[0]}`, "routes/app.customers.$id");
      expect(res.status).toBe(200);
      const d = await res.json();
      expect(d.score.segment).toBe(segment);
      expect(d.score.traits.map((t: { key: string }) => t.key)).toEqual([segment === "champions" ? "due_to_reorder" : "one_and_done"]);
    }
  });

  it("a segment export holds only the shop's own customers", async () => {
    const res = await app.handle(
      new Request(new URL(`/app/segments/champions/csv`, app.appUrl), { headers: { authorization: `Bearer ${await app.sessionToken(B)}` } }),
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines.length).toBe(1); // header only: B has no Champions, A's are not B's
    const ofA = await app.handle(new Request(new URL(`/app/segments/champions/csv`, app.appUrl), { headers: { authorization: `Bearer ${await app.sessionToken(A)}` } }));
    expect((await ofA.text()).trim().split(/\r?\n/).length).toBe(1 + IDS.length);
  });

  it("a data request of one shop cannot be downloaded by the other, and records only its own data", async () => {
    const id = await dataRequests.recordDataRequest({ id: shopIds[A], domain: A }, BigInt(IDS[1]), "77");
    const rec = await dataRequests.loadDataRequest(A, id);
    expect((rec!.record as { score: { segment: string } }).score.segment).toBe("champions");
    expect(await dataRequests.loadDataRequest(B, id)).toBeNull();
    const asB = await app.handle(new Request(new URL(`/app/data-requests/${id}`, app.appUrl), { headers: { authorization: `Bearer ${await app.sessionToken(B)}` } }));
    expect(asB.status).toBe(404);
    const asA = await app.handle(new Request(new URL(`/app/data-requests/${id}`, app.appUrl), { headers: { authorization: `Bearer ${await app.sessionToken(A)}` } }));
    expect(asA.status).toBe(200);
    expect(asA.headers.get("content-disposition")).toMatch(/^attachment; filename="data-request-77-\d{4}-\d{2}-\d{2}\.json"$/);
    expect((await dataRequests.listDataRequests(B)).length).toBe(0);
  });

  it("shop A's session token with shop B named in the URL still sees only shop A", async () => {
    const token = await app.sessionToken(A);
    const res = await app.handle(
      new Request(new URL(`/app/customers/${IDS[0]}?shop=${B}&_data=${encodeURIComponent("routes/app.customers.$id")}`, app.appUrl), { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).score.segment).toBe("champions");
  });
});
