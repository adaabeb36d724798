import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "node_modules/",
      ".wrangler/",
      "dist/",
      "public/",
      "worker-configuration.d.ts",
      "bench/results/",
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          "./tsconfig.worker.json",
          "./tsconfig.node.json",
          "./tsconfig.client.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An un-awaited RPC, storage or socket call is a real bug in a Durable Object.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["test", "describe", "it"],
            },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Each test asserts with the `expect` of its own context, so concurrent tests and
    // fast-check properties report to the test that ran them.
    files: ["test/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "vitest",
              importNames: ["expect"],
              message:
                "take expect from the test context: it(name, ({ expect }) => ...)",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
