// `npm create cloudflare -- --template <this repository>`, run as a new user would, offline: git
// is pointed at a local copy of this working tree instead of GitHub. Records exactly what
// create-cloudflare changes, then proves the project it made passes the checks. CI runs
// `npm run check` and two test files there; `C3_FULL_TEST=1` runs the whole `npm test` too
// (a few more minutes; see docs/start.md).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parseConfig } from "../../scripts/migrations/config.ts";

const C3 = "create-cloudflare@2.74.0";
const REPO = resolve(import.meta.dirname, "../..");
const TEMPLATE_URL = "https://github.com/example/starter";
const run = promisify(execFile);
// Inside the project it makes, this file is a test too: it must not start another round there.
const nested = process.env.C3_NESTED === "1";

let scratch: string;
let project: string;

async function sh(cwd: string, command: string, args: string[]) {
  return run(command, args, {
    cwd,
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      C3_NESTED: "1",
      CI: "1",
      CREATE_CLOUDFLARE_TELEMETRY_DISABLED: "1",
      WRANGLER_SEND_METRICS: "false",
      // git fetches the "GitHub" repository from the local copy, in both forms C3 may use.
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: `url.${scratch}/template.insteadOf`,
      GIT_CONFIG_VALUE_0: "git@github.com:example/starter",
      GIT_CONFIG_KEY_1: `url.${scratch}/template.insteadOf`,
      GIT_CONFIG_VALUE_1: TEMPLATE_URL,
    },
  });
}

/** Every file of a project, relative, without what installs and builds write. */
async function files(dir: string): Promise<string[]> {
  const skipped = /^(node_modules|\.wrangler|dist|\.git)\/|^public\/app\.js/;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !skipped.test(path))
    .sort();
}

const read = (dir: string, path: string) => readFile(join(dir, path), "utf8");

before(async () => {
  if (nested) return;
  scratch = await mkdtemp(join(tmpdir(), "c3-template-"));
  // The template as committed plus this working tree's changes, like a pushed branch.
  const template = join(scratch, "template");
  await mkdir(template);
  const { stdout } = await run(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
  );
  for (const path of stdout.split("\0").filter(Boolean))
    await cp(join(REPO, path), join(template, path)).catch(() => {}); // deleted, not staged
  const git = ["-c", "user.name=test", "-c", "user.email=test@example"];
  await sh(template, "git", ["init", "-q", "-b", "main"]);
  await sh(template, "git", ["add", "."]);
  await sh(template, "git", [...git, "commit", "-q", "-m", "template"]);

  project = join(scratch, "my-app");
  await sh(scratch, "npm", [
    ...["exec", "--yes", `--package=${C3}`, "--", "create-cloudflare"],
    ...["my-app", "--template", TEMPLATE_URL, "--template-mode", "git"],
    ...["--no-deploy", "--no-git", "--no-open", "--agents"],
  ]);
});

after(() =>
  scratch ? rm(scratch, { recursive: true, force: true }) : undefined,
);

test(
  "create-cloudflare changes only what docs/start.md says, and leaves a project that passes npm run check",
  {
    skip: nested && "inside a project create-cloudflare made",
    timeout: 1_800_000,
  },
  async (t) => {
    const template = join(scratch, "template");
    const added = [".vscode/settings.json"];
    assert.deepEqual(
      await files(project),
      [...(await files(template)), ...added].sort(),
    );
    const changed: string[] = [];
    for (const path of await files(template))
      if ((await read(template, path)) !== (await read(project, path)))
        changed.push(path);
    assert.deepEqual(changed, [
      ".gitignore",
      "package-lock.json",
      "package.json",
      "worker-configuration.d.ts",
      "wrangler.jsonc",
    ]);

    // AGENTS.md, tsconfig.json and the sources are the template's, byte for byte (above). In
    // package.json only wrangler moves: C3 installs wrangler@latest, pinned by .npmrc.
    type Manifest = { devDependencies: Record<string, string> };
    const manifest = async (dir: string) =>
      JSON.parse(await read(dir, "package.json")) as Manifest;
    const [ours, theirs] = [await manifest(template), await manifest(project)];
    assert.match(theirs.devDependencies.wrangler, /^\d+\.\d+\.\d+$/);
    theirs.devDependencies.wrangler = ours.devDependencies.wrangler;
    assert.deepEqual(theirs, ours);

    // wrangler.jsonc: the project's name, observability reset to `{ enabled: true }` (C3
    // assigns it whole, dropping traces), and otherwise the same settings, reformatted.
    const config = (dir: string) =>
      read(dir, "wrangler.jsonc").then((text) => parseConfig(text, dir));
    const made = await config(project);
    assert.equal(made.name, "my-app");
    assert.deepEqual(made.observability, { enabled: true });
    const expected = { ...(await config(template)), name: "my-app" };
    assert.deepEqual(made, { ...expected, observability: { enabled: true } });

    assert.ok(
      (await read(project, ".gitignore")).startsWith(
        await read(template, ".gitignore"),
      ),
    );
    // Regenerated by the project's own `npm run cf-typegen`, with the wrangler C3 installed.
    assert.match(
      await read(project, "worker-configuration.d.ts"),
      /^\/\/ Runtime types generated with workerd@/m,
    );

    await sh(project, "npm", ["run", "check"]);
    if (process.env.C3_FULL_TEST === "1") {
      const { stdout } = await sh(project, "npm", ["test"]);
      // node --test prints TAP ("# pass 3") when its output is not a terminal.
      const summary = /Test Files|Tests {2}|^(ℹ|#) (pass|fail|skipped) /;
      for (const line of stdout.split("\n").filter((l) => summary.test(l)))
        t.diagnostic(line.trim());
    } else {
      await sh(project, "npx", [
        "vitest",
        "run",
        "test/counter/routes.test.ts",
      ]);
      await sh(project, "node", ["--test", "test/process/restart.test.ts"]);
    }
  },
);
