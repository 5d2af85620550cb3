import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/**", "bench/anchor/.next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // What the Edge middleware reaches must run on the Edge runtime: no Node-only module.
    files: ["middleware.ts", "lib/auth/edge/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "Node built-ins do not exist on the Edge runtime." },
            { group: ["@prisma/*", "pg", "server-only", "next/headers", "oauth4webapi"], message: "Node-only (or server-component-only) module: keep it out of lib/auth/edge/ and the middleware." },
            { group: ["**/db", "**/sessions/*", "**/policy/*", "**/sign-in/*", "**/rate-limits/*", "**/maintenance/*"], message: "Node-only layer: the middleware may reach lib/auth/edge/ only." },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs", "*.mjs", "lib/**/*.mjs", "tests/**/*.mjs", "bench/**/*.{js,mjs}"],
    languageOptions: { globals: globals.node },
  },
);
