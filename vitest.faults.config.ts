import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./test/test-env";

// `npm run test:faults`: the fault suite in full (FAULTS_FULL=1: more kill points,
// bigger stores). The main config runs the same files in their reduced form.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    env: { ...TEST_ENV, FAULTS_FULL: "1" },
    testTimeout: 600_000,
    hookTimeout: 900_000,
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
