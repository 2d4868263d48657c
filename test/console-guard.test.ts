// The console guard of test/setup-file.ts: each case logs, then ends the test
// early with finishTest() to see what the guard would say, and starts afresh
// so the real afterEach finds nothing left over. (What they log is printed
// under the test's name, as any console output is.)
import { describe, expect, it, vi } from "vitest";
import { allowConsole, finishTest, startTest } from "./support/console";

allowConsole(/^file-wide allowance/);

function verdict(): unknown {
  try {
    finishTest();
    return "passed";
  } catch (error) {
    return (error as Error).message;
  } finally {
    startTest();
  }
}

describe("console guard", () => {
  it("fails a test that logs an error or a warning nobody allowed", () => {
    console.error("boom", { code: 1 });
    console.warn("careful");
    const message = verdict();
    expect(message).toMatch(/logged 2 unexpected/);
    expect(message).toContain("console.error: boom { code: 1 }");
    expect(message).toContain("console.warn: careful");
  });

  it("passes a message allowed in the test, for that test and level only", () => {
    allowConsole(/^job x failed/, "warn");
    console.warn("job x failed, will retry");
    expect(verdict()).toBe("passed");
    console.warn("job x failed, will retry");
    expect(verdict()).toMatch(/logged 1 unexpected/);
    allowConsole(/^job x failed/, "warn");
    console.error("job x failed, will retry");
    expect(verdict()).toMatch(/console.error: job x failed/);
  });

  it("passes a message allowed at file level, and console.log always", () => {
    console.error("file-wide allowance covers this");
    console.log("plain output");
    expect(verdict()).toBe("passed");
  });

  it("still counts after vi.restoreAllMocks()", () => {
    vi.restoreAllMocks();
    console.error("after restore");
    expect(verdict()).toMatch(/after restore/);
  });
});
