// The embedded app's shell through Remix's request handler: the first admin
// load (token exchange → afterAuth), the app layout's loader (routes/app), the
// public index (routes/_index), Shopify's auth paths (routes/auth.$) and the
// root error page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowConsole } from "../support/console";
import { dataPath, forgedSessionToken, startRemixApp, type RemixApp } from "../support/remix-app";

const SHOP = `routes-app-${process.pid}.myshopify.com`;
let app: RemixApp;
let db: typeof import("../../app/db.server");
let queue: typeof import("../../app/queue.server");

beforeAll(async () => {
  app = await startRemixApp();
  db = await app.import("db.server.ts");
  queue = await app.import("queue.server.ts");
  app.addShop(SHOP);
});

afterAll(async () => {
  await db?.prisma.shop.deleteMany({ where: { domain: SHOP } });
  await db?.prisma.session.deleteMany({ where: { shop: SHOP } });
  await app?.close();
});

const get = (path: string, init?: RequestInit) => app.handle(new Request(new URL(path, app.appUrl), init));

describe("first embedded load (routes/app document)", () => {
  it("exchanges the id_token for an offline session, creates the shop with default settings and starts the initial sync", async () => {
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app")));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html");
    // Shopify's document headers for an embedded app.
    expect(response.headers.get("content-security-policy")).toContain(`frame-ancestors ${new URL(app.sim.url).origin} https://${SHOP} https://admin.shopify.com`);
    const html = await response.text();
    // App Bridge, served by the simulator in simulator mode, with the app's API key.
    expect(html).toContain(`<script src="${app.sim.url}/cdn/app-bridge.js" data-api-key="${app.apiKey}"></script>`);
    // The dashboard (index route) rendered inside the layout, before any score.
    expect(html).toContain("Customer segments");
    expect(html).toContain("Not scored yet");

    const session = await db.prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
    expect(session).toMatchObject({ shop: SHOP, isOnline: false });
    // Stored encrypted (ADR 0012); the app's session storage gives back the shpat_ token.
    expect(session.accessToken).toMatch(/^enc:v1:/);
    const sessions = await app.import<typeof import("../../app/models/sessions.server")>("models/sessions.server.ts");
    expect((await sessions.prismaSessionStorage().loadSession(`offline_${SHOP}`))!.accessToken).toMatch(/^shpat_/);
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP }, include: { settings: true } });
    expect(shop).toMatchObject({ grantedScopes: "read_customers,write_customers,read_orders,read_all_orders,read_products", historyLimited: false, uninstalledAt: null });
    expect(shop.settings).toMatchObject({ churnHorizonDays: 90, tagPrefix: "rfm:", holdoutPercent: 10, writeBackEnabled: true });

    const jobs = await queue.getQueue("sync").getJobs(["waiting", "prioritized", "delayed"]);
    expect(jobs.filter((j) => j.name === "initial-sync").map((j) => j.data)).toEqual([{ shop: SHOP }]);
  });

  it("a second load uses the stored session: no new token exchange, no second install", async () => {
    const before = await db.prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
    const tokensIssued = app.sim.state.tokens.size;
    const response = await app.handle(new Request(await app.documentUrl(SHOP, "/app/settings")));
    expect(response.status).toBe(200);
    expect(app.sim.state.tokens.size).toBe(tokensIssued);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } })).accessToken).toBe(before.accessToken);
    const jobs = await queue.getQueue("sync").getJobs(["waiting", "prioritized", "delayed"]);
    expect(jobs.filter((j) => j.name === "initial-sync")).toHaveLength(1);
  });

  it("a document load without an id_token is sent to the bounce page that fetches one", async () => {
    const host = Buffer.from(`${SHOP}/admin`).toString("base64url");
    const response = await get(`/app?embedded=1&shop=${SHOP}&host=${host}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!, app.appUrl);
    expect(location.pathname).toBe("/auth/session-token");
    expect(location.searchParams.get("shop")).toBe(SHOP);
    expect(location.searchParams.get("shopify-reload")).toBe(`${app.appUrl}/app?embedded=1&shop=${SHOP}&host=${host}`);
  });
});

describe("App Bridge and the admin navigation (routes/app layout)", () => {
  it("loads App Bridge first in the head, once, and declares the navigation as ui-nav-menu", async () => {
    const html = await (await app.handle(new Request(await app.documentUrl(SHOP, "/app")))).text();
    const head = html.slice(html.indexOf("<head>"), html.indexOf("</head>"));
    const bridge = `<script src="${app.sim.url}/cdn/app-bridge.js" data-api-key="${app.apiKey}"></script>`;
    expect(head).toContain(`<meta name="shopify-api-key" content="${app.apiKey}"/>`);
    // The first script of the document, and the only App Bridge tag.
    expect(head.indexOf("<script")).toBe(head.indexOf(bridge));
    expect(html.match(/<script[^>]*app-bridge\.js/g)).toHaveLength(1);
    const menu = /<ui-nav-menu>([\s\S]*?)<\/ui-nav-menu>/.exec(html)?.[1] ?? "";
    const links = [...menu.matchAll(/<a ([^>]*)>([^<]*)<\/a>/g)].map((m) => [/href="([^"]*)"/.exec(m[1])?.[1], m[2], /rel="home"/.test(m[1])]);
    expect(links).toEqual([
      ["/app", "Overview", true],
      ["/app/migration", "Migration", false],
      ["/app/segments", "Segments", false],
      ["/app/model", "Model quality", false],
      ["/app/lift", "Holdout lift", false],
      ["/app/settings", "Settings", false],
    ]);
  });
});

describe("routes/app loader", () => {
  it("returns the API key and the simulator's App Bridge URL to a fetch with a valid session token", async () => {
    const response = await app.loaderData(SHOP, "/app", "routes/app");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ apiKey: app.apiKey, appBridgeUrl: `${app.sim.url}/cdn/app-bridge.js` });
  });

  it("answers 401 with Shopify's retry header to a forged session token", async () => {
    const forged = await forgedSessionToken(SHOP, app.apiKey);
    const response = await app.loaderData(SHOP, "/app", "routes/app", { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("answers 401 to a session token meant for another app", async () => {
    const token = await forgedSessionToken(SHOP, "some-other-app", app.apiSecret);
    const response = await app.loaderData(SHOP, "/app", "routes/app", { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
  });
});

describe("routes/_index", () => {
  it("answers a plain-text note without a shop", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("RFM & Churn Segments: install this app from your Shopify admin.");
  });

  it("sends Shopify's ?shop= open into the embedded app, query kept", async () => {
    const response = await get(`/?shop=${SHOP}&host=abc`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/app?shop=${SHOP}&host=abc`);
  });
});

describe("routes/auth.$", () => {
  it("/auth/session-token renders App Bridge, which fetches a session token and reloads", async () => {
    const response = await get(`/auth/session-token?shop=${SHOP}&shopify-reload=${encodeURIComponent(`${app.appUrl}/app`)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html;charset=utf-8");
    expect(await response.text()).toContain(`<script data-api-key="${app.apiKey}" src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>`);
  });

  it("/auth/exit-iframe opens an app URL at the top level", async () => {
    const response = await get(`/auth/exit-iframe?shop=${SHOP}&exitIframe=${encodeURIComponent("/app/settings")}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`window.open("${app.appUrl}/app/settings", "_top")`);
  });

  it("/auth/exit-iframe refuses a destination outside the app", async () => {
    allowConsole(/Rejected exit-iframe redirect to an untrusted destination/, "warn");
    allowConsole(/ShopifyError: Invalid exit-iframe destination/, "error");
    const response = await get(`/auth/exit-iframe?shop=${SHOP}&exitIframe=${encodeURIComponent("https://evil.example/phish")}`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("evil.example");
  });
});

describe("root error page", () => {
  it("an unknown URL renders a plain Not found page with status 404", async () => {
    // Remix and React Router log an unmatched URL.
    allowConsole(/No route matches URL "\/no-such-page"/, "error");
    allowConsole(/No routes matched location "\/no-such-page"/, "warn");
    const response = await get("/no-such-page");
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
    expect(html).toContain("<h1>Not found</h1>");
    expect(html).toContain("There is no page at this address.");
  });

  it("an unknown data request is a 404 too", async () => {
    allowConsole(/No route matches URL "\/no-such-page"/, "error");
    const response = await get(dataPath("/no-such-page", "routes/no-such-page"));
    expect(response.status).toBe(404);
  });
});
