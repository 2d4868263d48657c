// Prints the plain closing line CI reads: "N passed, N failed, N skipped".
import type { Reporter } from "vitest/reporters";
import type { RunnerTestFile, RunnerTask } from "vitest";

function collect(tasks: RunnerTask[], counts: { passed: number; failed: number; skipped: number }) {
  for (const task of tasks) {
    if (task.type === "suite") {
      collect(task.tasks, counts);
      continue;
    }
    const state = task.result?.state;
    if (state === "pass") counts.passed++;
    else if (state === "fail") counts.failed++;
    else counts.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files) {
      collect(file.tasks, counts);
      // A file that failed to load counts as a failure, never as silence.
      if (file.result?.state === "fail" && file.tasks.length === 0) counts.failed++;
    }
    counts.failed += errors.length;
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
