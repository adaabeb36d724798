// `npm run remove` on copies of this project: each removable feature, and everything but the
// counter, must leave a project whose checks and Vitest suite pass. Slow (a copy, a typecheck,
// a lint and a Vitest run per case), so it is `npm run test:remove`, run once by .ci/run.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SKIP = new Set([
  "node_modules",
  ".git",
  ".wrangler",
  "test-results",
  "dist",
]);
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A fresh project: this tree without its history, committed once on main, node_modules linked. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "remove-"));
  copies.push(dir);
  cpSync(root, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(root, source);
      return (
        !SKIP.has(path.split("/")[0]) && !path.startsWith("bench/results/")
      );
    },
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      stdio: "ignore",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "template");
  return dir;
}

function run(dir: string, command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: result.status === 0,
    output: `${result.stdout}${result.stderr}`,
  };
}

function mustPass(dir: string, command: string, args: string[]) {
  const { ok, output } = run(dir, command, args);
  assert.ok(
    ok,
    `${command} ${args.join(" ")} failed in ${dir}:\n${output.slice(-6000)}`,
  );
  return output;
}

/** What `npm run check` runs except check:deploy (three wrangler dry-runs), then the Vitest suite. */
function checkAndTest(dir: string) {
  mustPass(dir, "npm", ["run", "--silent", "typecheck"]);
  mustPass(dir, "npx", ["eslint", "."]);
  mustPass(dir, "npx", ["prettier", "--check", "."]);
  mustPass(dir, "npm", ["run", "--silent", "check:migrations"]);
  mustPass(dir, "npm", ["run", "--silent", "check:types"]);
  mustPass(dir, "npm", ["run", "--silent", "check:docs"]);
  mustPass(dir, "npx", ["vitest", "run", "--reporter=dot"]);
}

const remove = (dir: string, ...args: string[]) =>
  run(dir, process.execPath, ["scripts/remove.ts", ...args]);

test("refuses to take a feature away from the seams that need it, naming what to add", () => {
  const dir = freshCopy();
  for (const [feature, hint] of [
    ["chat", /npm run remove -- chat identity scheduler/],
    ["identity", /npm run remove -- identity chat scheduler/],
    ["nonsense", /unknown feature/],
  ] as const) {
    const { ok, output } = remove(dir, feature);
    assert.equal(ok, false, feature);
    assert.match(output, hint);
  }
  assert.equal(
    run(dir, "git", ["status", "--porcelain"]).output,
    "",
    "nothing changed",
  );
});

for (const features of [
  ["sharded-counter"],
  ["page"],
  ["chat", "identity", "scheduler"],
]) {
  test(
    `removes ${features.join(" + ")} from a project never deployed`,
    { timeout: 900_000 },
    () => {
      const dir = freshCopy();
      mustPass(dir, process.execPath, ["scripts/remove.ts", ...features]);
      checkAndTest(dir);
    },
  );
}

test(
  "removes the scheduler from a deployed project with a deleted_classes tag",
  { timeout: 900_000 },
  () => {
    const dir = freshCopy();
    const output = mustPass(dir, process.execPath, [
      "scripts/remove.ts",
      "--deployed",
      "scheduler",
    ]);
    assert.match(output, /DESTROYS every object/);
    const config = readFileSync(join(dir, "wrangler.jsonc"), "utf8");
    assert.match(
      config,
      /\{ "tag": "v3", "new_sqlite_classes": \["Scheduler"\] \}/,
    );
    assert.match(
      config,
      /\{ "tag": "v6", "deleted_classes": \["Scheduler"\] \}/,
    );
    assert.doesNotMatch(config, /"SCHEDULER"/);
    checkAndTest(dir);
  },
);

test(
  "leaves only the counter: everything else removed at once",
  { timeout: 900_000 },
  () => {
    const dir = freshCopy();
    mustPass(dir, process.execPath, [
      "scripts/remove.ts",
      "chat",
      "identity",
      "scheduler",
      "sharded-counter",
      "page",
    ]);
    const config = readFileSync(join(dir, "wrangler.jsonc"), "utf8");
    assert.match(config, /"new_sqlite_classes": \["Counter"\]/);
    assert.doesNotMatch(config, /ChatRoom|Scheduler|"assets"/);
    checkAndTest(dir);
  },
);
