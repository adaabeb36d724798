import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// Import boundaries (AGENTS.md, "Feature seams"). Each feature folder holds its routes, schemas and
// objects; features meet only through the seams named here.
const FEATURES = ["counter", "chat", "scheduler", "identity"];

/** The Worker's side of a feature: what may load Hono and src/http. Everything else is object side. */
const WORKER_SIDE = [
  "src/*/routes.ts",
  "src/*/*-routes.ts",
  "src/*/*-route.ts",
  "src/*/schemas.ts",
  "src/identity/identity.ts",
  "src/identity/*-token.ts",
];
const WORKER_SIDE_IMPORT =
  "^\\.{1,2}/(\\w+/)?(routes|schemas|identity|[\\w-]+-routes?|[\\w-]+-token)$";

const HONO = [
  {
    group: ["hono", "hono/*", "@hono/*"],
    message: "objects and src/shared never load Hono",
  },
];

/** A pattern that refuses every import of `feature` except the files in `seams`. */
function otherFeature(feature, seams = [], options = {}) {
  const except = seams.length ? `(?!(${seams.join("|")})$)` : "";
  return {
    regex: `^\\.\\./${feature}/${except}`,
    message: seams.length
      ? `a feature reaches ${feature} only through ${seams.join(", ")} (AGENTS.md, "Feature seams")`
      : `features never import ${feature}'s files (AGENTS.md, "Feature seams")`,
    ...options,
  };
}

/** What each feature may take from the others: file names in the other feature's folder. */
const SEAMS = {
  counter: {},
  chat: { identity: ["identity", "user-name", "schemas"] },
  // The scheduler's actions call Counter and ChatRoom over RPC: their types only, plus chat's text rule.
  scheduler: {
    counter: { seams: [], types: true },
    chat: { seams: ["text-rule"], types: true },
    identity: ["user-name"],
  },
  identity: {},
};

const featureBoundaries = FEATURES.map((feature) => ({
  files: [`src/${feature}/**/*.ts`],
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        patterns: FEATURES.filter((other) => other !== feature).map((other) => {
          const seam = SEAMS[feature][other] ?? [];
          return Array.isArray(seam)
            ? otherFeature(other, seam)
            : otherFeature(other, seam.seams, { allowTypeImports: seam.types });
        }),
      },
    ],
  },
}));

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
    // Objects and what they use run inside Durable Objects: no Hono, no src/http, no Worker side.
    files: [`src/{${FEATURES.join(",")}}/*.ts`],
    ignores: WORKER_SIDE,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...HONO,
            {
              regex: "(^|/)http/",
              message:
                "objects never import src/http: what both sides need goes in src/shared",
            },
            {
              regex: WORKER_SIDE_IMPORT,
              message:
                "objects never import the Worker side of a feature (routes, schemas)",
            },
          ],
        },
      ],
    },
  },
  {
    // What objects may use: imports nothing but itself.
    files: ["src/shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...HONO,
            {
              regex: "^\\.\\./",
              message: "src/shared imports no feature and not src/http",
            },
          ],
        },
      ],
    },
  },
  {
    // The Worker's shared plumbing serves every feature and knows none.
    files: ["src/http/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${FEATURES.join("|")})/`,
              message: "src/http imports no feature",
            },
          ],
        },
      ],
    },
  },
  ...featureBoundaries,
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
