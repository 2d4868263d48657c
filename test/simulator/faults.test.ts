import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore } from "./generator";
import { faultsOf, type FaultInjector } from "./faults";
import { startSimulator, type RunningSimulator } from "./server";

const SHOP = "faulty.myshopify.com";
const OTHER = "steady.myshopify.com";
let sim: RunningSimulator;
let faults: FaultInjector;
const tokens: Record<string, string> = {};

const TAGS_ADD = `mutation Tag($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }`;
const SHOP_NAME = `{ shop { name } }`;

function gql(query: string, variables: Record<string, unknown> = {}, shop = SHOP, signal?: AbortSignal) {
  return fetch(`${sim.url}/store/${shop}/admin/api/2026-01/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": tokens[shop] },
    body: JSON.stringify({ query, variables }),
    signal,
  });
}

let customerId: number;
const tagsOf = () => sim.ctx.shops.get(SHOP)!.customers.get(customerId)!.tags;

beforeAll(async () => {
  sim = await startSimulator({ options: { bulkRunMs: 10 } });
  faults = faultsOf(sim.state);
  for (const domain of [SHOP, OTHER]) {
    sim.ctx.shops.set(domain, generateStore({ domain, seed: 3, customers: 5, years: 1 }).shop);
    tokens[domain] = sim.ctx.hooks!.issueAccessToken(domain);
  }
  customerId = [...sim.ctx.shops.get(SHOP)!.customers.keys()][0];
});
afterAll(async () => sim.close());

describe("fault injection", () => {
  it("failNext answers the status with Shopify's edge body, runs nothing, and only for the shop and request it names", async () => {
    faults.failNext(SHOP, { status: 503, match: "tagsAdd", count: 2 });
    const id = `gid://shopify/Customer/${customerId}`;
    expect((await gql(SHOP_NAME)).status).toBe(200); // another operation
    expect((await gql(TAGS_ADD, { id, tags: ["x"] }, OTHER)).status).toBe(200); // another shop (unknown id there: a user error, still 200)
    for (let i = 0; i < 2; i++) {
      const r = await gql(TAGS_ADD, { id, tags: ["vip"] });
      expect(r.status).toBe(503);
      expect(r.headers.get("x-request-id")).toBeTruthy();
      expect(await r.json()).toEqual({ errors: "Service Unavailable" });
    }
    expect(tagsOf()).not.toContain("vip");
    expect((await gql(TAGS_ADD, { id, tags: ["vip"] })).status).toBe(200);
    expect(tagsOf()).toContain("vip");
    expect(faults.remaining(SHOP)).toBe(0);
  });

  it("matches the variables too (one customer's writes)", async () => {
    const id = `gid://shopify/Customer/${customerId}`;
    faults.failNext(SHOP, { status: 500, match: `${id}"` });
    expect((await gql(SHOP_NAME)).status).toBe(200);
    expect((await gql(TAGS_ADD, { id, tags: ["y"] })).status).toBe(500);
    expect(tagsOf()).not.toContain("y");
  });

  it("hangNext never answers and never runs the request; lateNext runs it and answers late", async () => {
    const id = `gid://shopify/Customer/${customerId}`;
    faults.hangNext(SHOP, { match: "tagsAdd" });
    await expect(gql(TAGS_ADD, { id, tags: ["hung"] }, SHOP, AbortSignal.timeout(300))).rejects.toThrow(/timeout|aborted/i);
    expect(tagsOf()).not.toContain("hung");

    faults.lateNext(SHOP, { match: "tagsAdd", delayMs: 400 });
    const started = Date.now();
    await expect(gql(TAGS_ADD, { id, tags: ["late"] }, SHOP, AbortSignal.timeout(150))).rejects.toThrow(/timeout|aborted/i);
    expect(tagsOf()).toContain("late"); // it ran: the answer was lost, not the write
    faults.lateNext(SHOP, { match: "tagsAdd", delayMs: 200 });
    const r = await gql(TAGS_ADD, { id, tags: ["slow"] });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(faults.hits.filter((x) => x.shop === SHOP).map((x) => x.kind)).toEqual(["fail", "fail", "fail", "hang", "late", "late"]);
  });

  it("throttleStorm answers THROTTLED with the bucket nearly empty, for that shop only, until it ends", async () => {
    faults.throttleStorm(SHOP, { durationMs: 300 });
    const r = await gql(SHOP_NAME);
    const body = (await r.json()) as { errors: { extensions: { code: string } }[]; extensions: { cost: { throttleStatus: { currentlyAvailable: number } } } };
    expect(body.errors[0].extensions.code).toBe("THROTTLED");
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(1);
    expect((await gql(SHOP_NAME, {}, OTHER)).status).toBe(200);
    expect(((await (await gql(SHOP_NAME, {}, OTHER)).json()) as { errors?: unknown }).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_000)); // the storm is over and 1 s refills the standard plan's 100 points
    expect(((await (await gql(SHOP_NAME)).json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it("rejects bad rules with a clear error", () => {
    expect(() => faults.failNext(SHOP, { status: 404 as 500 })).toThrow(/500, 502, 503 or 504/);
    expect(() => faults.hangNext(SHOP, { count: 0 })).toThrow(/positive integer/);
    expect(() => faults.lateNext(SHOP, { delayMs: 0 })).toThrow(/positive/);
    expect(() => faults.lateNext(SHOP, { target: "bulk-file", delayMs: 10 })).toThrow(/only Admin GraphQL/);
    expect(faults.remaining(SHOP)).toBe(0);
  });
});
