import { defineConfig } from "vitest/config";

// Tests talk to real PostgreSQL and Redis; files run in separate forks so a
// slow integration file never blocks the pure unit tests.
export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/global-setup.ts"],
  },
});
