// The docs check (scripts/check-docs.ts, in `npm run check`) fails on the mistakes it exists
// for, and passes on the project's own docs. One checkDocs call covers every page below: each
// call type-checks its snippets with one tsc run over the Worker's types (~5 s of CPU).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkDocs, docFiles } from "../../scripts/check-docs.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fence = "```";
const curl = "curl localhost:8787/api/health\n";

/** Each page the check reads beside the project's docs, by name. */
const pages: Record<string, string> = {
  "old-recipe.md": `# Adding a class

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
`,
  "snippet-ok.md": `${fence}ts
import { Schema } from "../shared/sql-schema";
export const schema = (storage: DurableObjectStorage) => new Schema(storage, []);
${fence}
`,
  "snippet-wrong.md": `${fence}ts
import { Schema } from "../shared/sql-schema";
export const schema = (storage: DurableObjectStorage) => new Schema(storage);
${fence}
`,
  "fragment-with-reason.md": `${fence}ts nocheck: the body of a function\nreturn 1;\n${fence}\n`,
  "fragment-without-reason.md": `${fence}ts nocheck\nreturn 1;\n${fence}\n`,
  "links.md": [
    "[ok](other.md#a-heading) [ok too](#here) [web](https://example.com/x)",
    "[gone](missing.md) [bad anchor](other.md#nowhere)",
    "`[in code](missing-too.md)`",
    "",
    "## Here",
  ].join("\n"),
  "other.md": "# A heading\n",
  "sh-unmarked.md": `${fence}sh\n${curl}${fence}\n`,
  "sh-run.md": `${fence}sh run\n${curl}${fence}\n`,
  "sh-norun.md": `${fence}sh norun: needs a deployed Worker\n${curl}${fence}\n`,
};

let dir = "";
let problems: string[] = [];

/** The problems reported for one page, without its directory. */
const problemsOf = (page: string) =>
  problems
    .filter((problem) => problem.startsWith(join(dir, page) + ":"))
    .map((problem) => problem.slice(dir.length + 1));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "check-docs-"));
  for (const [name, text] of Object.entries(pages))
    await writeFile(join(dir, name), text);
  problems = checkDocs(root, [
    ...docFiles(root),
    ...Object.keys(pages).map((name) => join(dir, name)),
  ]);
});

after(() => rm(dir, { recursive: true, force: true }));

test("the project's README, AGENTS.md and docs pass", () => {
  assert.deepEqual(
    problems.filter((problem) => !problem.startsWith(dir)),
    [],
  );
});

test("AGENTS.md's old recipe, migrate(ctx.storage, SCHEMA) in the constructor, fails to compile", () => {
  const found = problemsOf("old-recipe.md");
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0], /^old-recipe\.md:11: .*Cannot find name 'migrate'/);
});

test("a snippet compiles against the project's real modules and types", () => {
  assert.deepEqual(problemsOf("snippet-ok.md"), []);
  assert.match(
    problemsOf("snippet-wrong.md").join("\n"),
    /snippet-wrong\.md:3: .*Expected 2 arguments/,
  );
});

test("a fragment is skipped only with its reason", () => {
  assert.deepEqual(problemsOf("fragment-with-reason.md"), []);
  assert.match(
    problemsOf("fragment-without-reason.md").join("\n"),
    /needs its reason/,
  );
});

test("dead links and anchors are named; live ones pass", () => {
  const found = problemsOf("links.md");
  assert.equal(found.length, 2, found.join("\n"));
  assert.match(found[0], /^links\.md:2: dead link missing\.md/);
  assert.match(found[1], /^links\.md:2: dead anchor other\.md#nowhere/);
});

test("a shell block that calls the local API is run by a test or says why not", () => {
  assert.match(
    problemsOf("sh-unmarked.md").join("\n"),
    /sh run .* or .*sh norun/,
  );
  assert.deepEqual(problemsOf("sh-run.md"), []);
  assert.deepEqual(problemsOf("sh-norun.md"), []);
});
