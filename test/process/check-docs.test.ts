// The docs check (scripts/check-docs.ts, in `npm run check`) fails on the mistakes it exists
// for, and passes on the project's own docs.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkDocs } from "../../scripts/check-docs.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fence = "```";

async function problemsOf(
  markdown: string,
  extra: Record<string, string> = {},
) {
  const dir = await mkdtemp(join(tmpdir(), "check-docs-"));
  try {
    const file = join(dir, "page.md");
    await writeFile(file, markdown);
    for (const [name, text] of Object.entries(extra))
      await writeFile(join(dir, name), text);
    return checkDocs(root, [file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("the project's README, AGENTS.md and docs pass", () => {
  assert.deepEqual(checkDocs(root), []);
});

test("AGENTS.md's old recipe, migrate(ctx.storage, SCHEMA) in the constructor, fails to compile", async () => {
  const problems = await problemsOf(`# Adding a class

${fence}ts
import { DurableObject } from "cloudflare:workers";

const SCHEMA = ["CREATE TABLE notes (id INTEGER PRIMARY KEY)"];

export class Notes extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, SCHEMA);
  }
}
${fence}
`);
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0], /page\.md:11: .*Cannot find name 'migrate'/);
});

test("a snippet compiles against the project's real modules and types", async () => {
  const ok = await problemsOf(`${fence}ts
import { Schema } from "../shared/sql-schema";
export const schema = (storage: DurableObjectStorage) => new Schema(storage, []);
${fence}
`);
  assert.deepEqual(ok, []);
  const wrong = await problemsOf(`${fence}ts
import { Schema } from "../shared/sql-schema";
export const schema = (storage: DurableObjectStorage) => new Schema(storage);
${fence}
`);
  assert.match(wrong.join("\n"), /page\.md:3: .*Expected 2 arguments/);
});

test("a fragment is skipped only with its reason", async () => {
  assert.deepEqual(
    await problemsOf(
      `${fence}ts nocheck: the body of a function\nreturn 1;\n${fence}\n`,
    ),
    [],
  );
  assert.match(
    (await problemsOf(`${fence}ts nocheck\nreturn 1;\n${fence}\n`)).join("\n"),
    /needs its reason/,
  );
});

test("dead links and anchors are named; live ones pass", async () => {
  const problems = await problemsOf(
    [
      "[ok](other.md#a-heading) [ok too](#here) [web](https://example.com/x)",
      "[gone](missing.md) [bad anchor](other.md#nowhere)",
      "`[in code](missing-too.md)`",
      "",
      "## Here",
    ].join("\n"),
    { "other.md": "# A heading\n" },
  );
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0], /page\.md:2: dead link missing\.md/);
  assert.match(problems[1], /page\.md:2: dead anchor other\.md#nowhere/);
});

test("a shell block that calls the local API is run by a test or says why not", async () => {
  const curl = "curl localhost:8787/api/health\n";
  assert.match(
    (await problemsOf(`${fence}sh\n${curl}${fence}\n`)).join("\n"),
    /sh run .* or .*sh norun/,
  );
  assert.deepEqual(await problemsOf(`${fence}sh run\n${curl}${fence}\n`), []);
  assert.deepEqual(
    await problemsOf(
      `${fence}sh norun: needs a deployed Worker\n${curl}${fence}\n`,
    ),
    [],
  );
});
