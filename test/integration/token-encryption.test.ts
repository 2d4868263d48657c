// Offline access tokens at rest: what the install stores in the Session table is
// AES-256-GCM ciphertext, the app still reaches Shopify with it, and a rotation
// re-encrypts every token under the new key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completedJobRun, eventually, startHarness, waitForQueuesIdle, type Harness } from "../support/harness";

const SHOP = `tokens-${process.pid}.myshopify.com`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.addStore({ domain: SHOP, seed: 5, customers: 120, years: 1 });
  h.startWorkers();
  const started = new Date();
  await h.install(SHOP);
  await eventually(() => completedJobRun(h, "recompute-shop", SHOP, started), 60_000, "first recompute");
});

afterAll(async () => {
  await h?.close();
});

describe("tokens at rest", () => {
  it("the Session table holds ciphertext only, and the app still calls Shopify with the token", async () => {
    const issued = [...h.sim.state.tokens.values()].filter((t) => t.shop === SHOP && !t.online).map((t) => t.token);
    expect(issued.length).toBeGreaterThan(0);
    const rows = await h.app.db.prisma.session.findMany({ where: { shop: SHOP } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.accessToken).toMatch(/^enc:v1:local:/);
      for (const token of issued) expect(row.accessToken).not.toContain(token);
    }
    // The same row, read through the app's session storage, is the issued token.
    const { prismaSessionStorage } = await import("../../app/models/sessions.server");
    const loaded = await prismaSessionStorage().loadSession(rows[0].id);
    expect(issued).toContain(loaded!.accessToken);
  });

  it("rotation re-encrypts every token under the new first key; the old key can then go", async () => {
    const { TokenCipher, parseTokenKeys } = await import("../../app/token-cipher.server");
    const { reencryptSessionTokens, prismaSessionStorage } = await import("../../app/models/sessions.server");
    await waitForQueuesIdle(h); // no job reads a session while it is under a key the app does not have
    const before = await h.app.db.prisma.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    const token = (await prismaSessionStorage().loadSession(before.id))!.accessToken;
    const local = `local:${Buffer.alloc(32, 7).toString("base64")}`; // the development key (env default)
    const rotated = new TokenCipher(parseTokenKeys(`k2026:${Buffer.alloc(32, 9).toString("base64")},${local}`));
    const result = await reencryptSessionTokens(rotated);
    expect(result.reencrypted).toBeGreaterThan(0);
    expect((await reencryptSessionTokens(rotated)).reencrypted).toBe(0); // idempotent
    const after = await h.app.db.prisma.session.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.accessToken).toMatch(/^enc:v1:k2026:/);
    // Only the new key is needed now.
    expect(new TokenCipher(parseTokenKeys(`k2026:${Buffer.alloc(32, 9).toString("base64")}`)).decrypt(after.accessToken)).toBe(token);
    // Back under the environment's key for the rest of the run.
    await reencryptSessionTokens(new TokenCipher(parseTokenKeys(`${local},k2026:${Buffer.alloc(32, 9).toString("base64")}`)));
    expect((await h.app.db.prisma.session.findUniqueOrThrow({ where: { id: before.id } })).accessToken).toMatch(/^enc:v1:local:/);
  });
});
