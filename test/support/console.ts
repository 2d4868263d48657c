// console.error and console.warn fail the test that calls them (wired in
// test/setup-file.ts), so a new error log is noticed instead of scrolling by.
// A test that expects a logged error says so:
//
//   allowConsole(/job backfill\/.* failed, will retry/);          // in a test: that test only
//   allowConsole(/queue .*: Connection is closed/, "warn");       // at file level: every test in the file
//
// Called inside a test it covers that test; called at module level or in
// beforeAll it covers the rest of the file. Messages are matched as printed
// (util.format of the arguments). Allowed or not, every message is still
// printed; the spy only counts.
import { format } from "node:util";
import { expect } from "vitest";

type Level = "error" | "warn";
interface Allowance {
  pattern: RegExp;
  levels: Level[];
}
interface Logged {
  level: Level;
  message: string;
}

const LEVELS: Level[] = ["error", "warn"];
const fileAllowances: Allowance[] = [];
let testAllowances: Allowance[] = [];
let logged: Logged[] = [];
let inTest = false;

/** Lets console.error / console.warn messages matching `pattern` pass (both levels unless one is named). */
export function allowConsole(pattern: RegExp, level?: Level): void {
  const allowance = { pattern, levels: level ? [level] : LEVELS };
  if (expect.getState().currentTestName === undefined) fileAllowances.push(allowance);
  else testAllowances.push(allowance);
}

const isAllowed = (entry: Logged) =>
  [...fileAllowances, ...testAllowances].some((a) => a.levels.includes(entry.level) && a.pattern.test(entry.message));

/**
 * Wraps console.error and console.warn (once per test file process). A plain
 * wrapper, not vi.spyOn, so a test's vi.restoreAllMocks() cannot remove it,
 * and a test's own vi.spyOn(console, ...) still sees every call.
 */
export function installConsoleGuard(): void {
  for (const level of LEVELS) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (inTest) logged.push({ level, message: format(...args) });
      original(...args);
    };
  }
}

export function startTest(): void {
  inTest = true;
  logged = [];
  testAllowances = [];
}

/** Ends the test; throws (failing it) when it logged an error or warning nobody allowed. */
export function finishTest(): void {
  inTest = false;
  const unexpected = logged.filter((entry) => !isAllowed(entry));
  logged = [];
  testAllowances = [];
  if (unexpected.length === 0) return;
  const lines = unexpected.map((e) => `  console.${e.level}: ${e.message.split("\n")[0].slice(0, 300)}`);
  throw new Error(
    `the test logged ${unexpected.length} unexpected console error(s)/warning(s); ` +
      `fix the cause or allow it with allowConsole(/pattern/) from test/support/console.ts:\n${lines.join("\n")}`,
  );
}
