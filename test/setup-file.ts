// Runs in each test file's process before it loads: a queue prefix of its own,
// so a worker started by one file never takes jobs enqueued by another; and
// the console guard: a test that calls console.error or console.warn fails
// unless it allowed the message (allowConsole in test/support/console.ts).
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import { finishTest, installConsoleGuard, startTest } from "./support/console";

process.env.QUEUE_PREFIX = `rfm-test-${randomUUID().slice(0, 8)}`;

installConsoleGuard();
beforeEach(startTest);
afterEach(finishTest);
