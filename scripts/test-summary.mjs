#!/usr/bin/env node
// Prints one closing line for the whole `npm test` run, from the Vitest and Playwright (end to
// end, deployment) JSON reports it writes under reports/: "tests: N passed, N failed, N skipped".
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
const suites = { "playwright (e2e)": read("reports/playwright.json"), "playwright (deploy)": read("reports/playwright-deploy.json") };
const sum = (field) => Object.values(suites).reduce((total, report) => total + (report.stats?.[field] ?? 0), 0);
const passed = vitest.numPassedTests + sum("expected");
const failed = vitest.numFailedTests + sum("unexpected") + sum("flaky");
const skipped = vitest.numPendingTests + vitest.numTodoTests + sum("skipped");
console.log(
  [`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed`, ...Object.entries(suites).map(([name, report]) => `${name}: ${report.stats?.expected ?? 0} passed, ${report.stats?.unexpected ?? 0} failed`)].join("; "),
);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
