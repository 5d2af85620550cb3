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
    // What the Edge middleware reaches must run on the Edge runtime: no Node-only module. The
    // whole import closure is checked by tests/unit/module-boundaries.test.ts; this rule tells
    // an editor at once, in the folders the middleware is made of.
    files: ["middleware.ts", "lib/credentials/**/*.ts", "lib/errors/**/*.ts", "lib/roles/roles.ts", "lib/roles/idp-role-mapping.ts", "lib/access/route-policies.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "Node built-ins do not exist on the Edge runtime." },
            { group: ["@prisma/*", "pg", "server-only", "next/headers", "oauth4webapi"], message: "Node-only (or server-component-only) module: keep it out of what the middleware reaches." },
            { group: ["**/db", "**/sessions/*", "**/sign-in/*", "**/rate-limits/*", "**/maintenance/*", "**/users/*", "**/admin/*"], message: "Node-only layer: the middleware may not reach it." },
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
