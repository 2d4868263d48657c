// Expiring offline tokens end to end against the simulator, which follows
// Shopify's rules: an access token lives an hour, its refresh token rotates on
// every use, and a used refresh token is retired once its replacement is used.
// Time passes for the tokens alone (the simulator's ageTokens and the same shift
// of the stored expiry), so the rest of the store is untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completedJobRun, eventually, startHarness, waitForQueuesIdle, type Harness } from "../support/harness";
import { allowConsole } from "../support/console";

const SHOP = `expiring-${process.pid}.myshopify.com`;
const OFFLINE_ID = `offline_${SHOP}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 31, customers: 30, years: 1 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  // The install's sync, recompute and write-back done: no job of the harness's own refreshes
  // the token (or sends with an aged one) while a test ages it.
  await eventually(() => completedJobRun(h, "write-back", SHOP, started), 120_000, "initial write-back");
  await waitForQueuesIdle(h, 120_000);
});

afterAll(async () => {
  await h?.close();
});

/** Lets `seconds` pass for the shop's tokens: in Shopify and in the app's stored session. */
async function ageTokens(seconds: number): Promise<void> {
  h.sim.ctx.hooks!.ageTokens(SHOP, seconds);
  await h.app.pool.pool.query(
    `update "Session" set expires = expires - make_interval(secs => $2), "refreshTokenExpires" = "refreshTokenExpires" - make_interval(secs => $2) where id = $1`,
    [OFFLINE_ID, seconds],
  );
  h.app.shopify.sessionStorage.forget(OFFLINE_ID); // its cached copy would not have aged
}

const storedRow = () => h.app.db.prisma.session.findUniqueOrThrow({ where: { id: OFFLINE_ID } });
const refreshUses = () => h.sim.ctx.hooks!.refreshTokenUses(SHOP);
const secondsUntil = (d: Date | null) => (d ? (d.getTime() - Date.now()) / 1000 : NaN);

describe("expiring offline tokens", () => {
  it("install stores a one-hour token and a 90-day refresh token, both as ciphertext", async () => {
    const row = await storedRow();
    expect(secondsUntil(row.expires)).toBeGreaterThan(3600 - 120);
    expect(secondsUntil(row.expires)).toBeLessThanOrEqual(3600);
    expect(secondsUntil(row.refreshTokenExpires) / 86_400).toBeCloseTo(90, 0);
    expect(row.refreshToken).toBeTruthy();
    expect(row.refreshToken).not.toMatch(/shprt_/);
    expect(row.accessToken).not.toMatch(/shpat_/);
    const session = await h.app.shopify.sessionStorage.loadSession(OFFLINE_ID);
    expect(session?.refreshToken).toMatch(/^shprt_/);
  });

  it("two processes refreshing at the same moment spend the refresh token once and share the new token", async () => {
    const before = (await h.app.shopify.sessionStorage.loadSession(OFFLINE_ID))!;
    await ageTokens(3600 - 5 * 60); // 5 minutes left: inside the 10-minute refresh margin
    const usesBefore = refreshUses().uses.length;
    // Two storages with their own caches and in-flight maps stand for two worker processes.
    const processA = h.app.shopify.createSessionStorage();
    const processB = h.app.shopify.createSessionStorage();
    const [a, b, web] = await Promise.all([processA.loadSession(OFFLINE_ID), processB.loadSession(OFFLINE_ID), h.app.shopify.sessionStorage.loadSession(OFFLINE_ID)]);
    expect(a!.accessToken).not.toBe(before.accessToken);
    expect(new Set([a!.accessToken, b!.accessToken, web!.accessToken]).size).toBe(1);
    const uses = refreshUses();
    expect(uses.uses.length).toBe(usesBefore + 1);
    expect(uses.uses.every((n) => n === 1)).toBe(true);
    expect(uses.rejected).toBe(0);
    const row = await storedRow();
    expect(secondsUntil(row.expires)).toBeGreaterThan(3600 - 120);
    expect((await processA.loadSession(OFFLINE_ID))!.refreshToken).not.toBe(before.refreshToken);
  });

  it("without the lock the same two processes would both spend it (the control that shows the lock matters)", async () => {
    const { RefreshingSessionStorage } = await import("../../app/offline-tokens.server");
    const { CachedSessionStorage } = await import("../../app/shopify/cached-session-storage.server");
    const { prismaSessionStorage } = await import("../../app/models/sessions.server");
    const { refreshOfflineToken, RefreshRefusedError } = await import("../../app/shopify/offline-token.server");
    const { env } = await import("../../app/env.server");
    const unlocked = () => {
      const stored = prismaSessionStorage();
      return new RefreshingSessionStorage(new CachedSessionStorage(stored), stored, {
        refresh: (shop, refreshToken) => refreshOfflineToken({ shop, refreshToken, apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET }),
        refusalOf: (e) => (e instanceof RefreshRefusedError ? e.reason : null),
        withLock: (_shop, f) => f(),
        onRefused: async () => undefined,
      });
    };
    await ageTokens(3600 - 5 * 60);
    const spentBefore = refreshUses().uses.reduce((s, n) => s + n, 0);
    await Promise.all([unlocked().loadSession(OFFLINE_ID), unlocked().loadSession(OFFLINE_ID)]);
    const uses = refreshUses().uses;
    expect(uses.reduce((s, n) => s + n, 0) - spentBefore).toBe(2);
    expect(Math.max(...uses)).toBe(2); // one refresh token spent twice
  });

  it("the worker's Admin API calls refresh through the library's path, once for many concurrent jobs", async () => {
    await ageTokens(3600 - 60);
    const usesBefore = refreshUses().uses.length;
    const clients = await Promise.all(Array.from({ length: 5 }, () => h.app.shopify.adminClientFor(SHOP)));
    for (const c of clients) {
      const data = await c.request<{ shop: { myshopifyDomain: string } }>("{ shop { myshopifyDomain } }");
      expect(data.shop.myshopifyDomain).toBe(SHOP);
    }
    expect(refreshUses().uses.length).toBe(usesBefore + 1);
  });

  it("a refused refresh token marks the shop, stops its Shopify jobs for good, and opening the app restores access", async () => {
    allowConsole(/refused the refresh token|failed for good/);
    h.sim.ctx.hooks!.revokeRefreshTokens(SHOP);
    await ageTokens(3600 + 60); // the access token has expired too
    await expect(h.app.shopify.adminClientFor(SHOP)).rejects.toThrow(/refused the refresh token.*invalid_grant/);
    const shop = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.reauthRequiredAt).not.toBeNull();
    expect(shop.reauthReason).toMatch(/invalid_grant/);

    const { installedShopDomains } = await import("../../app/models/shops.server");
    expect(await installedShopDomains()).not.toContain(SHOP);
    const after = new Date();
    await h.app.queue.enqueue("incremental-sync", { shop: SHOP });
    const run = await eventually(
      async () => h.app.db.prisma.jobRun.findFirst({ where: { name: "incremental-sync", shopDomain: SHOP, startedAt: { gte: after }, status: "failed" } }),
      30_000,
      "incremental-sync fails",
    );
    expect(run.error).toMatch(/refused the refresh token/);
    const { loadDashboard } = await import("../../app/models/dashboard.server");
    expect((await loadDashboard(SHOP)).access).toMatchObject({ state: "reauth-required", reason: expect.stringMatching(/invalid_grant/) });

    // The merchant opens the app: token exchange issues a new pair.
    await h.install(SHOP);
    const restored = await h.app.db.prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(restored.reauthRequiredAt).toBeNull();
    expect(restored.accessLapsedAt?.getTime()).toBe(shop.reauthRequiredAt!.getTime());
    expect((await loadDashboard(SHOP)).access).toMatchObject({ state: "restored" });
    const client = await h.app.shopify.adminClientFor(SHOP);
    expect((await client.request<{ shop: { myshopifyDomain: string } }>("{ shop { myshopifyDomain } }")).shop.myshopifyDomain).toBe(SHOP);
    // Opening the app re-syncs the shop (afterAuth's initial-sync); it is back on the nightly
    // list once that sync completes, not before.
    await eventually(async () => (await installedShopDomains()).includes(SHOP), 120_000, "shop back on the nightly list after its re-sync");
  }, 240_000);
});
