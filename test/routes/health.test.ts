// /healthz (process up) and /readyz (PostgreSQL with every shipped migration, Redis) through
// Remix's request handler, unauthenticated as a load balancer calls them.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRemixApp, type RemixApp } from "../support/remix-app";

let app: RemixApp;

beforeAll(async () => {
  app = await startRemixApp();
});

afterAll(async () => {
  await app?.close();
});

describe("health endpoints", () => {
  it("/healthz answers 200 ok", async () => {
    const res = await app.handle(new Request(`${app.appUrl}/healthz`));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("/readyz is 200 with the database migrated and Redis up, and names a missing migration with 503", async () => {
    const ok = await app.handle(new Request(`${app.appUrl}/readyz`));
    expect(await ok.json()).toEqual({ ready: true, problems: [] });
    expect(ok.status).toBe(200);
    // Pretend the newest shipped migration was never applied.
    const db = await app.import<typeof import("../../app/db-pool.server")>("db-pool.server.ts");
    const newest = readdirSync("prisma/migrations", { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort().at(-1)!;
    await db.pool.query(`update "_prisma_migrations" set migration_name = migration_name || '-hidden' where migration_name = $1`, [newest]);
    try {
      const res = await app.handle(new Request(`${app.appUrl}/readyz`));
      expect(res.status).toBe(503);
      expect((await res.json()).problems).toEqual([`migrations not applied: ${newest}`]);
    } finally {
      await db.pool.query(`update "_prisma_migrations" set migration_name = $1 where migration_name = $1 || '-hidden'`, [newest]);
    }
  });
});
