import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./test/test-env";

// Tests talk to real PostgreSQL and Redis (a separate `_test` database and a
// per-run queue prefix); files run in forked processes.
export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    env: TEST_ENV,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
