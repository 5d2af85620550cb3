#!/usr/bin/env node
// Prints one closing line for the whole `npm test` run, from the Vitest and Playwright JSON
// reports it writes under reports/: "tests: N passed, N failed, N skipped".
import { readFileSync } from "node:fs";

function read(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    console.error(`test-summary: ${file} is missing or unreadable (did the suite run?)`);
    process.exit(1);
  }
}

const vitest = read("reports/vitest.json");
const playwright = read("reports/playwright.json");
const passed = vitest.numPassedTests + (playwright.stats?.expected ?? 0);
const failed = vitest.numFailedTests + (playwright.stats?.unexpected ?? 0) + (playwright.stats?.flaky ?? 0);
const skipped = vitest.numPendingTests + vitest.numTodoTests + (playwright.stats?.skipped ?? 0);
console.log(`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed; playwright: ${playwright.stats?.expected ?? 0} passed, ${playwright.stats?.unexpected ?? 0} failed`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
