import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { checkMigrations } from "../../scripts/migrations/check.ts";
import { REPO, runScript } from "./run-script.ts";

const run = promisify(execFile);
const FIXTURES = join(REPO, "test/fixtures/migrations");

/** The real command line, as `npm run check:migrations` runs it. */
const cli = (...args: string[]) => runScript("check-migrations.ts", ...args);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const identity = ["-c", "user.name=test", "-c", "user.email=test@example"];
  const { stdout } = await run("git", [...identity, ...args], { cwd });
  return stdout.trim();
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, "utf8");
  assert.ok(text.includes(from), `${file} should contain ${from}`);
  await writeFile(file, text.replace(from, to));
}

function onlyProblem(configPath: string): string {
  const { problems } = checkMigrations(configPath);
  assert.equal(problems.length, 1, problems.join("\n"));
  return problems[0];
}

// Fixtures are checked from a copy outside any git repository, so this repository's history of
// them cannot leak into the results; the history tests build repositories of their own.
let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "check-migrations-"));
  await cp(FIXTURES, join(scratch, "fixtures"), { recursive: true });
});
after(() => rm(scratch, { recursive: true, force: true }));

const fixture = (name: string) =>
  join(scratch, "fixtures", name, "wrangler.jsonc");

describe("each mistake fails with what to do", () => {
  const cases: [string, RegExp][] = [
    [
      "rename-without-export",
      /^v2 renames Counter to Tally, but index\.ts does not export Tally: rename the class in code and export it as Tally in the same change/,
    ],
    [
      "delete-with-binding",
      /^Binding CHAT_ROOM uses class ChatRoom, which v2 deletes with every object's data\. .*remove the binding and its callers in an earlier deploy/,
    ],
    [
      "delete-with-code",
      /^v2 deletes class ChatRoom, but \.\.\/worker\.ts still exports it: remove the class and its callers/,
    ],
    [
      "duplicate-tag",
      /^Migration tag v2 appears twice \(entries 2 and 3\)\. .*give the later entry the next free tag \(v3\)/,
    ],
    [
      "tags-out-of-order",
      /^Migration tag v2 comes after v3: tags are out of order\. .*append new tags at the end, numbered after the last one \(v4\)/,
    ],
    [
      "unmigrated-binding",
      /^Binding CHAT_ROOM uses class ChatRoom, which no migration creates: append \{ "tag": "v2", "new_sqlite_classes": \["ChatRoom"\] \} to migrations/,
    ],
    [
      "created-not-exported",
      /^v2 creates class Leaderboard, but \.\.\/worker\.ts does not export it: export it from \.\.\/worker\.ts/,
    ],
    [
      "exports-and-migrations",
      /^"migrations" and Durable Object "exports" are both set, and they are mutually exclusive .*Keep the tagged migrations, or replace them/,
    ],
    [
      "env-missing-binding",
      /^env\.staging lacks Durable Object binding COUNTER \(class Counter\), which the top level has\. .*add it to env\.staging\.durable_objects\.bindings\.$/,
    ],
    [
      "env-missing-rate-limiter",
      /^env\.staging lacks ratelimits binding LIMITER, which the top level has\. .*add it to env\.staging\.ratelimits\.$/,
    ],
    [
      "verified-without-secret",
      /^env\.staging sets IDENTITY_MODE "verified" but does not require SESSION_SECRET: add it to env\.staging\.secrets\.required and set it with `wrangler secret put SESSION_SECRET --env staging`/,
    ],
    [
      "env-own-migrations",
      /^env\.staging declares its own "migrations"\. .*Remove env\.staging\.migrations\.$/,
    ],
  ];
  for (const [name, message] of cases) {
    test(`${name} is rejected`, () => {
      assert.match(onlyProblem(fixture(name)), message);
    });
  }

  test("an environment missing a var and a secret gets one message for each", () => {
    const { problems } = checkMigrations(fixture("env-missing-var"));
    assert.deepEqual(problems.length, 2, problems.join("\n"));
    assert.match(
      problems[0],
      /^env\.production lacks var SHARD_COUNT, which the top level has\. .*add it to env\.production\.vars\.$/,
    );
    assert.match(
      problems[1],
      /^env\.production lacks required secret API_TOKEN, .*add it to env\.production\.secrets\.required and set it with `wrangler secret put API_TOKEN --env production`\.$/,
    );
  });

  test("a config that does every step right passes", () => {
    const report = checkMigrations(fixture("valid"));
    assert.deepEqual(report.problems, []);
    assert.match(
      report.summary,
      /tags v1, v2, v3, v4; classes Counter, ChatRoom created/,
    );
    assert.deepEqual(report.notes, ["not a git repository"]);
  });

  test("the command line exits 1 and prints the message on a bad config", async () => {
    const { code, output } = await cli(
      "--config",
      fixture("delete-with-binding"),
    );
    assert.equal(code, 1, output);
    assert.match(output, /1 Durable Object migration problem\(s\)/);
    assert.match(
      output,
      /- Binding CHAT_ROOM uses class ChatRoom, which v2 deletes/,
    );
  });

  test("the command line passes on this repository's wrangler.jsonc", async () => {
    const { code, output } = await cli();
    assert.equal(code, 0, output);
    assert.match(output, /^✔ wrangler\.jsonc: tags v1/m);
  });
});

/** A repository whose main branch has committed the valid fixture once. */
async function repository(): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(scratch, "repo-"));
  await cp(join(FIXTURES, "valid"), join(dir, "valid"), { recursive: true });
  await cp(join(FIXTURES, "worker.ts"), join(dir, "worker.ts"));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "add", ".");
  await git(dir, "commit", "-q", "-m", "v1 to v4");
  return { dir, config: join(dir, "valid", "wrangler.jsonc") };
}

describe("tags on main are append-only", () => {
  test("an edited old tag fails and says to append a new one", async () => {
    const { config } = await repository();
    await edit(
      config,
      `"new_sqlite_classes": ["Counter", "Room"]`,
      `"new_classes": ["Counter", "Room"]`,
    );
    assert.match(
      onlyProblem(config),
      /^Migration v1 was edited: it was \{"new_sqlite_classes":\["Counter","Room"\],"tag":"v1"\} when first committed in [0-9a-f]{7}, .*restore the committed entry and append the change as a new tag \(v5\)\.$/,
    );
  });

  test("a removed tag fails", async () => {
    const { config } = await repository();
    await edit(config, `{ "tag": "v4", "deleted_classes": ["Legacy"] },`, "");
    const { problems } = checkMigrations(config);
    assert.match(
      problems[0],
      /^Migration v4 \(first committed in [0-9a-f]{7}\) was removed\. .*restore it exactly as committed/,
    );
  });

  test("a reordered tag fails", async () => {
    const { config } = await repository();
    await edit(
      config,
      `{ "tag": "v3", "new_sqlite_classes": ["Legacy"] },`,
      "",
    );
    await edit(
      config,
      `"deleted_classes": ["Legacy"] },`,
      `"deleted_classes": ["Legacy"] },\n{ "tag": "v3", "new_sqlite_classes": ["Legacy"] },`,
    );
    const { problems } = checkMigrations(config);
    assert.ok(
      problems.some((p) =>
        /^Migration v3 .* moved from position 3 to 4\. .*restore the committed order/.test(
          p,
        ),
      ),
      problems.join("\n"),
    );
  });

  test("an edit that already reached main is still caught, against the first committed form", async () => {
    const { dir, config } = await repository();
    await edit(config, `["Counter", "Room"]`, `["Counter", "Lobby"]`);
    await edit(config, `"from": "Room"`, `"from": "Lobby"`);
    await git(dir, "commit", "-q", "-am", "rewrite v1 and v2");
    await git(dir, "switch", "-q", "-c", "feature");
    const { problems } = checkMigrations(config);
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /^Migration v1 was edited: it was .*"Room"/);
    assert.match(
      problems[1],
      /^Migration v2 was edited: it was .*"from":"Room"/,
    );
  });

  test("a tag committed only on the branch may still change; main's tags may not", async () => {
    const { dir, config } = await repository();
    await git(dir, "switch", "-q", "-c", "feature");
    await edit(
      config,
      `"deleted_classes": ["Legacy"] },`,
      `"deleted_classes": ["Legacy"] },\n{ "tag": "v5", "new_sqlite_classes": ["Scheduler"] },`,
    );
    await git(dir, "commit", "-q", "-am", "v5 on the branch");
    await edit(config, `["Scheduler"]`, `["Scheduler", "Counter2"]`);
    await edit(
      join(dir, "worker.ts"),
      "export class Scheduler",
      "export class Counter2 extends DurableObject {}\n\nexport class Scheduler",
    );
    const branchOnly = checkMigrations(config);
    assert.deepEqual(branchOnly.problems, []);
    assert.match(
      branchOnly.summary,
      /1 committed version\(s\) \(base: main [0-9a-f]{7}\)/,
    );

    await edit(config, `["Legacy"] },`, `["Legacy", "Extra"] },`);
    assert.match(
      checkMigrations(config).problems[0],
      /^Migration v3 was edited/,
    );
  });

  test("a tag a merged branch numbered differently before its merge does not count as deployed", async () => {
    const { dir, config } = await repository();
    const append = (tag: string, cls: string) =>
      edit(
        config,
        `"deleted_classes": ["Legacy"] },`,
        `"deleted_classes": ["Legacy"] },\n{ "tag": "${tag}", "new_sqlite_classes": ["${cls}"] },`,
      );
    await git(dir, "switch", "-q", "-c", "first");
    await append("v5", "Scheduler");
    await git(dir, "commit", "-q", "-am", "v5 Scheduler");
    await git(dir, "switch", "-q", "main");
    await git(dir, "switch", "-q", "-c", "second");
    await append("v5", "Counter2");
    await git(dir, "commit", "-q", "-am", "v5 Counter2");
    await git(dir, "switch", "-q", "main");
    await git(dir, "merge", "-q", "--no-ff", "-m", "merge first", "first");
    // The second branch's v5 becomes v6 in its merge: it never reached main as v5.
    await git(dir, "merge", "-q", "--no-commit", "second").catch(() => {});
    await git(dir, "checkout", "-q", "main", "--", "valid/wrangler.jsonc");
    await edit(
      config,
      `["Scheduler"] },`,
      `["Scheduler"] },\n{ "tag": "v6", "new_sqlite_classes": ["Counter2"] },`,
    );
    await edit(
      join(dir, "worker.ts"),
      "export class Scheduler",
      "export class Counter2 extends DurableObject {}\n\nexport class Scheduler",
    );
    await git(dir, "commit", "-q", "-am", "merge second as v6");
    assert.deepEqual(checkMigrations(config).problems, []);
  });

  test("a fresh clone with a single commit passes", async () => {
    const { dir } = await repository();
    const clone = `${dir}-clone`;
    await git(scratch, "clone", "-q", dir, clone);
    const report = checkMigrations(join(clone, "valid", "wrangler.jsonc"));
    assert.deepEqual(report.problems, []);
    assert.match(
      report.summary,
      /1 committed version\(s\) \(base: main [0-9a-f]{7}, origin\/main [0-9a-f]{7}\)/,
    );
  });

  test("a repository without main checks against HEAD and says so", async () => {
    const { dir, config } = await repository();
    await git(dir, "branch", "-q", "-m", "main", "trunk");
    await edit(config, `["Counter", "Room"]`, `["Counter", "Hall"]`);
    const report = checkMigrations(config);
    assert.match(
      report.notes.join("\n"),
      /no main or origin\/main branch: checked against HEAD's history/,
    );
    assert.match(report.problems[0], /^Migration v1 was edited/);
  });
});

describe("switching to exports", () => {
  test("replacing every tag with the exports map it adds up to passes", async () => {
    const { config } = await repository();
    const text = await readFile(config, "utf8");
    const tags = text.slice(
      text.indexOf(`"migrations"`),
      text.indexOf(`"env"`),
    );
    const exports = `"exports": {
      "Counter": { "type": "durable-object", "storage": "sqlite" },
      "ChatRoom": { "type": "durable-object", "storage": "sqlite" },
      "Room": { "type": "durable-object", "state": "renamed", "renamed_to": "ChatRoom" },
      "Legacy": { "type": "durable-object", "state": "deleted" },
    },
    `;
    await writeFile(config, text.replace(tags, exports));
    const switched = checkMigrations(config);
    assert.deepEqual(switched.problems, []);
    assert.match(
      switched.summary,
      /tags none \(exports\); classes Counter, ChatRoom/,
    );

    await edit(
      config,
      `"Room": { "type": "durable-object", "state": "renamed", "renamed_to": "ChatRoom" },`,
      "",
    );
    await edit(
      config,
      `"ChatRoom": { "type": "durable-object", "storage": "sqlite" },`,
      "",
    );
    assert.match(
      checkMigrations(config).problems[0],
      /^Binding CHAT_ROOM uses class ChatRoom, which "exports" does not declare: add "ChatRoom": \{ "type": "durable-object", "storage": "sqlite" \} to exports\.$/,
    );
  });
});
