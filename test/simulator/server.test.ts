// End-to-end tests of the simulator's HTTP server (GraphQL, OAuth, bulk, uploads) over real HTTP on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { startSimulator, type RunningSimulator } from "./server";
import type { SimCustomer, SimOrder, SimShop, Plan } from "./model";

const NOW = new Date("2026-11-22T12:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Tiny local fixture builder (independent of the generator, so these tests pin exact numbers). */
function buildShop(domain: string, opts: { customers?: number; ordersPer?: number; plan?: Plan; scopes?: string[] } = {}): SimShop {
  const shop: SimShop = {
    domain,
    name: domain.split(".")[0],
    currency: "USD",
    plan: opts.plan ?? "standard",
    grantedScopes: opts.scopes ?? ["read_customers", "write_customers", "read_orders", "read_all_orders"],
    customers: new Map(),
    orders: new Map(),
  };
  let oid = 5000;
  let lid = 90000;
  for (let i = 1; i <= (opts.customers ?? 10); i++) {
    const c: SimCustomer = {
      id: i,
      createdAt: iso(NOW.getTime() - 400 * DAY + i * DAY),
      updatedAt: iso(NOW.getTime() - 100 * DAY + i * DAY),
      tags: i % 2 ? ["vip"] : [],
      metafields: [],
    };
    shop.customers.set(i, c);
    for (let k = 0; k < (opts.ordersPer ?? 3); k++) {
      const t = NOW.getTime() - (k * 50 + i) * DAY; // k=0 recent, k=2 ~100+ days ago
      const o: SimOrder = {
        id: ++oid,
        name: `#${oid}`,
        customerId: i,
        createdAt: iso(t),
        processedAt: iso(t),
        updatedAt: iso(t),
        cancelledAt: null,
        test: false,
        shopCurrency: "USD",
        presentmentCurrency: "EUR",
        totalShopMinor: 1000 * (k + 1),
        totalPresentmentMinor: 900 * (k + 1),
        discountCodes: [],
        lineItems: [
          { id: ++lid, productId: 1, productType: "Shirts", quantity: 1, shopMinor: 500 * (k + 1) },
          { id: ++lid, productId: 2, productType: "Hats", quantity: 2, shopMinor: 500 * (k + 1) },
        ],
        refunds: k === 1 ? [{ id: ++lid, createdAt: iso(t + DAY), shopMinor: 300, presentmentMinor: 270 }] : [],
      };
      shop.orders.set(o.id, o);
    }
  }
  return shop;
}

let clock = NOW.getTime();
let sim: RunningSimulator;
const SHOP = "alpha.myshopify.com";
let token: string;

async function gql(query: string, variables?: Record<string, unknown>, shop = SHOP, tok = token) {
  const res = await fetch(`${sim.url}/store/${shop}/admin/api/2026-01/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": tok },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  sim = await startSimulator({ now: () => new Date(clock), options: { bulkStartDelayMs: 5, bulkRunMs: 10, flowTriggerHandles: ["segment-changed"] } });
  sim.ctx.shops.set(SHOP, buildShop(SHOP, { customers: 12 }));
  token = sim.ctx.hooks!.issueAccessToken(SHOP);
});
afterAll(async () => sim.close());
afterEach(() => {
  clock = NOW.getTime();
});

describe("auth", () => {
  it("rejects a missing or foreign token with 401", async () => {
    expect((await gql("{ shop { name } }", undefined, SHOP, "nope")).status).toBe(401);
    sim.ctx.shops.set("beta.myshopify.com", buildShop("beta.myshopify.com", { customers: 1 }));
    const other = sim.ctx.hooks!.issueAccessToken("beta.myshopify.com");
    expect((await gql("{ shop { name } }", undefined, SHOP, other)).status).toBe(401);
  });

  it("token exchange: a session token signed with the secret yields an offline token; bad signature is rejected", async () => {
    const idToken = await sim.ctx.hooks!.sessionToken(SHOP);
    const ask = (subject: string, type = "urn:shopify:params:oauth:token-type:offline-access-token") =>
      fetch(`${sim.url}/store/${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({
          client_id: sim.ctx.config.apiKey,
          client_secret: sim.ctx.config.apiSecret,
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: subject,
          subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
          requested_token_type: type,
        }),
      });
    const ok = await ask(idToken);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as any;
    expect(Object.keys(body).sort()).toEqual(["access_token", "scope"]);
    expect(body.scope).toBe("read_customers,write_customers,read_orders,read_all_orders");
    expect((await gql("{ shop { myshopifyDomain } }", undefined, SHOP, body.access_token)).body.data.shop.myshopifyDomain).toBe(SHOP);

    const online = (await (await ask(idToken, "urn:shopify:params:oauth:token-type:online-access-token")).json()) as any;
    expect(online.expires_in).toBeGreaterThan(0);
    expect(online.associated_user.id).toBe(1);
    expect(online.associated_user_scope).toBeTruthy();

    const forged = await new SignJWT({ dest: `https://${SHOP}`, aud: sim.ctx.config.apiKey, sub: "1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(Math.floor(clock / 1000))
      .setExpirationTime(Math.floor(clock / 1000) + 60)
      .sign(new TextEncoder().encode("wrong-secret"));
    const bad = await ask(forged);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toBe("invalid_subject_token");
  });
});

describe("rate limiting", () => {
  it("charges requested cost, refunds to actual, reports exact throttle status with a fake clock", async () => {
    sim.ctx.hooks!.setRateLimit("gamma.myshopify.com", {});
    sim.ctx.shops.set("gamma.myshopify.com", buildShop("gamma.myshopify.com", { customers: 3 }));
    const tok = sim.ctx.hooks!.issueAccessToken("gamma.myshopify.com");
    const q = "{ customers(first: 10) { edges { node { id } } } }";
    const r1 = await gql(q, undefined, "gamma.myshopify.com", tok);
    // 2 + 10 x 1 requested; 3 customers returned -> 2 + 3 actual.
    expect(r1.body.extensions.cost.requestedQueryCost).toBe(12);
    expect(r1.body.extensions.cost.actualQueryCost).toBe(5);
    expect(r1.body.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1995, restoreRate: 100 });
    for (let i = 0; i < 4; i++) await gql(q, undefined, "gamma.myshopify.com", tok);
    const r = await gql(q, undefined, "gamma.myshopify.com", tok);
    expect(r.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000 - 6 * 5);
    clock += 100; // 0.1 s -> +10 points
    const r7 = await gql(q, undefined, "gamma.myshopify.com", tok);
    expect(r7.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000 - 7 * 5 + 10);
  });

  it("answers THROTTLED when the bucket cannot afford the requested cost, and restores over time", async () => {
    const shop = "delta.myshopify.com";
    sim.ctx.shops.set(shop, buildShop(shop, { customers: 2 }));
    sim.ctx.hooks!.setRateLimit(shop, { restoreRate: 50, maximumAvailable: 100 });
    const tok = sim.ctx.hooks!.issueAccessToken(shop);
    const q = "{ customers(first: 49) { edges { node { id } } } }"; // requested 51
    const a = await gql(q, undefined, shop, tok);
    expect(a.body.errors).toBeUndefined();
    expect(a.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(100 - 4);
    const m = "mutation { tagsAdd(id: \"gid://shopify/Customer/1\", tags: [\"x\"]) { userErrors { field message } } }";
    for (let i = 0; i < 8; i++) expect((await gql(m, undefined, shop, tok)).body.errors).toBeUndefined(); // 8 x 10
    const t = await gql(q, undefined, shop, tok); // 16 left < 51
    expect(t.status).toBe(200);
    expect(t.body.errors[0]).toMatchObject({ message: "Throttled", extensions: { code: "THROTTLED" } });
    expect(t.body.extensions.cost).toMatchObject({ requestedQueryCost: 51, actualQueryCost: null, throttleStatus: { currentlyAvailable: 16, maximumAvailable: 100, restoreRate: 50 } });
    expect(t.body.data).toBeUndefined();
    clock += 1000; // +50
    const ok = await gql(q, undefined, shop, tok);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(66 - 4);
  });

  it("computes static cost with nesting and rejects > 1000 with MAX_COST_EXCEEDED", async () => {
    const q = `{ shop { id plan { shopifyPlus } } orders(first: 10) { edges { node { id customer { id } lineItems(first: 5) { edges { node { id product { id } } } } } } } }`;
    // shop 1 + plan 1 = 2; orders: 2 + 10 x (1 + customer 1 + lineItems (2 + 5 x (1 + 1)))
    const r = await gql(q);
    expect(r.body.extensions.cost.requestedQueryCost).toBe(2 + 2 + 10 * (1 + 1 + 12));
    const big = await gql("{ customers(first: 250) { edges { node { id orders(first: 5) { edges { node { id } } } } } } }");
    expect(big.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    expect(big.body.errors[0].extensions.cost).toBe(2 + 250 * (1 + 2 + 5));
    expect((await gql("mutation { segmentDelete(id: \"gid://shopify/Segment/1\") { userErrors { message } } }")).body.extensions.cost.requestedQueryCost).toBe(10);
  });
});

describe("queries", () => {
  it("paginates customers with cursors and filters by updated_at", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql("query($after: String) { customers(first: 5, after: $after) { edges { cursor node { id legacyResourceId } } pageInfo { hasNextPage endCursor } } }", { after });
      const c = r.body.data.customers;
      ids.push(...c.edges.map((e: any) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const since = iso(NOW.getTime() - 100 * DAY + 8 * DAY);
    for (const q of [`updated_at:>='${since}'`, `updated_at:>=${since}`, `updated_at:>="${since}"`]) {
      const r = await gql("query($q: String) { customers(first: 50, query: $q) { edges { node { legacyResourceId } } } }", { q });
      expect(r.body.data.customers.edges.map((e: any) => e.node.legacyResourceId)).toEqual(["8", "9", "10", "11", "12"]);
    }
  });

  it("serves customer fields, statistics and order money sets", async () => {
    const r = await gql(`{ customer(id: "gid://shopify/Customer/1") { id numberOfOrders amountSpent { amount currencyCode } statistics { rfmGroup predictedSpendTier }
      orders(first: 5, sortKey: PROCESSED_AT) { edges { node { name processedAt totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      currentTotalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } refunds { id totalRefundedSet { shopMoney { amount } } } customer { id } } } } } }`);
    const c = r.body.data.customer;
    expect(c.numberOfOrders).toBe("3");
    expect(c.amountSpent).toEqual({ amount: "57.0", currencyCode: "USD" });
    expect(["CHAMPIONS", "NEW", "LOYAL", "ACTIVE", "PROMISING"]).toContain(c.statistics.rfmGroup);
    const refunded = c.orders.edges.find((e: any) => e.node.refunds.length);
    expect(refunded.node.totalRefundedSet.shopMoney.amount).toBe("3.0");
    expect(refunded.node.currentTotalPriceSet.shopMoney.amount).toBe("17.0");
    expect(refunded.node.totalPriceSet.presentmentMoney).toEqual({ amount: "18.0", currencyCode: "EUR" });
  });

  it("hides orders older than 60 days without read_all_orders (queries and bulk)", async () => {
    const shop = "recent.myshopify.com";
    sim.ctx.shops.set(shop, buildShop(shop, { customers: 4, scopes: ["read_customers", "write_customers", "read_orders"] }));
    const tok = sim.ctx.hooks!.issueAccessToken(shop);
    const r = await gql("{ orders(first: 50) { edges { node { processedAt } } } }", undefined, shop, tok);
    const dates = r.body.data.orders.edges.map((e: any) => Date.parse(e.node.processedAt));
    expect(dates.length).toBe(8); // k=0 and k=1 (50+i days) for 4 customers
    for (const d of dates) expect(NOW.getTime() - d).toBeLessThanOrEqual(60 * DAY);
    const lines = await runBulk("{ orders { edges { node { id processedAt } } } }", shop, tok);
    expect(lines.length).toBe(8);
  });
});

describe("products and discounts", () => {
  const GOODS = "goods.myshopify.com";
  let goodsToken: string;
  beforeAll(() => {
    const shop = buildShop(GOODS, { customers: 1, ordersPer: 1, scopes: ["read_customers", "read_orders", "read_all_orders", "read_products"] });
    const order = [...shop.orders.values()][0];
    order.discountCodes = ["VIP20"];
    order.lineItems[0].discountMinor = 125; // the simulator allocates every discount to lines
    order.lineItems[1].discountMinor = 75;
    sim.ctx.shops.set(GOODS, shop);
    goodsToken = sim.ctx.hooks!.issueAccessToken(GOODS);
  });

  it("Order.totalDiscountsSet sums the line discounts; LineItem.originalTotalSet is before discounts", async () => {
    const r = await gql(`{ orders(first: 5) { nodes { totalDiscountsSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
      lineItems(first: 5) { nodes { quantity originalTotalSet { shopMoney { amount } } product { id productType } } } } } }`, undefined, GOODS, goodsToken);
    expect(r.body.errors).toBeUndefined();
    const [order] = r.body.data.orders.nodes;
    expect(order.totalDiscountsSet.shopMoney.amount).toBe("2.0");
    expect(order.totalDiscountsSet.presentmentMoney.currencyCode).toBe("EUR");
    expect(order.lineItems.nodes).toEqual([
      { quantity: 1, originalTotalSet: { shopMoney: { amount: "6.25" } }, product: { id: "gid://shopify/Product/1", productType: "Shirts" } },
      { quantity: 2, originalTotalSet: { shopMoney: { amount: "5.75" } }, product: { id: "gid://shopify/Product/2", productType: "Hats" } },
    ]);
  });

  it("nodes(ids:) resolves the shop's products (its line items' and the catalogue's), null for unknown ids", async () => {
    const ids = ["gid://shopify/Product/2", "gid://shopify/Product/8061536829709", "gid://shopify/Product/424242"];
    const r = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id legacyResourceId productType } } }", { ids }, GOODS, goodsToken);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.nodes).toEqual([
      { id: ids[0], legacyResourceId: "2", productType: "Hats" },
      { id: ids[1], legacyResourceId: "8061536829709", productType: "Grocery" },
      null,
    ]);
  });

  it("Product needs read_products: ACCESS_DENIED in queries and in bulk exports without it", async () => {
    const q = await gql(`{ nodes(ids: ["gid://shopify/Product/1"]) { ... on Product { productType } } }`);
    expect(q.body.errors[0].extensions.code).toBe("ACCESS_DENIED");
    expect(q.body.errors[0].message).toContain("read_products");
    const li = await gql("{ orders(first: 1) { nodes { lineItems(first: 1) { nodes { product { productType } } } } } }");
    expect(li.body.errors[0].extensions.code).toBe("ACCESS_DENIED");
    const run = await gql("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }", {
      q: "{ orders { edges { node { id lineItems { edges { node { id product { id productType } } } } } } } }",
    });
    await sim.ctx.hooks!.completeBulkOperations(SHOP);
    const op = (await gql(`{ bulkOperation(id: "${run.body.data.bulkOperationRunQuery.bulkOperation.id}") { status errorCode } }`)).body.data.bulkOperation;
    expect(op).toEqual({ status: "FAILED", errorCode: "ACCESS_DENIED" });
  });
});

async function runBulk(query: string, shop = SHOP, tok = token): Promise<any[]> {
  const r = await gql("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }", { q: query }, shop, tok);
  expect(r.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
  const op = r.body.data.bulkOperationRunQuery.bulkOperation;
  expect(op.status).toBe("CREATED");
  await sim.ctx.hooks!.completeBulkOperations(shop);
  const s = await gql("query($id: ID!) { bulkOperation(id: $id) { status url objectCount rootObjectCount fileSize errorCode completedAt } }", { id: op.id }, shop, tok);
  const b = s.body.data.bulkOperation;
  expect(b.status).toBe("COMPLETED");
  if (!b.url) return [];
  const text = await (await fetch(b.url)).text();
  expect(Number(b.fileSize)).toBe(Buffer.byteLength(text));
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

describe("bulk operations", () => {
  it("writes JSONL with __parentId links, children not adjacent to parents, and emits bulk_operations/finish", async () => {
    const hooks: any[] = [];
    const orig = sim.ctx.emitWebhook;
    sim.ctx.emitWebhook = (shop, topic, payload) => hooks.push({ shop, topic, payload });
    try {
      const lines = await runBulk(`{ customers { edges { node { id tags orders { edges { node { id name lineItems { edges { node { id quantity } } } } } } } } } }`);
      const ids = new Set(lines.map((l) => l.id));
      const customers = lines.filter((l) => l.id.includes("/Customer/"));
      const orders = lines.filter((l) => l.id.includes("/Order/"));
      const items = lines.filter((l) => l.id.includes("/LineItem/"));
      expect(customers).toHaveLength(12);
      expect(orders).toHaveLength(36);
      expect(items).toHaveLength(72);
      for (const c of customers) expect(c.__parentId).toBeUndefined();
      for (const o of orders) expect(o.__parentId).toMatch(/Customer/);
      for (const li of items) expect(li.__parentId).toMatch(/Order/);
      for (const l of lines) if (l.__parentId) expect(ids.has(l.__parentId)).toBe(true);
      for (const o of orders) expect(o.orders).toBeUndefined();
      // children come after their parent but not always right after it
      const pos = new Map(lines.map((l, i) => [l.id, i]));
      let nonAdjacent = 0;
      for (const l of lines) if (l.__parentId) {
        expect(pos.get(l.id)!).toBeGreaterThan(pos.get(l.__parentId)!);
        const prev = lines[pos.get(l.id)! - 1];
        if (prev.id !== l.__parentId && prev.__parentId !== l.__parentId) nonAdjacent++;
      }
      expect(nonAdjacent).toBeGreaterThan(0);
      const fin = hooks.find((h) => h.topic === "bulk_operations/finish");
      expect(fin.payload).toMatchObject({ status: "completed", type: "query", error_code: null });
      expect(Object.keys(fin.payload).sort()).toEqual(["admin_graphql_api_id", "completed_at", "created_at", "error_code", "status", "type"]);
    } finally {
      sim.ctx.emitWebhook = orig;
    }
  });

  it("expires result URLs and can be forced to fail", async () => {
    const r = await gql("mutation { bulkOperationRunQuery(query: \"{ customers { edges { node { id } } } }\") { bulkOperation { id } userErrors { message } } }");
    await sim.ctx.hooks!.completeBulkOperations(SHOP);
    const id = r.body.data.bulkOperationRunQuery.bulkOperation.id;
    const url = (await gql(`{ bulkOperation(id: "${id}") { url } }`)).body.data.bulkOperation.url;
    expect((await fetch(url)).status).toBe(200);
    clock += 7 * DAY + 1000;
    const expired = await fetch(url);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("ExpiredToken");
    expect((await gql(`{ bulkOperation(id: "${id}") { status } }`)).body.data.bulkOperation.status).toBe("EXPIRED");

    sim.ctx.hooks!.failNextBulkOperation(SHOP, "INTERNAL_SERVER_ERROR");
    const f = await gql("mutation { bulkOperationRunQuery(query: \"{ customers { edges { node { id } } } }\") { bulkOperation { id } } }");
    await sim.ctx.hooks!.completeBulkOperations(SHOP);
    const failed = (await gql(`{ bulkOperation(id: "${f.body.data.bulkOperationRunQuery.bulkOperation.id}") { status errorCode partialDataUrl url } }`)).body.data.bulkOperation;
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });
    expect(failed.partialDataUrl).toMatch(/\/bulk\//);
  });

  it("limits concurrent bulk operations to 5 and rejects invalid bulk queries", async () => {
    const shop = "busy.myshopify.com";
    sim.ctx.shops.set(shop, buildShop(shop, { customers: 1 }));
    const tok = sim.ctx.hooks!.issueAccessToken(shop);
    sim.state.options.bulkStartDelayMs = 60_000; // keep them running
    const run = () => gql("mutation { bulkOperationRunQuery(query: \"{ customers { edges { node { id } } } }\") { bulkOperation { id } userErrors { code message } } }", undefined, shop, tok);
    for (let i = 0; i < 5; i++) expect((await run()).body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect((await run()).body.data.bulkOperationRunQuery.userErrors[0].code).toBe("LIMIT_REACHED");
    sim.state.options.bulkStartDelayMs = 5;
    await sim.ctx.hooks!.completeBulkOperations(shop);
    const bad = await gql("mutation { bulkOperationRunQuery(query: \"{ shop { id } }\") { userErrors { code field message } } }", undefined, shop, tok);
    expect(bad.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ code: "INVALID", field: ["query"] });
    const list = await gql("{ bulkOperations(first: 10, query: \"status:completed\") { edges { node { id status } } } }", undefined, shop, tok);
    expect(list.body.data.bulkOperations.edges).toHaveLength(5);
  });

  it("runs bulk mutations from a staged upload (multipart POST)", async () => {
    const st = await gql(`mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) {
      stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`);
    const target = st.body.data.stagedUploadsCreate.stagedTargets[0];
    const form = new FormData();
    for (const p of target.parameters) form.append(p.name, p.value);
    const vars = [
      { id: "gid://shopify/Customer/2", tags: ["bulk-a"] },
      { id: "gid://shopify/Customer/4", tags: ["bulk-a", "bulk-b"] },
      { id: "gid://shopify/Customer/999", tags: ["bulk-a"] },
    ];
    form.append("file", new Blob([vars.map((v) => JSON.stringify(v)).join("\n")], { type: "text/jsonl" }), "vars.jsonl");
    const up = await fetch(target.url, { method: "POST", body: form });
    expect(up.status).toBe(201);
    const key = target.parameters.find((p: any) => p.name === "key").value;
    const r = await gql(`mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { bulkOperation { id type status } userErrors { field message code } } }`, {
      m: "mutation call($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }",
      p: key,
    });
    expect(r.body.data.bulkOperationRunMutation.userErrors).toEqual([]);
    await sim.ctx.hooks!.completeBulkOperations(SHOP);
    const op = (await gql(`{ currentBulkOperation(type: MUTATION) { status url objectCount } }`)).body.data.currentBulkOperation;
    expect(op.status).toBe("COMPLETED");
    const out = (await (await fetch(op.url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(out.map((l) => l.__lineNumber)).toEqual([0, 1, 2]);
    expect(out[0].data.tagsAdd.node.id).toBe("gid://shopify/Customer/2");
    expect(out[2].data.tagsAdd.userErrors.length).toBe(1);
    expect(sim.ctx.shops.get(SHOP)!.customers.get(4)!.tags).toEqual(["bulk-a", "bulk-b"]);
  });
});

describe("writes", () => {
  it("tagsAdd / tagsRemove", async () => {
    const add = await gql(`mutation { tagsAdd(id: "gid://shopify/Customer/3", tags: ["rfm:champions", "vip"]) { node { id ... on Customer { tags } } userErrors { field message } } }`);
    expect(add.body.data.tagsAdd.node.tags).toEqual(["rfm:champions", "vip"]);
    const rm = await gql(`mutation { tagsRemove(id: "gid://shopify/Customer/3", tags: ["vip"]) { node { id } userErrors { field message } } }`);
    expect(rm.body.data.tagsRemove.userErrors).toEqual([]);
    expect(sim.ctx.shops.get(SHOP)!.customers.get(3)!.tags).toEqual(["rfm:champions"]);
  });

  it("metafieldsSet: types, compareDigest and the 25 limit", async () => {
    const set = (mfs: unknown[]) => gql(`mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value compareDigest } userErrors { field message code elementIndex } } }`, { m: mfs });
    const ok = await set([
      { ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: "churn", type: "number_decimal", value: "0.75" },
      { ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: "segment", type: "single_line_text_field", value: "Champions" },
    ]);
    expect(ok.body.data.metafieldsSet.userErrors).toEqual([]);
    const digest = ok.body.data.metafieldsSet.metafields[0].compareDigest;
    const stale = await set([{ ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: "churn", type: "number_decimal", value: "0.5", compareDigest: "nope" }]);
    expect(stale.body.data.metafieldsSet.userErrors[0].code).toBe("STALE_OBJECT");
    const fresh = await set([{ ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: "churn", type: "number_decimal", value: "0.5", compareDigest: digest }]);
    expect(fresh.body.data.metafieldsSet.userErrors).toEqual([]);
    const badValue = await set([{ ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: "nn", type: "number_integer", value: "1.5" }]);
    expect(badValue.body.data.metafieldsSet.userErrors[0]).toMatchObject({ code: "INVALID_VALUE", elementIndex: 0 });
    const many = Array.from({ length: 26 }, (_, i) => ({ ownerId: "gid://shopify/Customer/1", namespace: "rfm", key: `k${i}`, type: "boolean", value: "true" }));
    const tooMany = await set(many);
    expect(tooMany.body.data.metafieldsSet.metafields).toBeNull();
    expect(tooMany.body.data.metafieldsSet.userErrors[0].code).toBe("LESS_THAN_OR_EQUAL_TO");
    const read = await gql(`{ customer(id: "gid://shopify/Customer/1") { metafield(namespace: "rfm", key: "churn") { value type } metafields(first: 5, namespace: "rfm") { edges { node { key } } } } }`);
    expect(read.body.data.customer.metafield).toEqual({ value: "0.5", type: "number_decimal" });
    expect(read.body.data.customer.metafields.edges).toHaveLength(2);
  });

  it("metafieldDefinitionCreate rejects duplicates with TAKEN", async () => {
    const create = (key: string) => gql(`mutation($d: MetafieldDefinitionInput!) { metafieldDefinitionCreate(definition: $d) { createdDefinition { id key type { name } } userErrors { field message code } } }`, {
      d: { name: key, namespace: "rfm", key, type: key === "segment" ? "single_line_text_field" : "number_decimal", ownerType: "CUSTOMER" },
    });
    expect((await create("churn")).body.data.metafieldDefinitionCreate.userErrors).toEqual([]);
    expect((await create("segment")).body.data.metafieldDefinitionCreate.createdDefinition.type.name).toBe("single_line_text_field");
    expect((await create("churn")).body.data.metafieldDefinitionCreate.userErrors[0].code).toBe("TAKEN");
    const list = await gql(`{ metafieldDefinitions(first: 10, ownerType: CUSTOMER) { edges { node { namespace key } } } }`);
    expect(list.body.data.metafieldDefinitions.edges).toHaveLength(2);
  });
});

describe("segments", () => {
  const members = async (query: string) => {
    const r = await gql(`query($q: String!) { customerSegmentMembers(query: $q, first: 100) { totalCount edges { node { id } } } }`, { q: query });
    return r;
  };
  it("evaluates tags, metafields, AND/OR and parentheses; rejects invalid queries", async () => {
    // Customer 1: churn 0.5, segment Champions (from the metafield test); odd customers are vip.
    const set = (id: number, v: string) =>
      gql(`mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }`, { m: [{ ownerId: `gid://shopify/Customer/${id}`, namespace: "rfm", key: "churn", value: v }] });
    await set(2, "0.9");
    await set(5, "0.1");
    const ids = (r: any) => r.body.data.customerSegmentMembers.edges.map((e: any) => Number(e.node.id.split("/").pop())).sort((a: number, b: number) => a - b);
    expect(ids(await members("metafields.rfm.churn >= 0.5"))).toEqual([1, 2]);
    expect(ids(await members("customer_tags CONTAINS 'vip' AND metafields.rfm.churn < 0.6"))).toEqual([1, 5]);
    expect(ids(await members("metafields.rfm.segment = 'Champions' OR (customer_tags NOT CONTAINS 'vip' AND metafields.rfm.churn > 0.8)"))).toEqual([1, 2]);
    const all = await members("customer_tags CONTAINS 'vip'");
    expect(all.body.data.customerSegmentMembers.totalCount).toBe(5); // 1,5,7,9,11 (3 lost "vip" in the tags test)
    const bad = await members("customer_tags CONTAINS");
    expect(bad.body.errors[0].message).toMatch(/Line 1 Column/);
    const seg = await gql(`mutation { segmentCreate(name: "At risk", query: "metafields.rfm.churn >= 0.5") { segment { id name query } userErrors { field message } } }`);
    const segId = seg.body.data.segmentCreate.segment.id;
    const dup = await gql(`mutation { segmentCreate(name: "At risk", query: "customer_tags CONTAINS 'x'") { segment { id } userErrors { field message } } }`);
    expect(dup.body.data.segmentCreate.userErrors[0].field).toEqual(["name"]);
    const invalid = await gql(`mutation { segmentCreate(name: "Broken", query: "metafields.rfm.unknown_key > 1") { segment { id } userErrors { field message } } }`);
    expect(invalid.body.data.segmentCreate.userErrors[0].field).toEqual(["query"]);
    const bySeg = await gql(`query($id: ID!) { customerSegmentMembers(segmentId: $id, first: 10) { totalCount } }`, { id: segId });
    expect(bySeg.body.data.customerSegmentMembers.totalCount).toBe(2);
    const upd = await gql(`mutation($id: ID!) { segmentUpdate(id: $id, query: "metafields.rfm.churn >= 0.05") { segment { query } userErrors { message } } }`, { id: segId });
    expect(upd.body.data.segmentUpdate.segment.query).toBe("metafields.rfm.churn >= 0.05");
    const list = await gql(`{ segments(first: 10) { edges { node { id name } } } }`);
    expect(list.body.data.segments.edges.map((e: any) => e.node.name)).toContain("At risk");
    expect((await gql(`mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { message } } }`, { id: segId })).body.data.segmentDelete.deletedSegmentId).toBe(segId);
  });
});

describe("flow", () => {
  it("records triggers, rejects unknown handles and payloads of 1 MB or more", async () => {
    const send = (handle: string, payload: unknown) =>
      gql(`mutation($h: String!, $p: JSON!) { flowTriggerReceive(handle: $h, payload: $p) { userErrors { field message } } }`, { h: handle, p: payload });
    const ok = await send("segment-changed", { customer_id: 1, "Segment name": "Champions" });
    expect(ok.body.data.flowTriggerReceive.userErrors).toEqual([]);
    expect(sim.ctx.flowTriggers.at(-1)).toMatchObject({ shop: SHOP, handle: "segment-changed" });
    expect((await send("nope", { a: 1 })).body.data.flowTriggerReceive.userErrors[0].field).toEqual(["handle"]);
    const big = await send("segment-changed", { blob: "x".repeat(1_000_001) });
    expect(big.body.data.flowTriggerReceive.userErrors[0].field).toEqual(["payload"]);
  });
});

describe("admin page and app bridge stand-in", () => {
  it("embeds the app with a signed query and a fresh session token", async () => {
    clock = Date.now(); // @shopify/shopify-api checks against the real clock
    const html = await (await fetch(`${sim.url}/store/${SHOP}/admin/apps/${sim.ctx.config.apiKey}/app/segments`)).text();
    const src = /<iframe[^>]+src="([^"]+)"/.exec(html)![1].replace(/&amp;/g, "&");
    const u = new URL(src);
    expect(u.origin + u.pathname).toBe("http://127.0.0.1:3000/app/segments");
    for (const k of ["embedded", "shop", "host", "id_token", "session", "locale", "timestamp", "hmac"]) expect(u.searchParams.get(k)).toBeTruthy();
    expect(Buffer.from(u.searchParams.get("host")!, "base64").toString()).toBe(`${SHOP}/admin`);
    const { shopifyApi, ApiVersion } = await import("@shopify/shopify-api");
    await import("@shopify/shopify-api/adapters/node");
    const api = shopifyApi({ apiKey: sim.ctx.config.apiKey, apiSecretKey: sim.ctx.config.apiSecret, scopes: [], hostName: "127.0.0.1:3000", hostScheme: "http", apiVersion: ApiVersion.January26, isEmbeddedApp: true, logger: { level: 0 } });
    expect(await api.utils.validateHmac(Object.fromEntries(u.searchParams) as any)).toBe(true);
    const payload = await api.session.decodeSessionToken(u.searchParams.get("id_token")!);
    expect(payload).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: sim.ctx.config.apiKey, sub: "1" });
    const st = await fetch(`${sim.url}/store/${SHOP}/admin/_session-token?apiKey=${sim.ctx.config.apiKey}`);
    expect(st.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await st.json()) as any).token.split(".")).toHaveLength(3);
    const js = await (await fetch(`${sim.url}/cdn/app-bridge.js`)).text();
    expect(js).toContain("idToken");
  });
});

describe("@shopify/shopify-api works unchanged against the simulator", () => {
  it("token exchange and the GraphQL client through a rewriting fetch", async () => {
    clock = Date.now();
    const realFetch = globalThis.fetch;
    const rewrite = (input: any, init?: any) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
      const m = /^https:\/\/([^/]+\.myshopify\.com)(\/.*)$/.exec(url);
      return realFetch(m ? `${sim.url}/store/${m[1]}${m[2]}` : input, init);
    };
    // The node adapter captures globalThis.fetch when it is imported, so install the seam
    // through the runtime hook (what an app-side fetch seam has to do as well).
    await import("@shopify/shopify-api/adapters/node");
    const runtime = await import("@shopify/shopify-api/runtime");
    runtime.setAbstractFetchFunc(rewrite as typeof fetch);
    try {
      const { shopifyApi, ApiVersion, RequestedTokenType } = await import("@shopify/shopify-api");
      await import("@shopify/shopify-api/adapters/node");
      const api = shopifyApi({ apiKey: sim.ctx.config.apiKey, apiSecretKey: sim.ctx.config.apiSecret, scopes: ["read_customers"], hostName: "127.0.0.1:3000", hostScheme: "http", apiVersion: ApiVersion.January26, isEmbeddedApp: true, logger: { level: 0 } });
      const idToken = await sim.ctx.hooks!.sessionToken(SHOP);
      const { session } = await api.auth.tokenExchange({ shop: SHOP, sessionToken: idToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
      expect(session.accessToken).toMatch(/^shpat_/);
      const client = new api.clients.Graphql({ session });
      const res = await client.request(`query { shop { name myshopifyDomain currencyCode } customers(first: 3) { edges { node { id } } } }`);
      expect(res.data.shop.myshopifyDomain).toBe(SHOP);
      expect(res.data.customers.edges).toHaveLength(3);
      expect((res.extensions as any).cost.throttleStatus.restoreRate).toBe(100);
    } finally {
      runtime.setAbstractFetchFunc(realFetch);
    }
  });
});
