#!/usr/bin/env node
// Runs the Prisma CLI with arguments, offline-safe.
//
// Why: Prisma 6.19's `generate` checks for the Rust query-engine library and downloads it
// when absent (its postinstall, which would fetch it, does not run under npm 11's default
// install-script policy, and machines without internet cannot fetch it at all). Our
// client is generated with `engineType = "client"` and never loads that library, so we
// point the check at an empty placeholder. Migrations run through the WASM schema engine
// and a driver adapter (see prisma.config.ts), so no Rust binary is needed anywhere.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const placeholderDir = path.join(process.cwd(), "node_modules", ".cache", "prisma-offline");
const placeholder = path.join(placeholderDir, "libquery_engine-unused.so.node");
if (!existsSync(placeholder)) {
  mkdirSync(placeholderDir, { recursive: true });
  writeFileSync(placeholder, "");
}

const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ...process.env,
  },
});
process.exit(result.status ?? 1);
