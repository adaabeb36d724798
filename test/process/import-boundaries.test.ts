import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { ESLint } from "eslint";

const REPO = resolve(import.meta.dirname, "../..");

// The project's own eslint.config.js, running only the import rules: they read the import
// statements alone, and building the type program would take most of the time.
const eslint = new ESLint({
  cwd: REPO,
  ruleFilter: ({ ruleId }) => ruleId.endsWith("no-restricted-imports"),
  overrideConfig: {
    languageOptions: {
      parserOptions: { project: null, projectService: false },
    },
    linterOptions: { reportUnusedDisableDirectives: "off" },
  },
});

/** The boundary rules `source` breaks when it sits at `path`: rule id and message. */
async function violations(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, {
    filePath: resolve(REPO, path),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.endsWith("no-restricted-imports"))
    .map((m) => m.message);
}

const cases: { path: string; source: string; refused: RegExp | null }[] = [
  // Objects and src/shared never load Hono or src/http.
  {
    path: "src/counter/counter.ts",
    source: 'import { Hono } from "hono";',
    refused: /never load Hono/,
  },
  {
    path: "src/chat/chat-room.ts",
    source: 'import { ApiError } from "../http/errors";',
    refused: /never import src\/http/,
  },
  {
    path: "src/scheduler/store.ts",
    source: 'import { Params } from "./schemas";',
    refused: /Worker side/,
  },
  {
    path: "src/shared/failure.ts",
    source: 'import { z } from "@hono/zod-openapi";',
    refused: /never load Hono/,
  },
  {
    path: "src/shared/backoff.ts",
    source: 'import { MAX_BATCH } from "../scheduler/limits";',
    refused: /src\/shared imports no feature/,
  },
  // src/http serves every feature and knows none.
  {
    path: "src/http/middleware/cors.ts",
    source: 'import { rooms } from "../../chat/routes";',
    refused: /src\/http imports no feature/,
  },
  // Features meet only through the seams.
  {
    path: "src/counter/routes.ts",
    source: 'import { rooms } from "../chat/routes";',
    refused: /never import chat/,
  },
  {
    path: "src/identity/routes.ts",
    source: 'import { Params } from "../chat/schemas";',
    refused: /never import chat/,
  },
  {
    path: "src/chat/routes.ts",
    source: 'import { sessions } from "../identity/routes";',
    refused: /only through identity, user-name, schemas/,
  },
  {
    path: "src/scheduler/schemas.ts",
    source: 'import { cleanText } from "../chat/protocol";',
    refused: /only through text-rule/,
  },
  {
    path: "src/scheduler/actions.ts",
    source: 'import { Counter } from "../counter/counter";',
    refused: /never import counter/,
  },
  // The seams themselves pass.
  {
    path: "src/scheduler/actions.ts",
    source: 'import type { Counter } from "../counter/counter";',
    refused: null,
  },
  {
    path: "src/scheduler/schemas.ts",
    source: 'import { cleanText } from "../chat/text-rule";',
    refused: null,
  },
  {
    path: "src/chat/chat-room.ts",
    source: 'import { cleanUser } from "../identity/user-name";',
    refused: null,
  },
  {
    path: "src/chat/routes.ts",
    source: 'import { identify } from "../identity/identity";',
    refused: null,
  },
  {
    path: "src/chat/routes.ts",
    source: 'import { callObject } from "../http/object-call";',
    refused: null,
  },
];

for (const { path, source, refused } of cases) {
  test(`${refused ? "refuses" : "allows"} \`${source}\` in ${path}`, async () => {
    const messages = await violations(path, source);
    if (refused === null) assert.deepEqual(messages, []);
    else
      assert.ok(
        messages.some((m) => refused.test(m)),
        messages.join("\n") || "no violation reported",
      );
  });
}
